import Dispatch
import HairpinCapture
import HairpinWire

/// Runs the analysis of captures on one, two or three threads. With two, one thread reads the
/// records, decodes them and sums up each frame for the trackers (`FrameSummary`); the
/// other runs every tracker on them in the same order, through a fixed ring (`FrameRing`), so
/// the report is, byte for byte, the one of one thread. With three, the trackers are split in
/// two halves that share no state (`Analysis.Parts`), each on its own thread, and joined before
/// the report. Records of mapped files are handed over as they are (they stay valid), those of
/// standard input and compressed files as copies.
public enum ParallelAnalysis {
    /// Threads the pipeline can use: the reader, and one per half of the trackers.
    public static let maximumThreads = 3
    /// Below this many bytes of input more threads cost more to start than they save, unless
    /// it was asked for by number.
    public static let minimumSplitBytes: Int64 = 16 << 20

    /// When, with two threads, the reading thread analyses frames itself, the other waiting,
    /// instead of handing them on (`FrameRing`).
    /// Two threads are not always faster than one: where the cores are far apart (seen on virtual
    /// machines, for minutes at a time) each frame's summary crossing between them costs more than
    /// analysing it, and the pipeline falls below one thread's rate.
    public enum SoloPolicy: Sendable {
        /// Always through the ring.
        case never
        /// After a warm-up through the ring, each way in turn for a few thousand frames, then the
        /// faster for a quarter of a million frames through the ring or 32,768 alone (four times
        /// longer each time the same way wins again), then the other is tried again: the choice
        /// follows the machine and the traffic as they change.
        case measured
        /// Each way in turn for this many frames, rounded up to whole batches (tests).
        case alternating(every: Int)
    }

    /// When, with two threads and one mapped file, the reading thread leaves a batch of frames
    /// unsummed (`FrameSummary.holdUnsummed`): the analysing thread then sums each up and decodes
    /// it, as one thread would.
    public enum UnsummedPolicy: Sendable {
        /// The reading thread sums up every frame.
        case never
        /// While the analysing thread keeps up: at most `FrameRing.unsummedInFlight` batches
        /// published and not yet done with. The share follows whichever side is slower.
        case whileAnalysisKeepsUp
        /// Every other batch (tests).
        case alternating
    }

    /// Prepares, on the calling thread, what the first run on two or more threads needs before
    /// its first frame: the ring's memory (`RingSlots`). Called on the standby thread while the
    /// command line is parsed.
    public static func prepareAhead() {
        RingSlots.Prepared.shared.prepare()
    }

    /// What a run gives: the analysis, ready for `report`, and the reader whose interfaces and
    /// anomalies go into the report.
    public struct Outcome {
        public let analysis: Analysis
        public let reader: CaptureReader
        /// Threads that actually ran.
        public let threads: Int
        /// Frames the reading thread analysed itself (`SoloPolicy`).
        public var soloFrames = 0
        /// Frames the reading thread left unsummed (`UnsummedPolicy`).
        public var unsummedFrames = 0
        /// The capture was read twice: it was not in time order as first assumed (`run`).
        public var readAgain = false
        /// Frames one thread analysed a few records after it summed them up (`Analysis.consumeAhead`).
        public var lookAheadFrames = 0
    }

    /// Reads every record of `paths` in time order, keeps those `filter` passes and hands them to
    /// the analysis. `observe`, if given, sees each kept record with its frame number (counted
    /// over every record read, so numbers do not depend on the filter) on the calling thread.
    /// With `evenForSmallInputs` false, inputs under `minimumSplitBytes` run on one thread.
    /// `solo`: when two threads run, whether the reading one may analyse frames itself (not with
    /// `observe`, which sees the frames on the calling thread). `pinsThreads`: the reading and
    /// the analysing thread are each kept on a core of their own while they run. `assumingOrder`:
    /// mapped capture files are first read as if already in time order
    /// (`CaptureReader.Options.assumesTimeOrder`); where that does not hold, the analysis so far
    /// is dropped and the capture read again through the reorder window. The report is the same
    /// either way; in order, no record waits for the window's look-ahead (the 1514-byte benchmark
    /// capture's first record left after 262,144 records' headers had been read).
    public static func run(paths: [String], reading: CaptureReader.Options, filter: String?, options: Analysis.Options,
                           threads: Int, evenForSmallInputs: Bool = true, solo: SoloPolicy = .measured,
                           unsummed: UnsummedPolicy = .whileAnalysisKeepsUp, pinsThreads: Bool = true, assumingOrder: Bool = true,
                           lookAhead: Analysis.LookAhead = .whereTablesAreLarge,
                           observe: ((_ frame: Int, _ timestamp: Int64, _ originalLength: Int) -> Void)? = nil) throws -> Outcome {
        func analyse(assumingOrder: Bool) throws -> Outcome {
            var reading = reading
            reading.assumesTimeOrder = assumingOrder
            return try runOnce(paths: paths, reading: reading, filter: filter, options: options, threads: threads,
                               evenForSmallInputs: evenForSmallInputs, solo: solo, unsummed: unsummed, pinsThreads: pinsThreads,
                               lookAhead: lookAhead, observe: observe)
        }
        do {
            // In a scope of its own: a dropped analysis's state and mapping are freed before the
            // second reading starts.
            let outcome = try analyse(assumingOrder: assumingOrder)
            if !outcome.reader.assumedOrderBroken { return outcome }
        }
        var again = try analyse(assumingOrder: false)
        again.readAgain = true
        return again
    }

    private static func runOnce(paths: [String], reading: CaptureReader.Options, filter: String?, options: Analysis.Options,
                                threads: Int, evenForSmallInputs: Bool, solo: SoloPolicy, unsummed: UnsummedPolicy, pinsThreads: Bool,
                                lookAhead: Analysis.LookAhead,
                                observe: ((_ frame: Int, _ timestamp: Int64, _ originalLength: Int) -> Void)?) throws -> Outcome {
        let reader = try CaptureReader(paths: paths, options: reading)
        let filter = try filter.map { try PacketFilter(expression: $0) }
        // A stream's size is not known beforehand: it is taken as large.
        let large = (reader.mappedBytes ?? .max) >= minimumSplitBytes
        guard threads >= 2, evenForSmallInputs || large else {
            StandbyThread.shared.release()
            let analysis = Analysis(options: options)
            analysis.lookAhead = lookAhead
            // Mapped files' records stay valid: each is analysed a few records later, its table
            // lines asked for meanwhile (`consumeAhead`). `observe` sees each as it is analysed.
            // A reading error drops the analysis: the records held need no draining then.
            if reader.mappedBytes != nil && observe == nil {
                try reader.forEachFrame(passing: filter) { _, record in
                    analysis.consumeAhead(record)
                    return true
                }
                analysis.finishAhead()
            } else {
                try reader.forEachFrame(passing: filter) { frame, record in
                    analysis.consume(record)
                    observe?(frame, record.timestamp, record.originalLength)
                    return true
                }
            }
            var outcome = Outcome(analysis: analysis, reader: reader, threads: 1)
            outcome.lookAheadFrames = analysis.framesLookedAhead
            return outcome
        }
        // Three threads: one reads and decodes, the halves of the trackers run on the others.
        let halves = threads >= 3 && options.parts == .all
        var mainOptions = options
        if halves { mainOptions.parts = .traffic }
        let main = Analysis(options: mainOptions)
        // The analysis running the host trackers, whose sighting filter needs the frames' digests.
        var hostOptions = options
        hostOptions.parts = .hosts
        let hostAnalysis = halves ? Analysis(options: hostOptions) : main
        let soloConsumer: FrameRing.SoloConsumer? = halves || observe != nil ? nil : { summary, packet in
            main.consume(summary, decoded: packet)
        }
        let ring = FrameRing(readers: halves ? 2 : 1, digests: hostAnalysis.sightings.enabled,
                             packetsRarelyRead: Analysis.readsFewPackets(options), packetReader: hostAnalysis, mapping: reader.singleMapping,
                             input: reader,
                             solo: soloConsumer, soloPolicy: solo, unsummedPolicy: unsummed)
        if reader.singleMapping != nil { reader.releaseLag = FrameRing.writerReleaseLag }
        let writing = DispatchGroup()
        let writer = Writer(ring: ring, reader: reader, filter: filter, decoder: main.decoder)
        writing.enter()
        var helper: Helper?
        if halves {
            let hosts = Helper(ring: ring, analysis: hostAnalysis)
            // Started before the threads below are pinned: a thread Dispatch starts from a pinned
            // one takes its one core, and so do the threads that one starts (the host trackers'
            // thread ran on the analysing thread's core).
            DispatchQueue.global().async(group: writing) { hosts.run() }
            helper = hosts
        }
        // Each thread on a core of its own while the ring runs: otherwise the first 50,000 frames
        // of the 64-byte benchmark capture went through the ring at 100-240 ns a frame instead of
        // 32-39 in four runs of six, and the reading thread then analysed 160,000 frames alone, at
        // twice the ring's cost (21 alternating runs: median 68.8 ms unpinned, 54.0 pinned).
        let pinning = CorePinning(enabled: pinsThreads)
        defer { pinning.release() }
        let write: @Sendable () -> Void = {
            pinning.apart { writer.run() }
            writing.leave()
            // The file's pages are handed back here, while the last frames are analysed and the
            // report is made, not unmapped after it: 3.4 ms for the 80 MB of the 64-byte
            // benchmark capture. What is still read of the file is read back from the page cache.
            if writer.reader.singleMapping != nil { writer.ring.handBackRest() } else { writer.reader.handBackPages() }
        }
        StandbyThread.shared.runElsewhere(write)
        var failure: (any Error)?
        do {
            if let observe {
                try ring.read(as: 0, into: ObservingConsumer(analysing: AnalysingConsumer(analysis: main), observe: observe))
            } else {
                try ring.read(as: 0, into: AnalysingConsumer(analysis: main))
            }
        } catch {
            failure = error
        }
        // The analysing thread, done with the ring, takes its share of handing the file's pages back.
        ring.handBackRest()
        writing.wait()
        if let failure { throw failure }
        if let helper {
            if let error = helper.failure { throw error }
            main.adoptHosts(of: helper.analysis)
        }
        var outcome = Outcome(analysis: main, reader: reader, threads: halves ? 3 : 2)
        outcome.soloFrames = ring.soloFrames
        outcome.unsummedFrames = ring.unsummedFrames
        return outcome
    }

    /// An analysing thread's work on each frame of the ring: a frame the writer left unsummed
    /// (`FrameSummary.isUnsummed`) is consumed by its record.
    private struct AnalysingConsumer: RingConsumer {
        let analysis: Analysis
        @inline(__always)
        func prefetch(for summary: UnsafePointer<FrameSummary>) { analysis.prefetch(for: summary) }
        @inline(__always)
        func consume(frame: Int, decoded: UnsafePointer<DecodedPacket>, summary: UnsafePointer<FrameSummary>) {
            if summary.pointee.isUnsummed {
                analysis.consume(summary.pointee.unsummedRecord)
            } else {
                analysis.consume(summary, decoded: decoded)
            }
        }
    }

    /// `AnalysingConsumer`, each frame then shown to `observe` on the same thread.
    private struct ObservingConsumer: RingConsumer {
        let analysing: AnalysingConsumer
        let observe: (_ frame: Int, _ timestamp: Int64, _ originalLength: Int) -> Void
        func prefetch(for summary: UnsafePointer<FrameSummary>) { analysing.prefetch(for: summary) }
        func consume(frame: Int, decoded: UnsafePointer<DecodedPacket>, summary: UnsafePointer<FrameSummary>) {
            analysing.consume(frame: frame, decoded: decoded, summary: summary)
            observe(frame, summary.pointee.timestamp, Int(summary.pointee.originalLength))
        }
    }

    /// The reading and decoding thread's work, handed to it whole.
    private final class Writer: @unchecked Sendable {
        let ring: FrameRing, reader: CaptureReader, filter: PacketFilter?, decoder: Decoder
        init(ring: FrameRing, reader: CaptureReader, filter: PacketFilter?, decoder: Decoder) {
            self.ring = ring
            self.reader = reader
            self.filter = filter
            self.decoder = decoder
        }
        func run() { ring.write(from: reader, passing: filter, decoder: decoder) }
    }

    /// The host trackers' thread: its analysis is read back only after it finished.
    private final class Helper: @unchecked Sendable {
        let ring: FrameRing, analysis: Analysis
        var failure: CaptureError?
        init(ring: FrameRing, analysis: Analysis) {
            self.ring = ring
            self.analysis = analysis
        }
        func run() {
            do {
                try ring.read(as: 1, into: AnalysingConsumer(analysis: analysis))
            } catch {
                failure = error
            }
        }
    }
}
