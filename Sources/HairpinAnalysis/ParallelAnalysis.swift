import Dispatch
import HairpinCapture
import HairpinWire

/// Runs the analysis of captures on one thread or two. With two, each thread reads and decodes
/// every record itself (a file on disk through one mapping both share) and runs one half of the
/// trackers (`Analysis.Parts`); the halves share no state, so joining them gives, byte for byte,
/// the report of one thread. Standard input cannot be read twice and runs on one thread, as does
/// an analysis asked for only some of the trackers.
public enum ParallelAnalysis {
    /// Threads the split can use: one per half of the trackers.
    public static let maximumThreads = 2
    /// Below this many bytes of input a second thread costs more to start than it saves, unless
    /// it was asked for by number.
    public static let minimumSplitBytes: Int64 = 16 << 20

    /// What a run gives: the analysis, ready for `report`, and the reader whose interfaces and
    /// anomalies go into the report.
    public struct Outcome {
        public let analysis: Analysis
        public let reader: CaptureReader
        /// Threads that actually ran.
        public let threads: Int
    }

    /// Reads every record of `paths` in time order, keeps those `filter` passes and hands them to
    /// the analysis. `observe` sees each kept record with its frame number (counted over every
    /// record read, so numbers do not depend on the filter) on the calling thread. With
    /// `evenForSmallInputs` false, inputs under `minimumSplitBytes` run on one thread.
    public static func run(paths: [String], reading: CaptureReader.Options, filter: String?, options: Analysis.Options,
                           threads: Int, evenForSmallInputs: Bool = true, observe: (Int, Record) -> Void = { _, _ in }) throws -> Outcome {
        let reader = try CaptureReader(paths: paths, options: reading)
        let large = (reader.mappedBytes ?? 0) >= minimumSplitBytes
        let split = threads >= 2 && !paths.contains("-") && options.parts == .all && (evenForSmallInputs || large)
        var mainOptions = options
        mainOptions.parts = split ? .traffic : options.parts
        let main = Job(analysis: Analysis(options: mainOptions), reader: reader, filter: try filter.map { try PacketFilter(expression: $0) })
        guard split else {
            try main.consumeAll(observe: observe)
            return Outcome(analysis: main.analysis, reader: main.reader, threads: 1)
        }
        var hostOptions = options
        hostOptions.parts = .hosts
        let helper = Job(analysis: Analysis(options: hostOptions), reader: try CaptureReader(paths: paths, options: reading, sharing: main.reader),
                         filter: try filter.map { try PacketFilter(expression: $0) })
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            do { try helper.consumeAll { _, _ in } } catch { helper.failure = error }
            done.signal()
        }
        var mainFailure: (any Error)?
        do { try main.consumeAll(observe: observe) } catch { mainFailure = error }
        done.wait()
        if let mainFailure { throw mainFailure }
        if let failure = helper.failure { throw failure }
        main.analysis.adoptHosts(of: helper.analysis)
        return Outcome(analysis: main.analysis, reader: main.reader, threads: 2)
    }

    /// One thread's reader, filter and analysis. Handed to the helper thread whole and read back
    /// only after it signalled completion, so no two threads touch it at once.
    private final class Job: @unchecked Sendable {
        let analysis: Analysis
        let reader: CaptureReader
        let filter: PacketFilter?
        var failure: (any Error)?

        init(analysis: Analysis, reader: CaptureReader, filter: PacketFilter?) {
            self.analysis = analysis
            self.reader = reader
            self.filter = filter
        }

        /// `observe` is not escaping: what it captures stays on the stack, unboxed.
        func consumeAll(observe: (Int, Record) -> Void) throws {
            // Decoded into this local, reused for every record: no decoded packet is built per frame.
            var packet = DecodedPacket(linkType: .ethernet, capturedLength: 0)
            try reader.forEachFrame(passing: filter) { frame, record in
                analysis.decode(record, into: &packet)
                analysis.consume(record, decoded: packet)
                observe(frame, record)
                return true
            }
        }
    }
}
