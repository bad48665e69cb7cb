import ArgumentParser
import HairpinCapture

/// Options every command that reads packets takes.
struct ReadingOptions: ParsableArguments {
    @Option(name: .customLong("reorder-window"),
            help: "How far back in time (ms) a record may step and still be handed on in order; 0 turns reordering off.")
    var reorderWindowMilliseconds: Double = 500

    @Option(name: [.customShort("f"), .long],
            help: "Only packets matching this tcpdump/BPF expression (compiled by libpcap per link type).")
    var filter: String?

    func validate() throws {
        guard reorderWindowMilliseconds >= 0, reorderWindowMilliseconds <= 3_600_000 else {
            throw ValidationError("--reorder-window must be between 0 and 3600000 ms")
        }
    }

    var captureOptions: CaptureReader.Options {
        CaptureReader.Options(reorderWindow: Int64(reorderWindowMilliseconds * 1_000_000))
    }

    /// The compiled filter, or nil; a bad expression is a clean error with libpcap's words.
    func packetFilter() throws -> PacketFilter? {
        guard let filter else { return nil }
        return try PacketFilter(expression: filter)
    }

    /// Reads every record of `files` in time order, filtered, numbering them from 1 over the run
    /// (every record read counts, so frame numbers do not depend on the filter); `body` returns
    /// false to stop.
    func forEachRecord(_ files: [String], _ body: (Int, Record, InterfaceTable) -> Bool) throws -> CaptureReader {
        let reader = try CaptureReader(paths: files, options: captureOptions)
        try reader.forEachFrame(passing: try packetFilter()) { frame, record in body(frame, record, reader.interfaces) }
        return reader
    }
}
