#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import CPlatform
import Dispatch
import HairpinCapture
import HairpinWire
import Synchronization

/// Frames handed from the thread that reads and decodes them to the threads that analyse them,
/// through a fixed ring of batches: each frame's number, decoded form and summary. The
/// reading thread waits while every batch is still in use by an analysing thread, an analysing
/// thread while no batch is ready, so memory stays the same whatever the input. The records
/// themselves do not cross: the summary carries all the trackers read of a frame's record and
/// bytes, so a stream's buffer may be reused at once and nothing is copied. Only with one
/// mapped file, whose bytes stay mapped, may the analysing thread decode a common frame's bytes
/// again, for the few frames the path tracker follows (`defersPackets`), or sum up and decode
/// the frames of a batch the writer left unsummed while it was the slower side
/// (`leavesUnsummed`).
final class FrameRing: @unchecked Sendable {
    /// Records per batch: the threads synchronise once per batch, not per record. 512 measured
    /// 5% faster than 256 on 64-byte frames: more slack for either thread's hiccups.
    static let batchSize = 512
    /// Batches in the ring: about 4.2 MB of decoded packets, few of their cache lines touched. A
    /// thread that had to sleep is woken once half of them are ready for it.
    static let batchCount = 8
    /// Threads that read the ring, each seeing every record (at most two).
    let readers: Int

    /// The ring's frame numbers and decoded forms, slot by slot.
    private let frames: UnsafeMutablePointer<Int>
    private let packets: UnsafeMutablePointer<DecodedPacket>
    /// Each frame's summary (`FrameSummary`), all the analysing threads read of most frames.
    private let summaries: UnsafeMutablePointer<FrameSummary>
    /// The memory of the three arrays above.
    private let slots: RingSlots
    /// Records in each batch: fewer than `batchSize` in the last.
    private let counts: UnsafeMutablePointer<Int>
    /// Batches published by the writer.
    private let published = Atomic<Int>(0)
    /// Batches each reader is done with.
    private let doneByFirst = Atomic<Int>(0)
    private let doneBySecond = Atomic<Int>(0)
    /// The number of the last batch, once the writer published it.
    private let lastBatch = Atomic<Int>(Int.max)
    /// Why reading stopped early, written before the last batch is published.
    private var failure: CaptureError?

    /// The only input when it is one mapped file: while the first reader waits for records it
    /// maps the pages ahead of the writer, which then reads them without faulting them in.
    private let mapping: UnsafeRawBufferPointer?
    /// The reader of that file, for how far its scout has read (`CaptureReader.scoutOffset`).
    private let input: CaptureReader?
    /// Where the writer reads in `mapping`: the offset of the last record it published, and the
    /// furthest its reader looked ahead (headers read by the reorder window's scout).
    private let writerOffset = Atomic<Int>(0)
    private let writerFrontier = Atomic<Int>(0)
    /// How far the first reader mapped `mapping` (its thread alone uses it).
    private var populatedTo = 0
    private var populateFails = false
    /// How far the pages of `mapping` were handed back, by either thread (`handBack`).
    private let releasedTo = Atomic<Int>(0)
    /// How far ahead of the writer pages are mapped, and how many bytes per call.
    static let populateAhead = 32 << 20
    static let populateGap = 8 << 20
    static let populateStep = 1 << 20
    /// How far behind the writer pages are handed back (the ring holds far less), and how many
    /// bytes at least per call. The writer's own reader hands them back `writerReleaseLag` behind.
    /// Each call makes the writer's core drop its cached translations (an interrupt, dear on a
    /// virtual machine): 64 MB steps instead of 16 took the 9014-byte benchmark capture's TLB
    /// shootdowns from 770 to 280 a run, its mapped pages at most 2.51 GB instead of 2.50 (the
    /// scout's look-ahead of 262,144 records holds most of them).
    static let releaseBehind = 64 << 20
    static let releaseStep = 64 << 20
    static let writerReleaseLag: Int64 = 512 << 20
    /// `releaseBehind` and `releaseStep` of this ring (shorter in tests).
    var handBackDistance = (behind: FrameRing.releaseBehind, step: FrameRing.releaseStep)

    /// `digests`: the writer works out each frame's copy digest. `mapping`: the only input, when it
    /// is one mapped file. `solo`: what the one reader does with a frame, for the writer to do it
    /// itself when that is faster (`ParallelAnalysis.SoloPolicy`). `unsummedPolicy`: when the
    /// writer may leave frames for the reader to sum up (the reader must then consume such a
    /// frame by its record, `FrameSummary.unsummedRecord`).
    init(readers: Int, digests: Bool, packetsRarelyRead: Bool = false, packetReader: Analysis? = nil, mapping: UnsafeRawBufferPointer? = nil,
         input: CaptureReader? = nil,
         solo: SoloConsumer? = nil, soloPolicy: ParallelAnalysis.SoloPolicy = .measured,
         unsummedPolicy: ParallelAnalysis.UnsummedPolicy = .never) {
        precondition(readers == 1 || readers == 2, "one or two threads read the ring")
        precondition(solo == nil || readers == 1, "only the one reader's work can be done by the writer")
        self.readers = readers
        self.digests = digests
        // Kept unwrapped: called through an optional, the closure was re-abstracted, a heap
        // allocation per frame.
        self.solo = solo ?? { _, _ in }
        self.soloPolicy = solo == nil ? .never : soloPolicy
        if case .alternating(let frames) = self.soloPolicy { phaseLeft = frames }
        self.mapping = mapping
        self.input = mapping == nil ? nil : input
        slots = RingSlots.Prepared.shared.take()
        packets = slots.packets
        summaries = slots.summaries
        frames = slots.frames
        counts = .allocate(capacity: Self.batchCount)
        counts.initialize(repeating: 0, count: Self.batchCount)
        self.packetsRarelyRead = packetsRarelyRead
        defersPackets = packetsRarelyRead && mapping != nil
        keepsPacketsBack = defersPackets
        self.unsummedPolicy = mapping != nil && readers == 1 ? unsummedPolicy : .never
        self.packetReader = packetReader
        writerSummary = .allocate(capacity: 1)
        writerSummary.initialize(to: FrameSummary())
    }

    deinit {
        slots.deallocate()
        counts.deallocate()
        writerSummary.deallocate()
    }

    // MARK: Writing (one thread)

    /// The writer's place: the batch it fills, records in it and its first slot. Only the writing
    /// thread touches them; properties rather than locals shared with a nested function, which
    /// would be checked for exclusive access at run time on every record.
    @exclusivity(unchecked) private var batch = 0
    @exclusivity(unchecked) private var filledInBatch = 0
    @exclusivity(unchecked) private var firstSlot = 0
    /// The writer's reader, for how far it looked ahead (the writing thread alone uses it).
    @exclusivity(unchecked) private var reader: CaptureReader?
    /// Whether the writer works out each frame's copy digest (`FrameSummary.mirrorDigest`).
    private let digests: Bool
    /// Whether the trackers read the decoded packet of a common frame only for the few frames the
    /// path tracker follows (`Analysis.readsFewPackets`).
    let packetsRarelyRead: Bool
    /// Whether a common TCP frame (`CommonTCPFrame`) is summed up without being decoded, its packet
    /// left to the path tracker to decode again from the frame's bytes should it follow the frame
    /// (`FrameSummary.deferPacket`): when packets are rarely read and the bytes stay mapped. Other
    /// frames are decoded into the ring as before: decoding them again cost the analysing thread
    /// more than reading their packet (the ERSPAN scenario at scale 60, two threads: 182 -> 220 ms
    /// when every plain frame's packet was kept back).
    let defersPackets: Bool
    /// Where the writer sums up each common frame before the summary goes to its slot.
    private let writerSummary: UnsafeMutablePointer<FrameSummary>
    /// Whether the summaries go to their slots past the caches (`hairpin_stream_pairs`), while
    /// most frames of the batch before were common TCP frames, whose packets are kept back: the
    /// slot's lines were last read by the analysing core, and taking them back cost the writer
    /// more than any other step of such a frame (the 64-byte file, two threads: 76 against 60
    /// ms). Where frames are decoded into the ring (tunnels, ERSPAN) the writer asks for the
    /// slot's lines ahead and writes through the caches: streaming beside those writes made the
    /// ERSPAN scenario at scale 60 slower (two threads: 175 against 207 ms, fastest of nine runs).
    @exclusivity(unchecked) private var streamsSummaries = false
    /// Frames of the batch being filled whose summaries were made aside: common TCP frames, plain
    /// or mirrored, and frames left unsummed.
    @exclusivity(unchecked) private var commonInBatch = 0
    /// The analysis whose trackers read packets (`Analysis.packetsReadSoFar`), and how many it had
    /// read at the end of the last batch.
    private let packetReader: Analysis?
    @exclusivity(unchecked) private var packetsReadBefore = 0
    /// Whether common frames' packets are kept back now: while the trackers read few packets.
    /// Where the path tracker follows many frames (a moved host's own traffic), the analysing
    /// thread decoded them again, when it was already the slower side (the hairpin scenario at
    /// scale 60, two threads: 138 -> 155 ms): then the writer decodes them into the ring.
    @exclusivity(unchecked) private var keepsPacketsBack = false
    /// When the writer leaves frames unsummed (`FrameSummary.holdUnsummed`): only with one mapped
    /// file, whose bytes stay valid, and one analysing thread, which then sums each such frame up
    /// and decodes it as one thread alone would.
    private let unsummedPolicy: ParallelAnalysis.UnsummedPolicy
    /// Whether the frames of the batch being filled are left unsummed. Where reading is the
    /// slower side (large frames, whose headers each come from memory; tunnels to decode) the
    /// analysing thread waited for batches: it now takes a share of summing frames up, the more
    /// the longer it would wait. Where analysing is the slower side the ring stays full and the
    /// writer sums every frame up (the 1514-byte benchmark capture, two threads, 15 alternating
    /// runs: 117 -> 107 ms; the ERSPAN scenario at scale 60: 243 -> 213 ms).
    @exclusivity(unchecked) private var leavesUnsummed = false
    /// Batches published and not done with, at most, for the next batch to be left unsummed
    /// (1, 2 and 4 measured alike).
    static let unsummedInFlight = 2
    /// Frames left unsummed.
    @exclusivity(unchecked) private(set) var unsummedFrames = 0
    private static let summaryPairs = UInt(MemoryLayout<FrameSummary>.stride / 16)
    /// Packets are kept back while fewer than one frame in this many has its packet read.
    static let packetReadShare = 16

    /// Reads every record `filter` passes, decodes it with `decoder` into the ring and publishes
    /// it; a reading error ends the ring and is thrown to its readers after the records before it.
    func write(from reader: CaptureReader, passing filter: PacketFilter?, decoder: Decoder) {
        self.reader = reader
        waitForRoom(batch)
        phaseFrames = phaseLeft
        phaseStart = Self.now()
        do {
            try reader.forEachFrame(passing: filter) { frame, read in
                if soloing {
                    consumeSolo(read, decoder: decoder)
                    return true
                }
                // Slot indices and counts within a batch, added without overflow checks.
                let slot = firstSlot &+ filledInBatch
                if filledInBatch &+ Self.slotPrefetchDistance < Self.batchSize {
                    prefetchSlot(slot &+ Self.slotPrefetchDistance, forWriting: true)
                }
                frames[slot] = frame
                if leavesUnsummed {
                    writerSummary.pointee.holdUnsummed(read)
                    commonInBatch &+= 1
                    placeWriterSummary(at: slot)
                } else if keepsPacketsBack, writerSummary.pointee.fillKeepingPacketBack(read, decoder: decoder, digests: digests) {
                    commonInBatch &+= 1
                    placeWriterSummary(at: slot)
                } else {
                    summaries[slot].fill(read, decodingWith: decoder, into: slots.packet(at: slot), digests: digests, keepingCommonPacketBack: false)
                }
                filledInBatch &+= 1
                if filledInBatch == Self.batchSize {
                    endBatch(lastBytes: read.bytes.baseAddress)
                    phaseLeft -= Self.batchSize
                    if phaseLeft <= 0 || ringClearlyLosing() { endPhase() }
                }
                return true
            }
        } catch {
            failure = error
        }
        publish(batch, count: filledInBatch, last: true)
    }

    /// Copies the summary the writer made aside to `slot`: past the caches while
    /// `streamsSummaries`.
    @inline(__always)
    private func placeWriterSummary(at slot: Int) {
        if streamsSummaries {
            hairpin_stream_pairs(summaries + slot, writerSummary, Self.summaryPairs)
        } else {
            (summaries + slot).update(from: writerSummary, count: 1)
        }
    }

    // MARK: The writer alone

    /// Analyses a frame as the reader would: the summary and the decoded packet, lent.
    typealias SoloConsumer = (UnsafePointer<FrameSummary>, UnsafePointer<DecodedPacket>) -> Void

    private let solo: SoloConsumer
    private let soloPolicy: ParallelAnalysis.SoloPolicy
    /// Frames each way is tried for: through the ring, long enough for its filling and draining
    /// not to count; alone, a few thousand (it costs the most where the ring is the faster).
    static let ringProbeFrames = 1 << 15
    static let soloProbeFrames = 2048
    /// Alone is chosen only when it costs less than this share of the ring's cost a frame.
    static let soloMargin = 0.9
    static let firstHold = 1 << 18
    /// Alone is held shorter at first: a stretch of frames slow through the ring (the analysing
    /// thread reading whole packets of followed hosts from the other core) may end soon after.
    static let firstSoloHold = 1 << 15
    static let longestHold = 1 << 24
    /// Frames through the ring before the first measure: the start of a run is slower either way
    /// (the reorder window's first look ahead, memory touched for the first time).
    static let warmUpFrames = 1 << 14
    /// Whether the writer analyses frames itself now, and the frames left before it decides again.
    @exclusivity(unchecked) private var soloing = false
    @exclusivity(unchecked) private var phaseLeft = FrameRing.warmUpFrames
    /// The first phase, the warm-up, is not measured.
    @exclusivity(unchecked) private var warmingUp = true
    @exclusivity(unchecked) private var phaseFrames = 0
    /// Frames left in the phase when its clock starts again (-1: it does not).
    @exclusivity(unchecked) private var clockRestartsAt = -1
    @exclusivity(unchecked) private var phaseStart: Int64 = 0
    @exclusivity(unchecked) private var holding = false
    @exclusivity(unchecked) private var holdFrames = FrameRing.firstHold
    @exclusivity(unchecked) private var lastWinnerSolo: Bool?
    /// Nanoseconds per frame of each way, last measured (NaN before).
    @exclusivity(unchecked) private var pipelineCost = Double.nan
    @exclusivity(unchecked) private var soloCost = Double.nan
    /// Frames the writer analysed itself.
    @exclusivity(unchecked) private(set) var soloFrames = 0

    @inline(never)
    private func consumeSolo(_ record: Record, decoder: Decoder) {
        // The batch being filled is unpublished and empty: its first slot is the writer's.
        let slot = firstSlot
        // The frame's bytes are read while it is analysed, whatever the input: a common frame's
        // packet is left to the trackers to decode if they need it.
        summaries[slot].fill(record, decodingWith: decoder, into: slots.packet(at: slot), digests: digests, keepingCommonPacketBack: packetsRarelyRead)
        solo(summaries + slot, packets + slot)
        soloFrames += 1
        phaseLeft -= 1
        if phaseLeft == clockRestartsAt {
            clockRestartsAt = -1
            phaseFrames = phaseLeft
            phaseStart = Self.now()
        }
        if phaseLeft <= 0 { endPhase() }
    }

    /// Through the ring a frame costs more than this many times its cost alone: a probe of the ring
    /// ends there, a lap of the ring into it, not after all its frames.
    static let clearLoss = 2.0

    /// During a probe of the ring, after frames alone were timed: true once the ring has taken,
    /// over a lap or more, `clearLoss` times what the frames would have cost alone. Where the ring
    /// is slower by far (both threads on one core, cores far apart) its probes cost the most, and
    /// they come back after every hold alone (both threads on one core, the 64-byte capture, in
    /// process: a ring frame 260 ns, alone 72).
    @inline(__always)
    private func ringClearlyLosing() -> Bool {
        guard case .measured = soloPolicy, !soloing, !holding, !warmingUp, !soloCost.isNaN else { return false }
        let frames = phaseFrames - phaseLeft
        guard frames >= Self.batchSize * Self.batchCount else { return false }
        return Double(Self.now() - phaseStart) > Double(frames) * soloCost * Self.clearLoss
    }

    /// At the end of a phase (after a whole batch through the ring, or a frame alone): measures
    /// it and picks the next. The ring is drained before the writer analyses frames itself, so
    /// every frame is analysed in order, by one thread at a time.
    @inline(never)
    private func endPhase() {
        let wasSoloing = soloing
        // A phase through the ring is timed to its last batch published, before any drain: it
        // began with the ring as full as it ends (after the warm-up), or empty after frames
        // alone, which flatters the ring a little, the side taken when unsure.
        let now = Self.now()
        let frames = max(phaseFrames - phaseLeft, 1)
        switch soloPolicy {
        case .never:
            phaseLeft = .max
            return
        case .alternating(let every):
            soloing.toggle()
            phaseLeft = every
        case .measured where warmingUp:
            warmingUp = false
            phaseLeft = Self.ringProbeFrames
        case .measured:
            let cost = Double(now - phaseStart) / Double(frames)
            if wasSoloing { soloCost = cost } else { pipelineCost = cost }
            if holding || pipelineCost.isNaN || soloCost.isNaN {
                // Try the other way.
                soloing.toggle()
                holding = false
                phaseLeft = soloing ? Self.soloProbeFrames * 2 : Self.ringProbeFrames
                // Alone, the first half warms the writer's caches to the analysis (its tables were
                // the other core's): only the second half is timed.
                if soloing { clockRestartsAt = Self.soloProbeFrames }
            } else {
                let soloWins = soloCost < pipelineCost * Self.soloMargin
                holdFrames = soloWins == lastWinnerSolo ? min(holdFrames * 4, Self.longestHold)
                    : soloWins ? Self.firstSoloHold : Self.firstHold
                lastWinnerSolo = soloWins
                soloing = soloWins
                holding = true
                phaseLeft = holdFrames
            }
        }
        // Alone, the writer reads every frame's bytes itself.
        if soloing { reader?.asksFramesAhead = true }
        if soloing && !wasSoloing {
            // A reader asleep waits for half the ring to be ready: woken now, as the ring drains.
            firstReaderSleep.wake(at: batch, regardless: true)
            writerSleep.wait(until: batch, wakeAt: batch) { doneByAll() }
        }
        // The analysing thread hands back the pages of the one mapped file behind the writer while
        // it waits; asleep, it does not, and the ring holds no record: the writer's reader hands
        // them back itself, close behind, until the ring is used again.
        if mapping != nil, soloing != wasSoloing { reader?.releaseLag = soloing ? 0 : Self.writerReleaseLag }
        phaseFrames = phaseLeft
        phaseStart = Self.now()
    }

    static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// Publishes the batch being filled and waits for room for the next.
    /// `lastBytes`: where the last record's bytes are, for how far the writer read the mapping.
    private func endBatch(lastBytes: UnsafeRawPointer?) {
        if let start = mapping?.baseAddress, let at = lastBytes {
            writerOffset.store(at - start, ordering: .relaxed)
            writerFrontier.store(max(at - start, Int(reader?.furthestOffset ?? 0)), ordering: .relaxed)
        }
        publish(batch, count: filledInBatch, last: false)
        switch unsummedPolicy {
        case .never: break
        case .whileAnalysisKeepsUp: leavesUnsummed = batch + 1 - doneByAll() <= Self.unsummedInFlight
        case .alternating: leavesUnsummed.toggle()
        }
        // Frames left unsummed are read by the analysing thread alone.
        if leavesUnsummed == reader?.asksFramesAhead { reader?.asksFramesAhead = !leavesUnsummed }
        streamsSummaries = commonInBatch * 2 > filledInBatch
        commonInBatch = 0
        if defersPackets, let packetReader {
            // Frames the analysing thread read packets of since the last batch, from the batches
            // it consumed meanwhile: more than one in sixteen of a batch's, and packets go on.
            let read = packetReader.packetsReadSoFar
            keepsPacketsBack = (read - packetsReadBefore) * Self.packetReadShare <= Self.batchSize
            packetsReadBefore = read
        }
        batch += 1
        filledInBatch = 0
        waitForRoom(batch)
        firstSlot = (batch % Self.batchCount) * Self.batchSize
    }

    private func publish(_ batch: Int, count: Int, last: Bool) {
        if leavesUnsummed { unsummedFrames += count }
        hairpin_store_fence()
        counts[batch % Self.batchCount] = count
        if last { lastBatch.store(batch, ordering: .relaxed) }
        published.store(batch + 1, ordering: .sequentiallyConsistent)
        firstReaderSleep.wake(at: batch + 1, regardless: last)
        if readers == 2 { secondReaderSleep.wake(at: batch + 1, regardless: last) }
    }

    /// Batches every reader is done with.
    private func doneByAll() -> Int {
        let first = doneByFirst.load(ordering: .sequentiallyConsistent)
        return readers == 2 ? min(first, doneBySecond.load(ordering: .sequentiallyConsistent)) : first
    }

    /// Waits until the slot of `batch` is free: every reader is done with the batch a lap before.
    /// Once asleep it waits for half the ring, so it is woken once per half lap, not per batch.
    private func waitForRoom(_ batch: Int) {
        let needed = batch - Self.batchCount + 1
        guard needed > 0 else { return }
        writerSleep.wait(until: needed, wakeAt: needed + Self.batchCount / 2 - 1) { doneByAll() }
    }

    // MARK: Reading (one thread per reader)

    /// How many frames ahead a reader asks for the table lines a frame will touch: enough for
    /// the memory to answer, few enough that the lines are still there when used.
    static let prefetchDistance = 6

    /// How many frames ahead a reader asks for the slot's own lines: the writer streamed them to
    /// memory, which the reader would otherwise wait for when a tracker first reads a field of
    /// the line.
    static let slotPrefetchDistance = 16

    /// Asks for the lines of `slot` the trackers read of a common frame: its summary's two. The
    /// writer asks `forWriting`, for the lines it fills of the packet when it hands packets on
    /// (the summary it streams past the caches).
    @inline(__always)
    private func prefetchSlot(_ slot: Int, forWriting: Bool = false) {
        let summary = UnsafeRawPointer(summaries + slot)
        guard forWriting else {
            hairpin_prefetch(summary)
            hairpin_prefetch(summary + 64)
            return
        }
        guard !streamsSummaries else { return }
        @inline(__always) func ask(_ line: UnsafeRawPointer) { hairpin_prefetch_for_write(UnsafeMutableRawPointer(mutating: line)) }
        ask(summary)
        ask(summary + 64)
        let packet = UnsafeRawPointer(packets + slot)
        ask(packet)
        ask(packet + 64)
        ask(packet + 128)
    }

    /// Hands `consumer` every frame of the ring in order, with its frame number, decoded form and
    /// summary, until the last; throws what stopped the writer, if anything did. The decoded
    /// packet is lent by address, to be read only where a frame needs it. Specialised for each
    /// consumer: through closures, each frame cost two calls the compiler could not remove.
    func read<Consumer: RingConsumer>(as reader: Int, into consumer: Consumer) throws(CaptureError) {
        let sleep = reader == 0 ? firstReaderSleep : secondReaderSleep
        var batch = 0
        while true {
            sleep.wait(until: batch + 1, wakeAt: batch + Self.batchCount / 2, meanwhile: { reader == 0 && (preparesScoutLog() || mapAroundWriter()) },
                       progress: { published.load(ordering: .sequentiallyConsistent) })
            let first = (batch % Self.batchCount) * Self.batchSize
            let end = first + counts[batch % Self.batchCount]
            for slot in first..<min(end, first + Self.prefetchDistance) { consumer.prefetch(for: summaries + slot) }
            for slot in first..<min(end, first + Self.slotPrefetchDistance) { prefetchSlot(slot) }
            for slot in first..<end {
                if slot + Self.slotPrefetchDistance < end { prefetchSlot(slot + Self.slotPrefetchDistance) }
                if slot + Self.prefetchDistance < end { consumer.prefetch(for: summaries + slot + Self.prefetchDistance) }
                consumer.consume(frame: frames[slot], decoded: packets + slot, summary: summaries + slot)
            }
            if reader == 0 { _ = handBackBehindWriter() }
            let isLast = lastBatch.load(ordering: .relaxed) == batch
            if reader == 0 {
                doneByFirst.store(batch + 1, ordering: .sequentiallyConsistent)
            } else {
                doneBySecond.store(batch + 1, ordering: .sequentiallyConsistent)
            }
            writerSleep.wake(at: doneByAll(), regardless: false)
            if isLast {
                if let failure { throw failure }
                return
            }
            batch += 1
        }
    }

    /// Makes the writer's scout log ready ahead of the scout (`CaptureReader.prepareScoutLog`)
    /// while the ring is first filled; false once that is done.
    private func preparesScoutLog() -> Bool { input?.prepareScoutLog() ?? false }

    /// Maps the next pages ahead of the writer (`MADV_POPULATE_READ`, one step), or hands back
    /// those far behind it (`MADV_DONTNEED`); false when there is nothing to do. The kernel's
    /// work of a large-frame capture, which would cost the writer more than reading the records,
    /// is done on this thread while it has nothing else to do.
    private func mapAroundWriter() -> Bool {
        guard let mapping, let base = mapping.baseAddress else { return false }
        if handBackBehindWriter() { return true }
        guard !populateFails else { return false }
        // From the furthest the writer's reader looked, page-aligned and past the pages already
        // mapped: the last, partial page of the file is mapped once, not asked for on every wait.
        let frontier = max(writerFrontier.load(ordering: .relaxed), Int(input?.scoutOffset ?? 0))
        // A gap ahead of the frontier is left to the writer's reader, which maps those pages itself
        // when it gets there first: both then map pages at once, in different places, instead of
        // the same ones (the 9014-byte benchmark capture, in process: 0.76 -> 0.56 s).
        let start = max(populatedTo, (frontier + Self.populateGap) & ~(Self.pageSize - 1))
        let end = min(mapping.count, frontier + Self.populateAhead)
        guard start < end else { return false }
        let length = min(Self.populateStep, end - start)
        if !populatePages(UnsafeMutableRawPointer(mutating: base + start), length, forWriting: false) {
            // Kernels before 5.14 do not know the advice: the writer maps its pages itself.
            populateFails = true
            return false
        }
        populatedTo = (start + length + Self.pageSize - 1) & ~(Self.pageSize - 1)
        return true
    }

    /// Hands back the pages of `mapping` `releaseBehind` behind the writer, a `releaseStep` at
    /// least; false when it did nothing. The analysing thread calls it while it waits and after
    /// each batch: where it seldom waits (the writer faster, leaving it frames unsummed), the
    /// pages behind were otherwise left to the writer's reader, `writerReleaseLag` behind (two
    /// threads, resident at most: the 1514-byte benchmark capture 611-637 -> 576-580 MB, the
    /// 9014-byte one 2.66-2.83 -> 2.51-2.53 GB, most of it the scout's look-ahead).
    @inline(__always)
    private func handBackBehindWriter() -> Bool {
        guard mapping != nil else { return false }
        return handBackBehind(writerAt: writerOffset.load(ordering: .relaxed))
    }

    /// `handBackBehindWriter` with the writer at offset `writer` of the mapping.
    @inline(__always)
    func handBackBehind(writerAt writer: Int) -> Bool {
        handBack(upTo: (writer - handBackDistance.behind) & ~(Self.pageSize - 1), atLeast: handBackDistance.step)
    }

    /// Hands back the pages of `mapping` from where they were handed back so far to `end`, when
    /// that is `atLeast` bytes, at most `atMost` of them; false when it did nothing. Either thread
    /// may call it: the range is claimed before it is handed back.
    private func handBack(upTo end: Int, atLeast minimum: Int, atMost maximum: Int = .max) -> Bool {
        guard let base = mapping?.baseAddress else { return false }
        let start = releasedTo.load(ordering: .relaxed)
        guard end - start >= minimum, end > start else { return false }
        let stop = start + min(end - start, maximum)
        guard releasedTo.compareExchange(expected: start, desired: stop, ordering: .relaxed).exchanged else { return true }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), stop - start, MADV_DONTNEED)
        return true
    }

    /// Hands back every page of `mapping` still held, half of what is left at a time, so that
    /// the writer done with its records and the analysing thread done with the ring share the
    /// work: the kernel's unmapping of a file held in 4 KB pages is not free (3.4 ms for the 80
    /// MB of the 64-byte benchmark capture), and the process ends only once it is done. Few
    /// calls: each makes the other core drop what it cached of the mapping's pages.
    func handBackRest() {
        guard let mapping else { return }
        while true {
            let left = mapping.count - releasedTo.load(ordering: .relaxed)
            let half = max(Self.finalReleaseStep, (left / 2 + Self.finalReleaseStep - 1) & ~(Self.finalReleaseStep - 1))
            guard handBack(upTo: mapping.count, atLeast: 1, atMost: half) else { return }
        }
    }

    /// The least `handBackRest` claims at once.
    static let finalReleaseStep = 2 << 20

    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    private let writerSleep = Sleep()
    private let firstReaderSleep = Sleep()
    private let secondReaderSleep = Sleep()

    /// Where one thread of the ring waits for the other side's progress (batches published, or
    /// done with): it spins, telling the core it does, and sleeps only after `patience`, until
    /// the other side reaches what it asked for. Waking a sleeping thread costs tens of
    /// microseconds (more on a virtual machine, whose idle core goes back to the host): two sides
    /// that slept and woke each other for every few batches would run slower than one thread.
    private final class Sleep: @unchecked Sendable {
        /// Progress that wakes the sleeper; `Int.max` while it is awake.
        private let wakeAt = Atomic<Int>(Int.max)
        private let semaphore = DispatchSemaphore(value: 0)
        /// Spins between looks at the clock.
        static let spinsPerLook = 256
        /// Pauses per spin, between looks at the other side's progress: a thread that looked
        /// after every pause slowed the other down, itself the slower side (the 64-byte benchmark
        /// capture, in process: 45 -> 55 ms once the writer was the faster side). A look every
        /// sixteen is still well within the ring's batch of some twenty microseconds.
        static let pausesPerSpin = 16
        static let patience: Int64 = 200_000

        /// Returns once `progress()` reaches `needed`; a sleeper is woken at `wake` (at least
        /// `needed`). While it waits it does what `meanwhile` has to do (false: nothing left).
        @inline(__always)
        func wait(until needed: Int, wakeAt wake: Int, meanwhile: () -> Bool = { false }, progress: () -> Int) {
            var spins = 0
            var since: Int64 = 0
            while progress() < needed {
                if meanwhile() {
                    since = 0
                    continue
                }
                for _ in 0..<Self.pausesPerSpin { hairpin_spin_pause() }
                spins += 1
                guard spins % Self.spinsPerLook == 0 else { continue }
                if since == 0 { since = FrameRing.now() }
                guard FrameRing.now() - since >= Self.patience else { continue }
                wakeAt.store(wake, ordering: .sequentiallyConsistent)
                // Progress made before the store was seen cannot wake it: look once more.
                if progress() >= needed {
                    // A wake taken meanwhile has signalled, or will: take that signal.
                    if wakeAt.exchange(Int.max, ordering: .sequentiallyConsistent) == Int.max { semaphore.wait() }
                    return
                }
                semaphore.wait()
                since = 0
            }
        }


        /// Called by the other side once its progress reached `progress`; wakes the sleeper if
        /// that is what it waits for, or `regardless` (the end: no more progress will come).
        @inline(__always)
        func wake(at progress: Int, regardless: Bool) {
            let wanted = wakeAt.load(ordering: .sequentiallyConsistent)
            guard wanted != Int.max, regardless || progress >= wanted else { return }
            if wakeAt.exchange(Int.max, ordering: .sequentiallyConsistent) != Int.max { semaphore.signal() }
        }
    }
}

/// What a thread reading a `FrameRing` does with its frames.
protocol RingConsumer {
    /// Asks for what the frame summarised at `summary` will touch, a few frames ahead of it.
    func prefetch(for summary: UnsafePointer<FrameSummary>)
    /// Consumes a frame: its number, decoded form (lent) and summary.
    func consume(frame: Int, decoded: UnsafePointer<DecodedPacket>, summary: UnsafePointer<FrameSummary>)
}

extension RingConsumer {
    func prefetch(for summary: UnsafePointer<FrameSummary>) {}
}
