import ArgumentParser
import CPlatform
import Foundation
import HairpinAnalysis
import HairpinCapture
import HairpinReport
import HairpinWire

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyse captures: migrations, bandwidth per uplink, first-hop gateways, VM moves and the hairpins they cause.",
        discussion: """
            Reads every packet once, decodes it and feeds the trackers: bidirectional flows, migration \
            streams (vMotion TCP 8000, Hyper-V TCP 6600, QEMU by its stream magic or the libvirt port \
            range, NFC TCP 902 as provisioning), per-uplink bandwidth series, HSRP/GLBP/VRRP groups over \
            time, RARP/GARP/NA announcements and where each MAC is sourced. A port match is not \
            enough for a migration: the stream must move at least --min-migration-bytes one way (95% of \
            its payload) at a peak of --min-migration-rate or more. A MAC whose location changes and \
            holds (--move-debounce) has moved; a move around a migration is tied to it. For each moved \
            VM the paths after the move: its gateway and who forwards for it, whether its outbound and \
            return traffic cross the DCI (hairpin), asymmetry, trombones and flooding, with the frames \
            that prove each verdict and the DCI bytes per second. --topology names sites and DCI capture \
            points; without it the DCI is taken to be where a migration crossed that no MAC lives.

            Examples:
              hairpin analyze Captures/vmotion-hsrp-hairpin.pcapng
              hairpin analyze --json --bin 100ms uplink-a.pcapng uplink-b.pcap.gz
              hairpin analyze --csv out/ --speed dci=10G --uplink-by erspan collector.pcap
              hairpin analyze --topology dc.yaml --direction port a-leaf.pcapng b-leaf.pcapng
            """)

    @Argument(help: "Capture files (pcap or pcapng, optionally gzip/zstd compressed); \"-\" reads standard input.")
    var files: [String]

    @Flag(name: .long, help: "Print the report as JSON (schema hairpin.report/1).")
    var json = false

    @Option(name: .long, help: "Also write the report's tables as CSV files into this folder.")
    var csv: String?

    @Option(name: .long, help: "Time bin of the uplink series: 1s, 100ms, 1ms, ...")
    var bin: String = "1s"

    @Option(name: .customLong("uplink-by"), help: "What an uplink is: auto (ERSPAN session for mirrored frames, else interface), interface, erspan or vlan.")
    var uplinkBy: String = "auto"

    @Option(name: .long, help: "Link speed of an uplink by name, e.g. --speed dci=10G (repeatable); overrides if_speed.")
    var speed: [String] = []

    @Flag(name: .customLong("line-rate"), help: "Count preamble, inter-frame gap and FCS (24 bytes a frame, 60-byte minimum) in uplink rates.")
    var lineRate = false

    @Option(name: .customLong("busy-threshold"), help: "Utilisation above which a bin is reported as busy (0-1).")
    var busyThreshold: Double = 0.8

    @Option(name: .customLong("migration-port"), help: "Migration ports, e.g. vmotion=8000,hyperv=6600,nfc=902 (replaces the defaults for those kinds).")
    var migrationPorts: [String] = []

    @Option(name: .customLong("min-migration-bytes"), help: "Bytes one way a migration stream moves at least (k, M, G suffixes).")
    var minimumMigrationBytes: String = "256k"

    @Option(name: .customLong("min-migration-rate"), help: "Peak rate (at 100 ms) a migration stream reaches at least, bits/s (k, M, G).")
    var minimumMigrationRate: String = "50M"

    @Option(name: .customLong("copy-window"), help: "A frame seen again on another capture point within this is a copy, not a new sighting (DCI latency plus clock skew).")
    var copyWindow: String = "50ms"

    @Option(name: .customLong("announcement-gap"), help: "RARP/GARP/NA frames of one MAC closer than this form one announcement.")
    var announcementGap: String = "1s"

    @Option(name: .customLong("move-debounce"), help: "How long a MAC's new location must outlast the old one to be a move.")
    var moveDebounce: String = "5s"

    @Option(name: .customLong("direction"), help: "What pcapng record directions mean for where a frame came from: ignore, port (a SPAN or TAP port: inbound came from the attached device) or host (outbound was sent by the host).")
    var direction: String = "ignore"

    @Option(name: .long, help: "Topology file (YAML: sites, segments, switches, routers, capture points, DCI links, hosts): sites and roles of capture points for the path verdicts.")
    var topology: String?

    @Flag(name: .customLong("all-hosts"), help: "Give the paths of hosts that did not move too (gateway, outbound and return verdicts).")
    var allHosts = false

    @Option(name: .long, help: "Threads: 2 reads and decodes on one thread and runs the trackers on the other; 3 also splits the trackers in two halves; the report is the same. Default: the cores, up to 3, for inputs of 16 MB or more or read from a stream.")
    var threads: Int?

    @Flag(name: .customLong("pin-threads"), inversion: .prefixedNo,
          help: "With two threads or more, keep the reading and the analysing thread each on a core of its own while they run; --no-pin-threads leaves them where the system puts them.")
    var pinThreads = true

    @OptionGroup var reading: ReadingOptions

    /// One thread per core (`hairpin_cores_available`: the affinity mask and the cgroup's CPU
    /// quota), up to what the pipeline uses.
    static var defaultThreads: Int { min(Int(hairpin_cores_available()), ParallelAnalysis.maximumThreads) }

    func validate() throws {
        guard (threads ?? 1) >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        var options = Analysis.Options()
        options.bin = try Self.duration(bin)
        options.copyWindow = try Self.duration(copyWindow, option: "--copy-window", minimum: 0)
        options.announcementBurstGap = try Self.duration(announcementGap, option: "--announcement-gap", minimum: 1_000_000)
        options.moveDebounce = try Self.duration(moveDebounce, option: "--move-debounce", minimum: 1_000_000)
        guard let meaning = DirectionMeaning(rawValue: direction) else { throw ValidationError("--direction takes ignore, port or host") }
        options.directionMeaning = meaning
        options.pathsForAllHosts = allHosts
        if let topology {
            let text: String
            do { text = try String(contentsOfFile: topology, encoding: .utf8) } catch {
                throw ValidationError("cannot read the topology file \(topology): \(error.localizedDescription)")
            }
            do { options.topology = try Topology.parse(text, file: topology) } catch { throw ValidationError("\(error)") }
        }
        guard let by = Analysis.UplinkBy(rawValue: uplinkBy) else { throw ValidationError("--uplink-by is auto, interface, erspan or vlan") }
        options.uplinkBy = by
        options.lineRate = lineRate
        guard busyThreshold >= 0 && busyThreshold <= 1 else { throw ValidationError("--busy-threshold must be between 0 and 1") }
        options.busyThreshold = busyThreshold
        for entry in speed {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let value = Self.quantity(parts[1]), value >= 1 else {
                throw ValidationError("--speed takes NAME=RATE with a rate of 1 bit/s to 1000000T, e.g. dci=10G")
            }
            options.speeds[parts[0]] = UInt64(value)
        }
        for list in migrationPorts {
            for entry in list.split(separator: ",") {
                let parts = entry.split(separator: "=").map(String.init)
                guard parts.count == 2, let kind = MigrationKind(rawValue: parts[0]), let port = UInt16(parts[1]) else {
                    throw ValidationError("--migration-port takes KIND=PORT with KIND vmotion, hyperv, qemu or nfc")
                }
                options.migrations.ports = options.migrations.ports.filter { $0.value != kind }
                options.migrations.ports[port] = kind
            }
        }
        guard let bytes = Self.quantity(minimumMigrationBytes), let rate = Self.quantity(minimumMigrationRate) else {
            throw ValidationError("--min-migration-bytes and --min-migration-rate take numbers from 0 to 10^18, with k, M or G")
        }
        options.migrations.minimumBytes = Int(bytes)
        options.migrations.minimumPeakBitsPerSecond = rate
        let progress = Progress()
        let outcome = try ParallelAnalysis.run(paths: files, reading: reading.captureOptions, filter: reading.filter, options: options,
                                               threads: threads ?? Self.defaultThreads, evenForSmallInputs: threads != nil, pinsThreads: pinThreads,
                                               observe: progress.enabled ? { frame, time, length in progress.tick(frame, time: time, originalLength: length) } : nil)
        progress.finish()
        let report = outcome.analysis.report(interfaces: outcome.reader.interfaces.all, anomalies: outcome.reader.anomalies)
        let renderer = AnalysisRenderer(report)
        if let csv {
            try FileManager.default.createDirectory(atPath: csv, withIntermediateDirectories: true)
            for (name, contents) in renderer.csv {
                try contents.write(toFile: (csv as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
            }
        }
        print(json ? renderer.json.serialized(pretty: true) : renderer.text)
    }

    /// "1s", "100ms", "250us", "1ms" -> nanoseconds.
    static func duration(_ text: String, option: String = "--bin", minimum: Int64 = 1_000_000) throws -> Int64 {
        let units: [(String, Double)] = [("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count)), value >= 0, value < 1e6 {
                let nanoseconds = Int64(value * scale)
                guard nanoseconds >= minimum else {
                    throw ValidationError("\(option) must be at least " + (minimum >= 1_000_000 ? "\(minimum / 1_000_000)ms" : "\(minimum)ns"))
                }
                return nanoseconds
            }
        }
        throw ValidationError("\(option) takes a duration such as 1s, 100ms or 1ms")
    }

    /// "10G", "256k", "1.5M", "1000" -> value: a count with an optional k, M, G or T suffix; nil
    /// unless it is a number from 0 to 10^18 (not NaN, an infinity or negative), since it becomes
    /// an integer, where anything else would trap.
    static func quantity(_ text: String) -> Double? {
        let value: Double?
        if let last = text.last, let scale = quantityScale(last), let number = Double(text.dropLast()) {
            value = number * scale
        } else {
            value = Double(text)
        }
        guard let value, value >= 0, value <= 1e18 else { return nil }
        return value
    }

    /// What a suffix of `quantity` multiplies by. A switch, not a dictionary literal: building a
    /// `[Character: Double]` first looked up `Character`'s `Hashable` conformance, a scan of the
    /// binary's 6,000 conformance records (`hairpin analyze` on a 1 KB capture: 405,000 of its
    /// 23 million instructions).
    private static func quantityScale(_ suffix: Character) -> Double? {
        switch suffix {
        case "k", "K": 1e3
        case "M": 1e6
        case "G": 1e9
        case "T": 1e12
        default: nil
        }
    }
}

/// A progress line on standard error for long inputs, only when it is a terminal.
final class Progress {
    /// Shown only on a terminal: otherwise no frame is handed to it at all.
    let enabled = isatty(2) != 0
    private var lastReport = Date()
    private var bytes = 0
    private var shown = false
    /// Frame numbers start again when the analysis reads its input a second time, not being in
    /// time order as first assumed (`ParallelAnalysis.run`).
    private var lastFrame = 0
    private var again = ""

    func tick(_ frame: Int, time: Int64, originalLength: Int) {
        if frame < lastFrame {
            bytes = 0
            again = " (read again: not in time order)"
        }
        lastFrame = frame
        bytes += originalLength
        guard frame & 0xFFFF == 0 else { return }
        let now = Date()
        guard now.timeIntervalSince(lastReport) >= 0.5 else { return }
        lastReport = now
        shown = true
        FileHandleOutput.standardErrorRaw("\r\(frame) packets, \(Units.bytes(Int64(bytes))), at \(Units.timestamp(time))\(again)   ")
    }

    func finish() {
        if shown { FileHandleOutput.standardErrorRaw("\r\u{1B}[K") }
    }
}
