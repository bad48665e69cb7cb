import ArgumentParser
import HairpinAnalysis
import HairpinCapture
import HairpinReport

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "How fast Hairpin reads, decodes and analyses your own capture: packets/s and bytes/s per stage.",
        discussion: """
            Runs each stage over the whole capture several times (the first run warms the page \
            cache and is not counted) and prints the median, with packets/s and bytes/s of file \
            (the size on disk, what cat would copy) and of wire (the frames' original lengths). To compare \
            with tcpdump, tshark, a libpcap read loop and cat on the same file, run \
            Benchmarks/compare.sh FILE.
            """)

    @Argument(help: "Capture files (pcap or pcapng, optionally gzip/zstd compressed).")
    var files: [String]

    @Flag(name: .customLong("decode-only"), help: "Only the read and decode stages.")
    var decodeOnly = false

    @Option(name: .long, help: "Only this stage: read, decode or analyze.")
    var stage: String?

    @Option(name: .long, help: "Untimed runs per stage before the timed ones (they fill the page cache).")
    var warmup = 1

    @Option(name: .long, help: "Timed runs per stage (the median is reported).")
    var runs = 5

    @Option(name: .long, help: ArgumentHelp("Threads of the analyze stage (1 to 3) and of reading and decoding a pcap file of 16 MB or more in pieces (up to 8); default: the cores, up to 3 (here \(Analyze.defaultThreads)), the analyze stage on one thread for inputs under 16 MB as hairpin analyze runs them."))
    var threads: Int?

    @Flag(name: .customLong("pin-threads"), inversion: .prefixedNo,
          help: "With two threads, keep the analyze stage's reading and analysing threads, and the two pieces of a file read or decoded in pieces, each on a core of its own while they run; --no-pin-threads leaves them where the system puts them.")
    var pinThreads = true

    @Option(name: .customLong("reorder-window"),
            help: "Reorder window (ms) of every stage; default: the analyze stage uses analyze's (500), read and decode go in file order (0), so that one file is read in pieces.")
    var reorderWindowMilliseconds: Double?

    @Flag(name: .long, help: "Print JSON (schema hairpin.bench/1).")
    var json = false

    func validate() throws {
        guard (1...100).contains(runs) else { throw ValidationError("--runs must be between 1 and 100") }
        guard (threads ?? 1) >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard (0...10).contains(warmup) else { throw ValidationError("--warmup must be between 0 and 10") }
        if let stage, Throughput.Stage(rawValue: stage) == nil { throw ValidationError("--stage is read, decode or analyze") }
        guard !files.contains("-") || CaptureReader.isReadInPlace("-") else {
            throw ValidationError("bench reads its files several times: standard input only when redirected from a plain capture file")
        }
        if let window = reorderWindowMilliseconds, !(0...3_600_000).contains(window) {
            throw ValidationError("--reorder-window must be between 0 and 3600000 ms")
        }
    }

    func run() throws {
        let stages: [Throughput.Stage] = stage.flatMap(Throughput.Stage.init).map { [$0] }
            ?? (decodeOnly ? [.read, .decode] : Throughput.Stage.allCases)
        // Bytes of file, what `cat` would copy, for comparison with it.
        let fileBytes = files.reduce(0) { $0 + (inputSize($1) ?? 0) }
        var rows: [(stage: Throughput.Stage, pass: Throughput.Pass, seconds: Double)] = []
        let window = reorderWindowMilliseconds.map { Int64($0 * 1_000_000) }
        for stage in stages {
            for _ in 0..<warmup { _ = try pass(stage, reorderWindow: window) }
            var timed: [(pass: Throughput.Pass, seconds: Double)] = []
            for _ in 0..<runs {
                let started = ContinuousClock.now
                let pass = try self.pass(stage, reorderWindow: window)
                let elapsed = ContinuousClock.now - started
                timed.append((pass, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
            }
            // The median run, with its own counts: how two threads shared the work varies from run to run.
            let median = timed.sorted { $0.seconds < $1.seconds }[timed.count / 2]
            rows.append((stage, median.pass, median.seconds))
        }
        if json {
            let value = JSONValue.object([
                ("schema", .string("hairpin.bench/1")),
                ("files", .array(files.map { .string($0) })),
                ("runs", .int(runs)),
                ("threads", .int(min(threadCount, ParallelAnalysis.maximumThreads))),
                ("file_bytes", .int(fileBytes)),
                ("stages", .array(rows.map { row in
                    .object([("stage", .string(row.stage.rawValue)), ("threads", .int(row.pass.threads)),
                             ("reorder_window_ms", .double(Double(row.pass.reorderWindow) / 1e6)), ("packets", .int(row.pass.records)),
                             ("captured_bytes", .int(row.pass.capturedBytes)), ("original_bytes", .int(row.pass.originalBytes)),
                             ("median_seconds", .double(row.seconds)),
                             ("packets_per_second", .double(Double(row.pass.records) / max(row.seconds, 1e-9))),
                             ("file_bytes_per_second", .double(Double(fileBytes) / max(row.seconds, 1e-9))),
                             ("wire_bytes_per_second", .double(Double(row.pass.originalBytes) / max(row.seconds, 1e-9))),
                             ("solo_frames", row.pass.soloFrames.map { .int($0) } ?? .null),
                             ("unsummed_frames", row.pass.unsummedFrames.map { .int($0) } ?? .null),
                             ("look_ahead_frames", row.pass.lookAheadFrames.map { .int($0) } ?? .null),
                             ("read_again", .bool(row.pass.readAgain))])
                })),
            ])
            print(value.serialized(pretty: true))
            return
        }
        var table = TextTable([("stage", .left), ("threads", .right), ("window", .right), ("packets", .right), ("median", .right), ("packets/s", .right),
                               ("file bytes/s", .right), ("wire bytes/s", .right)])
        for row in rows {
            let seconds = max(row.seconds, 1e-9)
            table.add([row.stage.rawValue, "\(row.pass.threads)", windowText(row.pass.reorderWindow), "\(row.pass.records)",
                       Units.duration(Int64(row.seconds * 1e9)),
                       Units.scaled(Double(row.pass.records) / seconds, unit: "pkt/s"),
                       Units.scaled(Double(fileBytes) / seconds, unit: "B/s"),
                       Units.scaled(Double(row.pass.originalBytes) / seconds, unit: "B/s")])
        }
        print("\(files.joined(separator: " ")): median of \(runs) runs per stage, after \(warmup) warm-up run\(warmup == 1 ? "" : "s")")
        print(table.render())
        for row in rows { if let balance = balanceText(row.pass) { print(balance) } }
        if rows.contains(where: \.pass.readAgain) {
            print("analyze: the capture is not in time order as the reorder window's look-ahead would prove it: read as if it were up to "
                  + "where that failed, then again through the window (its first step back in time or unusual block decides the cost)")
        }
    }

    /// How the reading and analysing threads of the median analyze run shared the frames: which
    /// side was the slower (README, Benchmarks); on one thread, how many frames it looked ahead of.
    private func balanceText(_ pass: Throughput.Pass) -> String? {
        func share(_ frames: Int) -> String { "\(frames) frames (\(Units.fixed(Double(frames) * 100 / Double(pass.records), digits: 1))%)" }
        if let ahead = pass.lookAheadFrames, pass.records > 0 {
            return "analyze, 1 thread (median run): \(share(ahead)) analysed a few records after they were summed up, the lines of the "
                + "tables they touch asked for meanwhile (many flows, or copies from several capture points)"
        }
        guard let solo = pass.soloFrames, let unsummed = pass.unsummedFrames, pass.records > 0 else { return nil }
        return "analyze, \(pass.threads) threads (median run): the reading thread analysed \(share(solo)) itself while the analysing "
            + "thread lagged, and left \(share(unsummed)) to it to sum up while it kept up"
    }

    /// The threads asked for, else the default.
    private var threadCount: Int { threads ?? Analyze.defaultThreads }

    /// One pass of `stage` over the files, on the threads `hairpin analyze` would take unless told.
    private func pass(_ stage: Throughput.Stage, reorderWindow: Int64?) throws -> Throughput.Pass {
        try Throughput.run(stage, paths: files, reorderWindow: reorderWindow, threads: threadCount, evenForSmallInputs: threads != nil,
                           pinsThreads: pinThreads)
    }

    /// The reorder window in whole milliseconds where it is one (the usual case), else as any duration.
    private func windowText(_ nanoseconds: Int64) -> String {
        nanoseconds % 1_000_000 == 0 ? "\(nanoseconds / 1_000_000) ms" : Units.duration(nanoseconds)
    }
}
