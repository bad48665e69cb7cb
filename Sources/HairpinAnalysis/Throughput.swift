import Dispatch
import HairpinCapture
import HairpinWire

/// The three passes whose speed Hairpin measures on a capture (`hairpin bench`, Benchmarks/):
/// reading every record, reading and decoding every frame, and the whole analysis with its
/// report. Each returns a value folded from what it produced, so nothing is optimised away.
public enum Throughput {
    public enum Stage: String, Sendable, CaseIterable {
        case read, decode, analyze
    }

    /// What one pass over the files did: records, their captured and original bytes, and a
    /// checksum of the work.
    public struct Pass: Sendable {
        public var records = 0
        public var capturedBytes = 0
        public var originalBytes = 0
        public var checksum = 0
        /// Threads the pass ran on.
        public var threads = 1
        /// The reorder window the pass read with (nanoseconds).
        public var reorderWindow: Int64 = 0
        /// An analysis on two threads or more: frames the reading thread analysed itself while
        /// the analysing one lagged (`ParallelAnalysis.SoloPolicy`), and frames it left for the
        /// analysing thread to sum up while that one kept up (`UnsummedPolicy`). Nil otherwise.
        public var soloFrames: Int?
        public var unsummedFrames: Int?
        /// An analysis on one thread: frames it analysed a few records after summing them up, their
        /// table lines asked for meanwhile (`Analysis.LookAhead`). Nil otherwise.
        public var lookAheadFrames: Int?
        /// An analysis that read its capture again through the reorder window, the capture not
        /// being in time order as first assumed (`ParallelAnalysis.run`).
        public var readAgain = false

        public init() {}
    }

    /// `threads` applies to the analysis (see `ParallelAnalysis`) and to reading and decoding one
    /// large mapped pcap file in file order, which is then read in that many pieces at once
    /// (`CaptureReader.pieces`, at most `maximumPieces`). `reorderWindow`: nil for the stage's
    /// own (`defaultReorderWindow`). `evenForSmallInputs` false: the analysis of inputs under
    /// `ParallelAnalysis.minimumSplitBytes` runs on one thread, as `hairpin analyze` runs it
    /// unless told how many. `pinsThreads`: as `ParallelAnalysis.run`'s.
    public static func run(_ stage: Stage, paths: [String], reorderWindow: Int64? = nil, analysis options: Analysis.Options = Analysis.Options(),
                           threads: Int = 1, evenForSmallInputs: Bool = true, pinsThreads: Bool = true) throws -> Pass {
        var pass = Pass()
        let reorderWindow = reorderWindow ?? defaultReorderWindow(stage)
        pass.reorderWindow = reorderWindow
        if stage == .analyze {
            // Counted by the analysis: a per-frame hook here would be work `hairpin analyze` does not do.
            let outcome = try ParallelAnalysis.run(paths: paths, reading: .init(reorderWindow: reorderWindow), filter: nil, options: options,
                                                   threads: threads, evenForSmallInputs: evenForSmallInputs, pinsThreads: pinsThreads)
            (pass.records, pass.capturedBytes, pass.originalBytes) = outcome.analysis.totals
            let report = outcome.analysis.report(interfaces: outcome.reader.interfaces.all, anomalies: outcome.reader.anomalies)
            pass.checksum = report.uplinks.count &+ report.flows.tracked &+ report.paths.count
            pass.threads = outcome.threads
            pass.readAgain = outcome.readAgain
            if outcome.threads >= 2 {
                (pass.soloFrames, pass.unsummedFrames) = (outcome.soloFrames, outcome.unsummedFrames)
            } else {
                pass.lookAheadFrames = outcome.lookAheadFrames
            }
            return pass
        }
        if threads >= 2, paths.count == 1, reorderWindow == 0,
           let pieces = try CaptureReader.pieces(of: paths[0], count: min(threads, maximumPieces), minimumBytes: ParallelAnalysis.minimumSplitBytes) {
            return try inPieces(stage, pieces, pinsThreads: pinsThreads)
        }
        StandbyThread.shared.release()
        let reader = try CaptureReader(paths: paths, options: .init(reorderWindow: reorderWindow))
        try pass.add(stage, of: reader)
        return pass
    }

    /// The reorder window a stage uses unless told: the analysis `hairpin analyze`'s (its cost
    /// on a fast capture is part of what the analysis costs), reading and decoding none, so that
    /// one file can be read in pieces.
    public static func defaultReorderWindow(_ stage: Stage) -> Int64 {
        stage == .analyze ? CaptureReader.Options().reorderWindow : 0
    }

    /// Pieces one file is read in at most: more cost more to start than the cores a sensor has.
    public static let maximumPieces = 8

    /// Reads or decodes the pieces of one file (`CaptureReader.pieces`) on a thread each.
    private static func inPieces(_ stage: Stage, _ pieces: [CaptureReader], pinsThreads: Bool) throws -> Pass {
        let run = PieceRun(stage: stage, pieces: pieces)
        if pieces.count == 2 {
            // The second piece on the standby thread, started with the process, each on a core of
            // its own.
            let pinning = CorePinning(enabled: pinsThreads)
            let second = DispatchGroup()
            second.enter()
            StandbyThread.shared.runElsewhere {
                pinning.apart { run.read(1) }
                second.leave()
            }
            run.read(0)
            second.wait()
            pinning.release()
        } else {
            StandbyThread.shared.release()
            DispatchQueue.concurrentPerform(iterations: pieces.count) { piece in run.read(piece) }
        }
        var passes: [Pass] = []
        var failures: [CaptureError?] = []
        for piece in pieces.indices {
            switch run.result(of: piece) {
            case .success(let pass): passes.append(pass); failures.append(nil)
            case .failure(let error): passes.append(Pass()); failures.append(error)
            }
        }
        let kept = try CaptureReader.joinPieces(pieces, failures: failures) { (piece: Int) throws(CaptureError) in
            try passes[piece].add(stage, of: pieces[piece])
        }
        var total = Pass()
        for piece in kept.indices { total.join(passes[piece]) }
        total.threads = pieces.count
        return total
    }

    /// The pieces and what reading each gave: every thread writes only its own piece's result,
    /// read back after all have finished.
    private final class PieceRun: @unchecked Sendable {
        let stage: Stage
        let pieces: [CaptureReader]
        private let slots: UnsafeMutablePointer<Result<Pass, CaptureError>>

        init(stage: Stage, pieces: [CaptureReader]) {
            self.stage = stage
            self.pieces = pieces
            slots = .allocate(capacity: pieces.count)
            slots.initialize(repeating: .success(Pass()), count: pieces.count)
        }

        deinit {
            slots.deinitialize(count: pieces.count)
            slots.deallocate()
        }

        func result(of piece: Int) -> Result<Pass, CaptureError> { slots[piece] }

        func read(_ piece: Int) {
            var pass = Pass()
            let stage = stage
            slots[piece] = Result { () throws(CaptureError) -> Pass in
                try pass.add(stage, of: pieces[piece])
                return pass
            }
            // Each piece's pages are handed back on its own thread, at once with the others'.
            pieces[piece].handBackPages()
        }
    }
}

extension Throughput.Pass {
    /// Reads (and for `.decode` decodes) every record `reader` has left.
    mutating func add(_ stage: Throughput.Stage, of reader: CaptureReader) throws(CaptureError) {
        switch stage {
        case .read:
            try reader.forEach { record in
                records += 1
                capturedBytes &+= record.bytes.count
                originalBytes &+= record.originalLength
                checksum &+= record.bytes.count &+ record.originalLength
                return true
            }
        case .decode:
            let decoder = Decoder()
            var packet = DecodedPacket(linkType: .ethernet, capturedLength: 0)
            try reader.forEach { record in
                records += 1
                capturedBytes &+= record.bytes.count
                originalBytes &+= record.originalLength
                decoder.decode(record.bytes, linkType: record.linkType, into: &packet)
                checksum &+= Int(packet.destinationPort ?? 0) &+ Int(packet.tcpFlags ?? 0) &+ (packet.payloadLength ?? 0)
                return true
            }
        case .analyze:
            preconditionFailure("the analysis runs through ParallelAnalysis")
        }
    }

    /// Adds what another pass over other records did.
    mutating func join(_ other: Throughput.Pass) {
        records += other.records
        capturedBytes &+= other.capturedBytes
        originalBytes &+= other.originalBytes
        checksum &+= other.checksum
    }
}
