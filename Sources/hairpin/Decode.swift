import ArgumentParser
import HairpinCapture
import HairpinReport
import HairpinWire

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Print each packet's layers: MACs, VLANs, tunnels (ERSPAN, VXLAN, Geneve, GRE), addresses, ports, ARP/RARP, ND.",
        discussion: """
            One line per packet in the spirit of `tcpdump -n -e`, or with --json one JSON object per \
            line. For tunnelled frames the addresses and ports are the innermost frame's; the tunnel \
            (ERSPAN session and port, VNI, outer addresses) is shown before them. A header cut by the \
            snapshot length or malformed ends the line with the reason, and every earlier layer is \
            still shown. Frames are numbered from 1 over the whole run, before filtering.

            Examples:
              hairpin decode -c 20 uplink.pcapng
              hairpin decode --filter 'arp or rarp or (udp port 1985)' --json core.pcap.gz
            """)

    @Argument(help: "Capture files (pcap or pcapng, optionally gzip/zstd compressed); \"-\" reads standard input.")
    var files: [String]

    @Option(name: .customShort("c"), help: "Stop after this many packets have been printed.")
    var count: Int?

    @Flag(name: .long, help: "Print one JSON object per packet (JSON lines).")
    var json = false

    @OptionGroup var reading: ReadingOptions

    func validate() throws {
        if let count, count <= 0 { throw ValidationError("-c must be positive") }
    }

    func run() throws {
        let decoder = Decoder()
        var printed = 0
        let output = OutputBuffer()
        var stops = DecodeCounters()
        var packet = DecodedPacket(linkType: .ethernet, capturedLength: 0)
        // Read once: an option's value read through its property wrapper for every packet cost
        // more than writing the packet's line.
        let json = json, count = count
        let reader = try reading.forEachRecord(files) { frame, record, interfaces in
            decoder.decode(record.bytes, linkType: record.linkType, into: &packet)
            if let stop = packet.stop { stops.count(stop, frame: frame) }
            let formatter = PacketFormatter(interfaces: interfaces)
            if json {
                var writer = JSONWriter(to: output.lines)
                formatter.writeJSON(frame: frame, record: record, packet: packet, to: &writer)
            } else {
                formatter.writeText(frame: frame, record: record, packet: packet, to: output.lines)
            }
            output.endLine()
            printed += 1
            return count.map { printed < $0 } ?? true
        }
        output.flush()
        // Like tcpdump's closing lines, on standard error so the packet lines stay clean.
        var summary = "\(printed) packets"
        let decodeStops = stops.entries.map { "\($0.name) \($0.count)" }
        if !decodeStops.isEmpty { summary += "; decoding stopped early: " + decodeStops.joined(separator: ", ") }
        let captureAnomalies = reader.anomalies.map { "\($0.kind.rawValue) \($0.count) (\($0.file), first at offset \($0.firstOffset.map(String.init) ?? "-"))" }
        if !captureAnomalies.isEmpty { summary += "; capture anomalies: " + captureAnomalies.joined(separator: ", ") }
        FileHandleOutput.standardError(summary)
    }
}

enum FileHandleOutput {
    static func standardError(_ line: String) { standardErrorRaw(line + "\n") }

    static func standardErrorRaw(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

/// Buffered standard output: lines are written into one buffer, sent with one write per 64 KiB.
final class OutputBuffer {
    let lines = TextBuffer(capacity: 1 << 17)

    func endLine() {
        lines.append(0x0A)
        if lines.count >= 1 << 16 { flush() }
    }

    func flush() {
        let bytes = lines.bytes
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(1, bytes.baseAddress! + offset, bytes.count - offset)
            if written <= 0 { break }
            offset += written
        }
        lines.removeAll()
    }
}
