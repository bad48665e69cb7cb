import CPlatform
import Synchronization
import HairpinWire

/// Reads one capture (pcap or pcapng, mapped or streamed) record by record, in file order
/// (`nextInFileOrder`) or, through the reorder window, in time order (`next`).
final class FileReader {
    let fileIndex: Int
    let source: ByteSource
    let interfaces: InterfaceTable
    @exclusivity(unchecked) private(set) var info: CaptureFileInfo
    @exclusivity(unchecked) private(set) var anomalies = AnomalyCounters()
    @exclusivity(unchecked) private var reorder: ReorderWindow
    @exclusivity(unchecked) private var position: Int64 = 0
    @exclusivity(unchecked) private var exhausted = false
    /// Position at the last check for mapped pages to hand back.
    @exclusivity(unchecked) private var releaseChecked: Int64 = 0
    /// How far behind the reader its mapped pages are handed back (`CaptureReader.releaseLag`).
    var releaseLag: Int64 = 0
    /// Whether the caller reads the frames' bytes (`CaptureReader.asksFramesAhead`).
    @exclusivity(unchecked) var asksFramesAhead = true
    /// How far the scout has read, published each `OrderScout.progressStep` bytes for another
    /// thread (`CaptureReader.scoutOffset`).
    let scoutOffset = Atomic<Int64>(0)

    // The fields read and written for every record are exempt from dynamic exclusivity checks:
    // a reader is used from one thread, one call at a time, and the checks cost more than the
    // record's whole decode.

    /// Per interface of this file, by ordinal: global id, link type, time conversion.
    @exclusivity(unchecked) private(set) var slots = InterfaceSlots()

    @exclusivity(unchecked) private var pcapLayout = PcapLayout()
    @exclusivity(unchecked) private var section = PcapngSection()
    @exclusivity(unchecked) private var lastTimestamp: Int64 = 0
    /// `info.format == .pcapng`, kept apart so the per-record path never touches `info`.
    @exclusivity(unchecked) private var isPcapng = false
    /// Records read in file order so far.
    @exclusivity(unchecked) private var recordsRead = 0
    /// Records `forEachPlainRecord` leaves to the general reader before it tries again.
    @exclusivity(unchecked) private var plainRetryIn = 0
    /// Tries of `forEachPlainRecord`'s loop, and the records they handed on (counted per try).
    @exclusivity(unchecked) private(set) var plainTries = 0
    @exclusivity(unchecked) private(set) var plainRecords = 0
    /// Proves records in order ahead of the reader (mapped files with a reorder window; a pcapng
    /// file's from its first packet block).
    @exclusivity(unchecked) private var scout: OrderScout?
    /// A pcapng file's scout was started (at its first packet block).
    @exclusivity(unchecked) private var scoutStarted = false
    /// Read as if already in time order (`CaptureReader.Options.assumesTimeOrder`): no reorder
    /// queue and no scout ahead. `orderCheck` reads each record after the reader as the scout
    /// would have read it ahead; at the first it would not have proven, the input ends early
    /// with `assumedOrderBroken` set.
    private let assumesOrder: Bool
    @exclusivity(unchecked) private var orderCheck: OrderScout?
    @exclusivity(unchecked) private(set) var assumedOrderBroken = false
    /// What the scout read of each plain record of a mapped pcap file, by record number around a
    /// ring: the reader takes a record's time and lengths from here rather than from its header.
    /// The scout runs up to the reorder queue's capacity ahead (262,144 records by default, 400
    /// MB of 1514-byte frames), so the header has left the caches when the reader gets there: it
    /// came from memory twice, in two chains of loads, each record's address read from the one
    /// before. Where the caller does not read the frames (`asksFramesAhead` off), the reader then
    /// touches nothing of the file (the 1514-byte benchmark capture read back from disk, reading
    /// alone with the reorder window: 73 -> 53 ms).
    @exclusivity(unchecked) private var scoutLog: UnsafeMutablePointer<ScoutedRecord>?
    /// Slots in `scoutLog`: more than the scout ever reads ahead of the reader.
    @exclusivity(unchecked) private var scoutLogCount = 0
    /// The slot of the scout's next record in `scoutLog`.
    @exclusivity(unchecked) private var scoutLogNext = 0

    /// A record as the scout read it, and where it starts: the reader takes it only for the
    /// record starting there.
    struct ScoutedRecord {
        var offset: Int64
        var time: Int64
        var captured: UInt32
        var original: UInt32
    }
    /// A mapped file's first byte and length (nil, 0 for a stream), fixed once mapped: the
    /// per-record bounds test reads them here instead of through the source.
    private let mappedBase: UnsafeRawPointer?
    private let mappedEnd: Int64

    /// pcap record headers longer than this are not a known layout; lengths above `maximumRecord`
    /// are not believed (nothing is ever allocated from them either way).
    static let maximumRecord = 64 << 20
    /// Records of this size or more are far enough apart that the processor does not fetch the
    /// next ones' headers ahead by itself: each was a miss to memory, once for the scout and
    /// once for the reader. Their header is asked for this many records ahead, guessing each the
    /// size of this one (the 1514-byte benchmark capture held in large folios, two threads in
    /// process: 73-79 -> 65-80 ms, whole process 85 -> 74 ms; one thread 107 -> 99-101 ms;
    /// decode 17.6 -> 15.6 ms).
    static let prefetchedRecordSize: UInt32 = 512
    static let headerPrefetchRecords = 6
    /// The same for the scout, whose loop reads only headers: at six records ahead its header
    /// loads still missed the cache (the 1514-byte benchmark capture read back from disk, two
    /// threads: median 62.9 ms against 58.2 at 32 records, 15 runs each). At 32 they miss again,
    /// since the reader no longer walks the headers after it (`scoutLog`): the lines asked for
    /// at once then lie too far apart, and a C loop that only follows the records' lengths takes
    /// 26.5 ms on the 1514-byte capture and 61.8 ms on the 9014-byte one, against 16.7 and 42.4 ms
    /// at 16 (23.6 and 45.0 at 8). Whole process, two threads, 11 alternating runs: 79 -> 69 ms
    /// and 91 -> 83 ms; one thread 122 -> 108 ms and 150 -> 135 ms.
    static let scoutPrefetchRecords = 16
    /// Records read by the general reader after a try of the plain loop took none (`forEachPlainRecord`).
    static let plainRetryInterval = 32
    /// Records whose mean length decides whether the scout keeps its log (`keepScoutLog`).
    static let scoutLogSample: Int64 = 64
    /// Bytes of a streamed input that records waiting in the reorder window, or the scout's
    /// look-ahead, may hold (`CaptureReader.Options.streamRetainBudget`).
    private let streamRetainBudget: Int64
    /// Whether a scout proves records in order (`CaptureReader.Options.readsAhead`).
    private let readsAhead: Bool

    init(path: String, fileIndex: Int, interfaces: InterfaceTable, options: CaptureReader.Options) throws(CaptureError) {
        self.fileIndex = fileIndex
        self.interfaces = interfaces
        streamRetainBudget = options.streamRetainBudget
        readsAhead = options.readsAhead
        let window = options.reorderWindow, windowCapacity = options.reorderCapacity
        source = try ByteSource.opening(path, buffering: options.streamBuffering)
        mappedBase = source.mapping?.baseAddress
        mappedEnd = source.isMapped ? source.endOffset : 0
        assumesOrder = options.assumesTimeOrder && source.isMapped && window > 0 && readsAhead
        reorder = ReorderWindow(window: assumesOrder ? 0 : window, capacity: windowCapacity)
        info = CaptureFileInfo(index: fileIndex, path: path, format: .pcap, variant: nil,
                               compression: source.compression == .none ? nil : source.compression.rawValue,
                               byteOrder: "", version: "", resolution: nil, sections: [], bytesRead: 0)
        guard try source.fill(offset: 0, length: 4, retainFrom: 0) else {
            if source.endOffset == 0 { throw CaptureError(.emptyFile, file: path, offset: 0) }
            throw CaptureError(.truncatedFileHeader, file: path, offset: 0)
        }
        let magic = source.pointer(at: 0).loadUnaligned(as: UInt32.self).littleEndian
        if magic == PcapngBlock.sectionHeader {
            info.format = .pcapng
            isPcapng = true
        } else if PcapLayout.magicKind(magic) != nil {
            info.format = .pcap
            try readPcapHeader(at: 0)
            // Where the scout would start: a first record it does not take is not one to step over.
            if assumesOrder {
                orderCheck = OrderScout(start: Int64(PcapLayout.fileHeaderLength), capacity: .max)
            } else if window > 0 && readsAhead {
                scout = OrderScout(start: Int64(PcapLayout.fileHeaderLength), capacity: max(1, windowCapacity), lookAhead: scoutLookAhead)
            }
        } else {
            throw CaptureError(.unknownFormat(magic: magic.bigEndian), file: path, offset: 0)
        }
    }

    deinit {
        slots.deallocate()
        if let scoutLog { releaseZeroedPages(scoutLog, scoutLogBytes) }
    }

    /// The slot of `scoutLog` after `slot`, around the ring.
    @inline(__always)
    private func scoutLogSlot(after slot: Int) -> Int { slot + 1 == scoutLogCount ? 0 : slot + 1 }

    /// Keeps `scoutLog` from now on, for a mapped pcap file whose scout has read nothing yet: the
    /// only input, read by `forEachPlainRecord` (merged inputs are read record by record, and
    /// would only pay for it), whose first records are large. Where records are small, a
    /// record's header lies in the cache lines the reader reads of the frames before it anyway,
    /// and the log only cost time (the 64-byte benchmark capture, two threads: 59 -> 62 ms).
    func keepScoutLog() {
        guard let scout, !isPcapng, source.isMapped, let mappedBase, scoutLog == nil, scout.scouted == 0, recordsRead == 0 else { return }
        let layout = pcapLayout
        let headerLength = Int64(layout.recordHeaderLength)
        var offset = Int64(PcapLayout.fileHeaderLength), records: Int64 = 0
        while records < Self.scoutLogSample && offset + headerLength <= mappedEnd {
            let captured = layout.recordFields(mappedBase + Int(offset)).captured
            guard captured <= Self.maximumRecord else { break }
            offset += headerLength + Int64(captured)
            records += 1
        }
        guard records > 0, (offset - Int64(PcapLayout.fileHeaderLength)) / records >= Int64(Self.prefetchedRecordSize) else { return }
        // The scout reads at most the queue's capacity and a burst ahead of the record the reader
        // asks about, and one record more to end the burst.
        scoutLogCount = scout.capacity + OrderScout.burst + 2
        // Zeroed pages, which hold no record (none starts at offset 0), allocated as the scout
        // first writes them or ahead of it by another thread (`prepareScoutLog`). Initialised
        // here, the 6 MB delayed everything after by 2.4-4.7 ms while the other core waited: the
        // 1514-byte benchmark capture, 12 runs each, was open 5.6-10.2 ms after the process began
        // (now 2.1-3.7), and its first frames handed on after 12-19 ms (now 8-15).
        scoutLog = zeroedPages(scoutLogBytes).bindMemory(to: ScoutedRecord.self, capacity: scoutLogCount)
    }

    private var scoutLogBytes: Int { scoutLogCount * MemoryLayout<ScoutedRecord>.stride }

    /// How far another thread made the scout's log ready (`prepareScoutLog`); that thread alone uses it.
    @exclusivity(unchecked) private var scoutLogPrepared = 0
    /// Bytes of the log made ready per call.
    static let scoutLogPreparationStep = 256 << 10

    /// Allocates the next pages of the scout's log ahead of the scout, which fills it first while
    /// it reads its first look-ahead and nothing else runs; false when there is nothing (more) to
    /// do. Safe from one other thread: the pages are allocated, not written.
    func prepareScoutLog() -> Bool {
        guard let scoutLog, scoutLogPrepared < scoutLogBytes else { return false }
        let length = min(Self.scoutLogPreparationStep, scoutLogBytes - scoutLogPrepared)
        guard populatePages(UnsafeMutableRawPointer(scoutLog) + scoutLogPrepared, length, forWriting: true) else {
            scoutLogPrepared = scoutLogBytes
            return false
        }
        scoutLogPrepared += length
        return true
    }

    var path: String { info.path }

    /// A pending record as the caller sees it: its bytes and its interface's identity.
    @inline(__always)
    func record(_ pending: PendingRecord) -> Record {
        let slot = slots[Int(pending.ordinal)]
        let bytes = UnsafeRawBufferPointer(start: source.pointer(at: pending.dataOffset), count: Int(pending.capturedLength))
        return Record(interface: slot.globalId, linkType: slot.linkType, timestamp: pending.timestamp,
                      originalLength: Int(pending.originalLength), bytes: bytes,
                      direction: Direction(pcapngFlags: pending.flags), flags: pending.flags,
                      fileIndex: fileIndex, fileOffset: pending.recordOffset, hasTimestamp: pending.hasTimestamp)
    }

    /// Everything learned so far, with the anomaly list filled in.
    func fileInfo() -> CaptureFileInfo {
        var result = info
        result.anomalies = anomalies.list(file: info.path)
        result.bytesRead = position
        result.recordsForcedByWindowCapacity = reorder.forcedByCapacity
        if info.format == .pcapng {
            let orders = Set(info.sections.map(\.byteOrder))
            result.byteOrder = orders.count > 1 ? "mixed" : orders.first ?? "unknown"
            result.version = Array(Set(info.sections.map(\.version))).sorted().joined(separator: ", ")
        }
        return result
    }

    func noteAnomaly(_ kind: AnomalyKind, at offset: Int64, times: Int = 1) {
        anomalies.count(kind, at: offset, times: times)
    }

    // MARK: Time order

    /// The next record in time order, or nil at the end of the file.
    @inline(__always)
    func next() throws(CaptureError) -> PendingRecord? {
        while true {
            // A streamed source keeps every byte a waiting record points into: bound that too.
            let overBudget = !source.isMapped && !reorder.isEmpty
                && position - reorder.lowestOffset() > streamRetainBudget
            if let ready = reorder.popReady(draining: exhausted, force: overBudget) { return ready }
            if exhausted { return nil }
            guard let record = try nextInFileOrder() else {
                exhausted = true
                if assumesOrder, let mappedBase, orderCheck != nil,
                   !orderCheck!.followsToEnd(length: mappedEnd, step: { scoutStep(at: $0, base: mappedBase, limit: mappedEnd) }) {
                    assumedOrderBroken = true
                }
                if source.streamWasCut { anomalies.count(.compressedStreamCut, at: source.endOffset) }
                continue
            }
            recordsRead += 1
            if assumesOrder, let mappedBase, !orderHolds(at: record.recordOffset, base: mappedBase) { return nil }
            // A pcapng file's scout starts at its first packet block, its section and interfaces read.
            if isPcapng && scout == nil && !scoutStarted && reorder.window > 0 && readsAhead {
                scoutStarted = true
                scout = OrderScout(start: record.recordOffset, capacity: reorder.capacity, scouted: recordsRead - 1, lookAhead: scoutLookAhead)
            }
            // Every step, hand back the mapped pages far behind what waiting records and the
            // record in the caller's hands (at most one maximum record back) still use.
            if source.isMapped && position - releaseChecked >= ByteSource.releaseStep {
                releaseChecked = position
                source.release(before: retainFrom - Int64(Self.maximumRecord) - releaseLag)
            }
            if reorder.isEmpty && (reorder.window == 0 || scoutClears(record)) {
                if !reorder.passOn(record.timestamp) { anomalies.count(.outOfOrderBeyondWindow, at: record.recordOffset) }
                return record
            }
            if !reorder.insert(record) {
                anomalies.count(.outOfOrderBeyondWindow, at: record.recordOffset)
            }
        }
    }

    /// Hands `body` the records of a mapped file that are plain and in order, as `next` would
    /// hand them on, until one is not (or the piece ends); false when `body` asked to stop. With
    /// a reorder window the scout proves them (`OrderScout`), without one each record is tested
    /// as the scout tests it. The common run of a capture without the general reader's per-record
    /// steps: nothing waiting to be put in order, every record one the reader has nothing to
    /// say about.
    ///
    /// After a try that took no record, the next `plainRetryInterval` records are left to the
    /// general reader before the next try: where no record is plain (a pcapng file whose packet
    /// blocks all carry comments or other options besides flags), a try per record cost 29-65
    /// instructions to fail, and more where the loop was not inlined (the hairpin scenario at
    /// scale 60, whose blocks then all went to the general reader, decoded alone: 1,075 -> 995
    /// instructions a record, whole process).
    @inline(__always)
    func forEachPlainRecord(_ body: (Record) throws(CaptureError) -> Bool) throws(CaptureError) -> Bool {
        if plainRetryIn > 0 {
            plainRetryIn -= 1
            return true
        }
        let handedOn = recordsRead
        let going = try forEachPlainRecordUntilOneIsNot(body)
        plainTries += 1
        plainRecords += recordsRead - handedOn
        // Nothing read yet: a pcapng file's first try meets its header blocks, which `next` reads.
        if going && recordsRead == handedOn && handedOn > 0 { plainRetryIn = Self.plainRetryInterval }
        return going
    }

    /// `forEachPlainRecord` without the pause after a try that took none.
    @inline(__always)
    private func forEachPlainRecordUntilOneIsNot(_ body: (Record) throws(CaptureError) -> Bool) throws(CaptureError) -> Bool {
        guard let mappedBase, !exhausted, reorder.isEmpty, reorder.window == 0 || scout != nil else { return true }
        if isPcapng { return try forEachPlainPcapngRecord(base: mappedBase, body) }
        let layout = pcapLayout
        let headerLength = Int64(layout.recordHeaderLength)
        let slot = slots[Int(layout.ordinal)]
        let window = reorder.window
        let scouted = scout != nil
        let assumes = assumesOrder
        var hand = orderCheckInHand
        defer { if assumes { giveBack(&hand) } }
        // Read once: the log is set before the first record. The slot of the record numbered
        // `recordsRead` in it.
        let scoutLog = self.scoutLog
        var logSlot = scoutLog == nil ? 0 : recordsRead % scoutLogCount
        var start = position
        // Offsets below here add without overflow checks: a mapped file's offset plus a record
        // header and a 32-bit length stays far below `Int64.max`.
        while start < pieceEnd {
            if !scouted && start &+ headerLength > mappedEnd { break }
            let pointer = mappedBase + Int(start)
            var fields: PcapLayout.RecordFields
            let time: Int64
            var logged = false
            if let scoutLog, scoutLog[logSlot].offset == start {
                // Read by the scout: plain, and whole inside the file.
                let entry = scoutLog[logSlot]
                fields = PcapLayout.RecordFields(seconds: 0, fraction: 0, captured: entry.captured, original: entry.original)
                time = entry.time
                logged = true
            } else {
                fields = layout.recordFields(pointer)
                time = layout.time(of: fields)
            }
            let end = start &+ headerLength &+ Int64(fields.captured)
            if scoutLog != nil { logSlot = scoutLogSlot(after: logSlot) }
            if scouted {
                guard scout!.clears(recordOffset: start, time: time, read: recordsRead + 1, window: window, length: mappedEnd,
                                    progress: scoutOffset, step: { scoutStep(at: $0, base: mappedBase, limit: mappedEnd) }) else { break }
            } else {
                // The scout's test (`scoutStep`), on the fields already read: the common loop stays tight.
                guard layout.isPlain(fields), end <= mappedEnd,
                      PcapLayout.magicKind(pointer.loadUnaligned(as: UInt32.self).littleEndian) == nil else { break }
                if assumes && !orderHolds(plainFrom: start, to: end, time: time, base: mappedBase, hand: &hand) {
                    break
                }
            }
            if layout.snaplen > 0 && fields.captured > layout.snaplen { anomalies.count(.capturedExceedsSnaplen, at: start) }
            handOnPlain(at: start, end: end, time: time)
            if !logged || asksFramesAhead {
                askAhead(base: mappedBase, start: start, end: end, captured: fields.captured, records: Self.headerPrefetchRecords, lines: 3)
            }
            let record = Record(interface: slot.globalId, linkType: slot.linkType, timestamp: time, originalLength: Int(fields.original),
                                bytes: UnsafeRawBufferPointer(start: pointer + Int(headerLength), count: Int(fields.captured)),
                                direction: .unknown, flags: 0, fileIndex: fileIndex, fileOffset: start, hasTimestamp: true)
            if try !body(record) { return false }
            start = position
        }
        return true
    }

    /// `forEachPlainRecord` for pcapng: the Enhanced Packet Blocks `plainPcapngRecord` takes.
    @inline(__always)
    private func forEachPlainPcapngRecord(base: UnsafeRawPointer, _ body: (Record) throws(CaptureError) -> Bool) throws(CaptureError) -> Bool {
        let window = reorder.window
        let scouted = scout != nil
        let assumes = assumesOrder
        var hand = orderCheckInHand
        defer { if assumes { giveBack(&hand) } }
        var start = position
        while start < pieceEnd {
            guard let plain = plainPcapngRecord(at: start, base: base, limit: mappedEnd) else { break }
            if assumes && !orderHolds(plainFrom: start, to: plain.end, time: plain.time, base: base, hand: &hand) { break }
            if scouted {
                guard scout!.clears(recordOffset: start, time: plain.time, read: recordsRead + 1, window: window, length: mappedEnd,
                                    progress: scoutOffset, step: { scoutStep(at: $0, base: base, limit: mappedEnd) }) else { break }
            }
            askAhead(base: base, start: start, end: plain.end, captured: plain.captured, records: Self.headerPrefetchRecords, lines: 3)
            handOnPlain(at: start, end: plain.end, time: plain.time)
            packetBlockRead = true
            timeKnown = true
            let slot = slots[Int(plain.ordinal)]
            let record = Record(interface: slot.globalId, linkType: slot.linkType, timestamp: plain.time, originalLength: Int(plain.original),
                                bytes: UnsafeRawBufferPointer(start: base + Int(start) + 28, count: Int(plain.captured)),
                                direction: Direction(pcapngFlags: plain.flags), flags: plain.flags,
                                fileIndex: fileIndex, fileOffset: start, hasTimestamp: true)
            if try !body(record) { return false }
            start = position
        }
        return true
    }

    /// A pcapng Enhanced Packet Block the reader has nothing to say about, read as the general
    /// path would read it: in a supported section, framed right and whole inside the file, of a
    /// known interface, its captured length within the block and at most the original, no
    /// options but `epb_flags` (with or without the end of options after it, read into
    /// `flags`; as Hairpin and other writers give each block its direction), its time converted
    /// without overflow. Nil for anything else. `base` is where offset 0 is (or would be, for a
    /// stream's buffer); bytes up to `limit` are there. `optionsAllowed`: the block may carry
    /// any options after the frame, which the general path reads (flags, comments): what the
    /// scout takes, for which a record's time and end are enough (its `flags` are then 0).
    @inline(__always)
    private func plainPcapngRecord(at start: Int64, base: UnsafeRawPointer, limit: Int64, optionsAllowed: Bool = false)
        -> (time: Int64, captured: UInt32, original: UInt32, ordinal: Int32, end: Int64, flags: UInt32)? {
        // Two copies, each with the section's byte order fixed: a word's load is then a load, not
        // a load, a swap and a choice between them (eight to ten words a block, for the scout
        // and again for the reader).
        section.swapped
            ? plainPcapngRecord(at: start, base: base, limit: limit, optionsAllowed: optionsAllowed, swapped: true)
            : plainPcapngRecord(at: start, base: base, limit: limit, optionsAllowed: optionsAllowed, swapped: false)
    }

    @inline(__always)
    private func plainPcapngRecord(at start: Int64, base: UnsafeRawPointer, limit: Int64, optionsAllowed: Bool, swapped: Bool)
        -> (time: Int64, captured: UInt32, original: UInt32, ordinal: Int32, end: Int64, flags: UInt32)? {
        // An offset in a mapped file plus a 32-bit length: added without overflow checks.
        guard start &+ 32 <= limit, section.index >= 0, section.supported else { return nil }
        let p = base + Int(start)
        let order = ByteOrder(swapped: swapped)
        @inline(__always) func word(_ offset: Int) -> UInt32 { order.load32(p, offset) }
        let length = Int(word(4)), captured = word(20), original = word(24)
        let framed = 32 + (Int(captured) + 3) & ~3
        // Options start where the trailer of a block without any would be.
        let withFlags = length == framed + 8 || length == framed + 12
        guard word(0) == PcapngBlock.enhancedPacket, optionsAllowed ? length >= framed && length % 4 == 0 : length == framed || withFlags,
              length <= Self.maximumRecord,
              captured <= original, start &+ Int64(length) <= limit, Int(word(length - 4)) == length else { return nil }
        var flags: UInt32 = 0
        if !optionsAllowed && length != framed {
            // epb_flags (code 2, 4 bytes), then the end of options (code 0, length 0) or the trailer.
            let options = framed - 4
            guard order.load16(p, options) == 2, order.load16(p, options + 2) == 4,
                  length == framed + 8 || (order.load16(p, options + 8) == 0 && order.load16(p, options + 10) == 0) else { return nil }
            flags = word(options + 4)
        }
        let localId = Int(word(8))
        guard localId < section.interfaceOrdinals.count else { return nil }
        let ordinal = section.interfaceOrdinals[localId]
        guard let time = slots.time(ordinal: Int(ordinal), units: UInt64(word(12)) << 32 | UInt64(word(16))) else { return nil }
        return (time, captured, original, ordinal, start + Int64(length), flags)
    }

    /// What the scout finds at `offset` (`OrderScout.Step`), with the bytes up to `limit` at
    /// `base` as `plainPcapngRecord` has them: a pcap record
    /// header `PcapLayout.isPlain` takes (not another file header), or a pcapng packet block
    /// plain but for its options (the reader reads those, and they change no time: a scenario
    /// capture, whose blocks all carry flags, held every record in the reorder queue; the hairpin
    /// scenario at scale 60, one thread: 181 -> 149 ms); pcapng blocks that change nothing a
    /// record is read with (statistics, name resolution, secrets, custom) are stepped over.
    /// Anything else stops it.
    @inline(__always)
    private func scoutStep(at offset: Int64, base: UnsafeRawPointer, limit: Int64) -> OrderScout.Step {
        if isPcapng {
            if let plain = plainPcapngRecord(at: offset, base: base, limit: limit, optionsAllowed: true) {
                askAhead(base: base, start: offset, end: plain.end, captured: plain.captured, records: Self.scoutPrefetchRecords, lines: 1)
                return .record(time: plain.time, end: plain.end)
            }
            guard offset + 12 <= limit else { return .stop }
            let p = base + Int(offset)
            let type = section.load32(p, 0), length = Int(section.load32(p, 4))
            switch type {
            case PcapngBlock.interfaceStatistics, PcapngBlock.nameResolution, PcapngBlock.decryptionSecrets, PcapngBlock.customCopyable,
                 PcapngBlock.customNotCopyable:
                break
            default:
                return .stop
            }
            guard length >= 12, length % 4 == 0, length <= Self.maximumRecord, offset + Int64(length) <= limit,
                  Int(section.load32(p, length - 4)) == length else { return .stop }
            return .skip(end: offset + Int64(length))
        }
        let layout = pcapLayout
        let headerLength = Int64(layout.recordHeaderLength)
        guard offset + headerLength <= limit else { return .stop }
        // Another file header (`cat a.pcap b.pcap`) is the reader's to handle.
        if PcapLayout.magicKind(base.loadUnaligned(fromByteOffset: Int(offset), as: UInt32.self).littleEndian) != nil { return .stop }
        let fields = layout.recordFields(base + Int(offset))
        let end = offset + headerLength + Int64(fields.captured)
        guard layout.isPlain(fields), end <= limit else { return .stop }
        askAhead(base: base, start: offset, end: end, captured: fields.captured, records: Self.scoutPrefetchRecords, lines: 1)
        let time = layout.time(of: fields)
        if let scoutLog {
            scoutLog[scoutLogNext] = ScoutedRecord(offset: offset, time: time, captured: fields.captured, original: fields.original)
            scoutLogNext = scoutLogSlot(after: scoutLogNext)
        }
        return .record(time: time, end: end)
    }

    /// With time order assumed, whether the scout would prove the plain record from `start` to
    /// `end` at `time` that the reader's own loop took, holding `orderCheck`'s place in `hand`
    /// (`orderHolds(at:base:)` where the record is not simply the next).
    @inline(__always)
    private func orderHolds(plainFrom start: Int64, to end: Int64, time: Int64, base: UnsafeRawPointer,
                            hand: inout OrderScout.InHand) -> Bool {
        if hand.takes(start: start, end: end, time: time) { return true }
        giveBack(&hand)
        guard orderHolds(at: start, base: base) else { return false }
        hand = orderCheckInHand
        return true
    }

    /// `orderCheck`'s place for a loop of plain records to hold; before there is a check, one
    /// that takes nothing (the first record makes it).
    private var orderCheckInHand: OrderScout.InHand { orderCheck?.inHand ?? OrderScout.InHand(offset: -1, newest: .max) }

    /// What a loop of plain records took for `orderCheck` (`OrderScout.InHand`), given back once.
    @inline(__always)
    private func giveBack(_ hand: inout OrderScout.InHand) {
        guard hand.records > 0 else { return }
        orderCheck!.tookInHand(hand)
        hand.records = 0
    }

    /// With time order assumed, whether the scout would prove the record at `start`, reading
    /// every block from where it stopped; if not, the input ends here, with
    /// `assumedOrderBroken`.
    private func orderHolds(at start: Int64, base: UnsafeRawPointer) -> Bool {
        if orderCheck == nil { orderCheck = OrderScout(start: start, capacity: .max) }
        guard orderCheck!.follows(through: start, length: mappedEnd, step: { scoutStep(at: $0, base: base, limit: mappedEnd) }) else {
            assumedOrderBroken = true
            exhausted = true
            return false
        }
        return true
    }

    /// The furthest offset read so far: the scout's, ahead of the records handed on.
    var furthestOffset: Int64 { max(position, scout?.offset ?? 0) }

    /// True when the scout has proven that `record` would leave the reorder queue next anyway.
    @inline(__always)
    private func scoutClears(_ record: PendingRecord) -> Bool {
        guard scout != nil else { return false }
        if let mappedBase {
            return scout!.clears(recordOffset: record.recordOffset, time: record.timestamp, read: recordsRead, window: reorder.window,
                                 length: mappedEnd, progress: scoutOffset, step: { scoutStep(at: $0, base: mappedBase, limit: mappedEnd) })
        }
        return scout!.clears(recordOffset: record.recordOffset, time: record.timestamp, read: recordsRead, window: reorder.window,
                             length: .max, progress: scoutOffset, step: { streamScoutStep(at: $0, keepingFrom: record.recordOffset) })
    }

    /// How far past a record the scout reads: a stream holds in memory all it reads ahead.
    private var scoutLookAhead: Int64 { source.isMapped ? OrderScout.unlimited : streamRetainBudget }

    /// `scoutStep` on a stream: the block or record at `offset` is read into the source's buffer
    /// first, keeping every byte from `keep` on (the record the scout is asked about). A read
    /// that fails stops the scout; the reader meets the failure itself when it gets there.
    private func streamScoutStep(at offset: Int64, keepingFrom keep: Int64) -> OrderScout.Step {
        let headerLength = isPcapng ? 12 : pcapLayout.recordHeaderLength
        do {
            guard try source.fill(offset: offset, length: headerLength, retainFrom: keep) else {
                return source.reachedEnd && offset == source.endOffset ? .end : .stop
            }
            let header = source.pointer(at: offset)
            let length = isPcapng ? Int(section.load32(header, 4))
                : headerLength + Int(pcapLayout.recordFields(header).captured)
            guard length >= headerLength, length <= Self.maximumRecord,
                  try source.fill(offset: offset, length: length, retainFrom: keep) else { return .stop }
        } catch {
            return .stop
        }
        return scoutStep(at: offset, base: source.pointer(at: offset) - Int(offset), limit: source.endOffset)
    }

    /// For a record of `prefetchedRecordSize` or more from `start` to `end`, asks for the first
    /// `lines` cache lines of the record `records` records ahead, guessing each the size of this
    /// one. The scout reads only the header; the reader also the two lines after it: the frame's
    /// own headers, and the first payload bytes the summary reads.
    @inline(__always)
    private func askAhead(base: UnsafeRawPointer, start: Int64, end: Int64, captured: UInt32, records: Int, lines: Int) {
        guard captured >= Self.prefetchedRecordSize else { return }
        let ahead = base + Int(start) + Int(end - start) &* records
        for line in 0..<lines { hairpin_prefetch(ahead + line &* 64) }
    }

    /// `next`, asking for the first two cache lines of the record's frame: in a merge it is read
    /// only when its turn comes, after the other inputs' next records, by when it is in the
    /// cache (forty interleaved gzip inputs, whose rings lie far apart: 9.7 -> 6.1 s).
    @inline(__always)
    func nextAskingAhead() throws(CaptureError) -> PendingRecord? {
        guard let pending = try next() else { return nil }
        let frame = source.pointer(at: pending.dataOffset)
        hairpin_prefetch(frame)
        hairpin_prefetch(frame + 64)
        return pending
    }

    /// What `next` does for a record it hands on at once, for a plain record from `start` to
    /// `end` with `time`: counted, the reader moved past it, pages far behind handed back.
    @inline(__always)
    private func handOnPlain(at start: Int64, end: Int64, time: Int64) {
        // A count of records and the distance between two offsets of one file: far from overflowing.
        recordsRead &+= 1
        position = end
        lastTimestamp = time
        if position &- releaseChecked >= ByteSource.releaseStep {
            releaseChecked = position
            source.release(before: position - Int64(Self.maximumRecord) - releaseLag)
        }
        if !reorder.passOn(time) { anomalies.count(.outOfOrderBeyondWindow, at: start) }
    }

    /// Lowest offset a waiting record still points into (what a stream must keep).
    @inline(__always)
    private var retainFrom: Int64 {
        reorder.isEmpty ? position : min(position, reorder.lowestOffset())
    }

    @inline(__always)
    private func fill(_ offset: Int64, _ length: Int) throws(CaptureError) -> Bool {
        if offset + Int64(length) <= mappedEnd { return true }
        return try source.fill(offset: offset, length: length, retainFrom: source.isMapped ? 0 : retainFrom)
    }

    // MARK: File order

    @inline(__always)
    func nextInFileOrder() throws(CaptureError) -> PendingRecord? {
        if exhausted { return nil }
        if isPcapng { return try nextPcapngRecord() }
        if let record = plainMappedPcapRecord() { return record }
        return try nextPcapRecord()
    }

    /// The next record of a mapped pcap file when it is plain (`PcapLayout.isPlain`), whole and
    /// within the piece: proven so by the scout, or tested here the way the scout tests. Small
    /// and inlined, so the common record does not pay for the general reader's setup.
    @inline(__always)
    private func plainMappedPcapRecord() -> PendingRecord? {
        let start = position
        guard let mappedBase, start < pieceEnd else { return nil }
        let layout = pcapLayout
        let pointer = mappedBase + Int(start)
        if start < provenUntil { return provenPcapRecord(at: start, layout.recordFields(pointer), layout: layout) }
        let headerLength = Int64(layout.recordHeaderLength)
        guard start + headerLength <= mappedEnd else { return nil }
        let fields = layout.recordFields(pointer)
        guard layout.isPlain(fields), start + headerLength + Int64(fields.captured) <= mappedEnd,
              PcapLayout.magicKind(pointer.loadUnaligned(as: UInt32.self).littleEndian) == nil else { return nil }
        return provenPcapRecord(at: start, fields, layout: layout)
    }

    private func registerInterface(section: Int, localId: Int, linkType: LinkType, linkTypeFlags: UInt32 = 0,
                                   snaplen: UInt32, resolution: TimestampResolution,
                                   configure: (inout CaptureInterface) -> Void = { _ in }) -> Int32 {
        let id = interfaces.add { id in
            var interface = CaptureInterface(id: id, fileIndex: fileIndex, file: info.path, section: section,
                                             localId: localId, linkType: linkType, linkTypeFlags: linkTypeFlags,
                                             snaplen: snaplen, resolution: resolution)
            configure(&interface)
            return interface
        }
        let offset = interfaces[id].timestampOffsetSeconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue
        return Int32(slots.append(.init(globalId: id, linkType: linkType, resolution: resolution, offsetNs: offset)))
    }

    // MARK: pcap

    private func readPcapHeader(at offset: Int64) throws(CaptureError) {
        if offset > 0 { layoutChanges += 1 }
        guard try fill(offset, PcapLayout.fileHeaderLength) else {
            throw CaptureError(.truncatedFileHeader, file: info.path, offset: offset)
        }
        let header = source.pointer(at: offset)
        let magic = header.loadUnaligned(as: UInt32.self).littleEndian
        guard let kind = PcapLayout.magicKind(magic) else {
            throw CaptureError(.unknownFormat(magic: magic.bigEndian), file: info.path, offset: offset)
        }
        var layout = PcapLayout()
        layout.swapped = kind.swapped
        layout.nanosecond = kind.nanosecond
        layout.modified = kind.modified
        let major = Int(layout.load16(header, 4))
        let minor = Int(layout.load16(header, 6))
        guard major == 2 else {
            throw CaptureError(.unsupportedVersion(major: major, minor: minor), file: info.path, offset: offset)
        }
        if minor != 4 { anomalies.count(.unusualVersion, at: offset) }
        // Before 2.3 the two lengths were written the other way round.
        layout.lengthsSwapped = minor < 3
        layout.snaplen = layout.load32(header, 16)
        let linkWord = layout.load32(header, 20)
        let linkType = LinkType(rawValue: UInt16(truncatingIfNeeded: linkWord))
        let flags = linkWord & 0xFFFF_0000
        if linkWord & 0x03FF_0000 != 0 { anomalies.count(.linkTypeReservedBits, at: offset + 20) }
        layout.recordHeaderLength = try choosePcapRecordLayout(layout, start: offset + Int64(PcapLayout.fileHeaderLength))
        let variantName: String
        switch (layout.modified, layout.recordHeaderLength) {
        case (true, 28): variantName = "modified (ss990915, 28-byte records)"
        case (true, _): variantName = "modified (ss991029, 24-byte records)"
        case (false, 24): variantName = "modified (ss990417, 24-byte records)"
        case (false, 20): variantName = "Nokia (20-byte records)"
        default: variantName = "standard"
        }
        let byteOrder = (layout.swapped ? !hostIsLittleEndian : hostIsLittleEndian) ? "little-endian" : "big-endian"
        let resolution: TimestampResolution = layout.nanosecond ? .nanoseconds : .microseconds
        if offset > 0 { anomalies.count(.concatenatedHeader, at: offset) }
        let sectionIndex = info.sections.count
        info.sections.append(CaptureSection(offset: offset, byteOrder: byteOrder, version: "\(major).\(minor)",
                                            supported: true))
        if sectionIndex == 0 {
            info.variant = variantName
            info.byteOrder = byteOrder
            info.version = "\(major).\(minor)"
            info.resolution = layout.nanosecond ? "ns" : "µs"
        }
        var fcsLength: Int?
        // FCS bits: "P" says the length field (in 16-bit words) is valid.
        if linkWord & 0x0400_0000 != 0 { fcsLength = Int(linkWord >> 28) * 2 }
        layout.ordinal = registerInterface(section: sectionIndex, localId: 0, linkType: linkType, linkTypeFlags: flags,
                                           snaplen: layout.snaplen, resolution: resolution) { interface in
            interface.fcsLength = fcsLength
        }
        pcapLayout = layout
        position = offset + Int64(PcapLayout.fileHeaderLength)
    }

    /// Picks the record-header length that reads the first records most plausibly, the way
    /// Wireshark tells the old "modified" layouts from the standard one. The end of the file is
    /// no evidence either way (a cut capture is common), and the standard layout wins ties.
    private func choosePcapRecordLayout(_ base: PcapLayout, start: Int64) throws(CaptureError) -> Int {
        let candidates = base.modified ? [24, 28] : [16, 24, 20]
        var best = candidates[0]
        var bestScore = Int.max
        for length in candidates {
            var trial = base
            trial.recordHeaderLength = length
            var score = 0
            var offset = start
            for _ in 0..<3 {
                guard try fill(offset, length) else { break }
                let pointer = source.pointer(at: offset)
                // A second file header (concatenated captures) ends the evidence too.
                if PcapLayout.magicKind(pointer.loadUnaligned(as: UInt32.self).littleEndian) != nil { break }
                let fields = trial.recordFields(pointer)
                let implausible = trial.implausibility(fields, limit: Self.maximumRecord)
                score += implausible
                // Never read ahead on a length that is not believed.
                if implausible > 0 { break }
                offset += Int64(length) + Int64(fields.captured)
            }
            if score < bestScore { bestScore = score; best = length }
            if score == 0 { break }
        }
        return best
    }

    private func nextPcapRecord() throws(CaptureError) -> PendingRecord? {
        let layout = pcapLayout
        let headerLength = layout.recordHeaderLength
        while true {
            let start = position
            if start >= pieceEnd {
                exhausted = true
                return nil
            }
            guard try fill(start, headerLength) else {
                finishAtEnd(from: start)
                return nil
            }
            let pointer = source.pointer(at: start)
            let fields = layout.recordFields(pointer)
            if fields.seconds == 0 && fields.fraction == 0 && fields.captured == 0 && fields.original == 0 {
                if try restIsZero(from: start) {
                    anomalies.count(.zeroPadding, at: start)
                    exhausted = true
                    return nil
                }
            }
            // Another file header where a record should be: `cat a.pcap b.pcap`.
            let word = pointer.loadUnaligned(as: UInt32.self).littleEndian
            if PcapLayout.magicKind(word) != nil, try fill(start, PcapLayout.fileHeaderLength) {
                let kind = PcapLayout.magicKind(word)!
                var probe = PcapLayout()
                probe.swapped = kind.swapped
                if probe.load16(pointer, 4) == 2 {
                    try readPcapHeader(at: start)
                    return try nextPcapRecord()
                }
            }
            if fields.captured > layout.plainCapturedLimit || fields.original > Self.maximumRecord {
                anomalies.count(.implausibleLength, at: start)
                if try resynchronisePcap(after: start, layout: layout) { continue }
                anomalies.count(.unreadableTail, at: start)
                exhausted = true
                return nil
            }
            let dataOffset = start + Int64(headerLength)
            guard try fill(dataOffset, Int(fields.captured)) else {
                anomalies.count(.truncatedRecord, at: start)
                exhausted = true
                return nil
            }
            if layout.snaplen > 0 && fields.captured > layout.snaplen {
                anomalies.count(.capturedExceedsSnaplen, at: start)
            }
            if fields.captured > fields.original { anomalies.count(.capturedExceedsOriginal, at: start) }
            if fields.fraction >= layout.fractionLimit { anomalies.count(.timestampFractionOutOfRange, at: start) }
            let timestamp = layout.time(of: fields)
            position = dataOffset + Int64(fields.captured)
            lastTimestamp = timestamp
            return PendingRecord(timestamp: timestamp, dataOffset: dataOffset, recordOffset: start,
                                 capturedLength: fields.captured, originalLength: fields.original,
                                 ordinal: layout.ordinal, flags: 0, hasTimestamp: true)
        }
    }

    /// Records of a mapped file starting before this offset were read by the scout, which found
    /// them whole and plain (`OrderScout`, `PcapLayout.isPlain`).
    @inline(__always)
    private var provenUntil: Int64 { scout?.provenUntil ?? 0 }

    /// The record at `start` with header `fields`, proven plain and whole (by the scout or by the
    /// same test made here): what was checked (a whole record inside the file, no file header,
    /// lengths and fraction believable, captured not above original) is not checked again, and
    /// none of those anomalies can arise.
    @inline(__always)
    private func provenPcapRecord(at start: Int64, _ fields: PcapLayout.RecordFields, layout: PcapLayout) -> PendingRecord {
        if layout.snaplen > 0 && fields.captured > layout.snaplen {
            anomalies.count(.capturedExceedsSnaplen, at: start)
        }
        let dataOffset = start + Int64(layout.recordHeaderLength)
        let timestamp = layout.time(of: fields)
        position = dataOffset + Int64(fields.captured)
        lastTimestamp = timestamp
        return PendingRecord(timestamp: timestamp, dataOffset: dataOffset, recordOffset: start,
                             capturedLength: fields.captured, originalLength: fields.original,
                             ordinal: layout.ordinal, flags: 0, hasTimestamp: true)
    }

    /// The captured length of a plausible pcap record header at `offset` whose time is within a
    /// day of `seconds` (random bytes rarely are), or nil.
    private func plausiblePcapRecord(at offset: Int64, layout: PcapLayout, nearSeconds seconds: Int64) throws(CaptureError) -> UInt32? {
        guard try fill(offset, layout.recordHeaderLength) else { return nil }
        let fields = layout.recordFields(source.pointer(at: offset))
        guard layout.isPlain(fields) else { return nil }
        guard abs(Int64(fields.seconds) - seconds) < 86_400 else { return nil }
        return fields.captured
    }

    /// Looks for the next offset where two records in a row are plausible; counts the bytes skipped.
    private func resynchronisePcap(after start: Int64, layout: PcapLayout) throws(CaptureError) -> Bool {
        let headerLength = Int64(layout.recordHeaderLength)
        var candidate = start + 1
        let scanLimit = start + Int64(Self.maximumRecord)
        let lastSeconds = lastTimestamp / 1_000_000_000
        func plausible(_ offset: Int64) throws(CaptureError) -> UInt32? {
            try plausiblePcapRecord(at: offset, layout: layout, nearSeconds: lastSeconds)
        }
        while candidate < scanLimit {
            guard try fill(candidate, Int(headerLength)) else { break }
            if let captured = try plausible(candidate) {
                let following = candidate + headerLength + Int64(captured)
                let endsExactly = try !fill(following, 1) && following == source.endOffset
                let nextIsPlausible = try plausible(following) != nil
                if endsExactly || nextIsPlausible {
                    anomalies.count(.resynchronised, at: start)
                    position = candidate
                    return true
                }
            }
            candidate += 1
        }
        return false
    }

    // MARK: Pieces of one file

    /// Records starting at or past this offset belong to the reader of the next piece.
    @exclusivity(unchecked) private var pieceEnd: Int64 = .max
    /// What a reader starting mid-file would not know: another pcap file header part way
    /// (`cat a.pcap b.pcap`), or a pcapng section header or interface description after the
    /// first packet block.
    private(set) var layoutChanges = 0
    /// A pcapng packet block was read.
    @exclusivity(unchecked) private var packetBlockRead = false
    /// The time of the last packet block with one is this reader's own (false from the start of
    /// a piece after the first until its first timestamped block).
    @exclusivity(unchecked) private var timeKnown = true

    /// True for a mapped file read in file order: a piece's reader starts mid-file knowing only
    /// the pcap file header, or the pcapng blocks before the first packet.
    var canReadInPieces: Bool { source.isMapped && scout == nil && reorder.window == 0 }

    /// The first offset at or after `offset` (and within 1 MiB of it) where `chain` records in a
    /// row are plausible, each within a day of the first, the first within `pieceTimeSpan` of the
    /// file's first record, and the last ends inside the file; nil when there is none. Only a
    /// guess at a record boundary, made without reading what comes before: the reader of the
    /// piece before proves it by ending exactly there.
    func pieceBoundary(near offset: Int64, chain: Int = 8) -> Int64? {
        if isPcapng { return pcapngPieceBoundary(near: offset, chain: chain) }
        let layout = pcapLayout
        let headerLength = Int64(layout.recordHeaderLength)
        let end = source.endOffset
        let firstRecord = Int64(PcapLayout.fileHeaderLength)
        let firstRecordRead = (try? fill(firstRecord, Int(headerLength))) == true
        let fileSeconds = firstRecordRead ? Int64(layout.recordFields(source.pointer(at: firstRecord)).seconds) : nil
        var candidate = max(offset, firstRecord)
        let scanLimit = min(end, candidate + (1 << 20))
        while candidate < scanLimit {
            if let proven = try? chainIsPlausible(from: candidate, chain: chain, layout: layout, headerLength: headerLength, end: end,
                                                  fileSeconds: fileSeconds),
               proven {
                return candidate
            }
            candidate += 1
        }
        return nil
    }

    /// How far from the file's first record a piece boundary's first record may lie in time.
    /// Where records are all of one length, the bytes a few places past a header (the end of one
    /// frame and the start of the next header) can read as a chain of headers of their own, each
    /// some whole number of records long: ten million of the benchmark's 64-byte frames had one,
    /// 79 bytes off, whose times were 9 years before the file's. A piece guessed there is found
    /// out and read by the piece before, and one thread does the work of two.
    static let pieceTimeSpan: Int64 = 366 * 86_400

    private func chainIsPlausible(from start: Int64, chain: Int, layout: PcapLayout, headerLength: Int64, end: Int64,
                                  fileSeconds: Int64?) throws(CaptureError) -> Bool {
        guard try fill(start, Int(headerLength)) else { return false }
        let seconds = Int64(layout.recordFields(source.pointer(at: start)).seconds)
        if let fileSeconds, abs(seconds - fileSeconds) >= Self.pieceTimeSpan { return false }
        var offset = start
        for _ in 0..<chain {
            guard let captured = try plausiblePcapRecord(at: offset, layout: layout, nearSeconds: seconds) else { return false }
            offset += headerLength + Int64(captured)
            guard offset <= end else { return false }
            if offset == end { return true }
        }
        return true
    }

    /// `pieceBoundary` for pcapng: blocks start 4-byte aligned, and a block is plausible when
    /// its type is known, its length sound and repeated at its end (in the byte order of the
    /// file's first section).
    private func pcapngPieceBoundary(near offset: Int64, chain: Int) -> Int64? {
        let end = source.endOffset
        var candidate = (offset + 3) & ~3
        let scanLimit = min(end, candidate + (1 << 20))
        let order = firstSectionOrder()
        func blockLength(at start: Int64) -> Int64? {
            guard start + 12 <= end else { return nil }
            let type = order.load32(source.pointer(at: start), 0)
            guard type != PcapngBlock.sectionHeader, PcapngBlock.known.contains(type),
                  let length = try? framedBlockLength(at: start, order: order) else { return nil }
            return Int64(length)
        }
        while candidate < scanLimit {
            var block = candidate
            var plausible = 0
            while plausible < chain, let length = blockLength(at: block) {
                plausible += 1
                block += length
                if block == end { plausible = chain }
            }
            if plausible == chain { return candidate }
            candidate += 4
        }
        return nil
    }

    /// The byte order of the section header at the start of the file.
    private func firstSectionOrder() -> PcapngSection {
        var order = PcapngSection()
        if source.endOffset >= 12 {
            order.swapped = source.pointer(at: 8).loadUnaligned(as: UInt32.self) == PcapngBlock.byteOrderMagic.byteSwapped
        }
        return order
    }

    /// Reads only the records that start in `range`: from its lower bound (a record boundary
    /// found by `pieceBoundary`, or where the reader stands) up to the next piece's start. A
    /// pcapng reader first reads the blocks before the first packet (the section header and
    /// interface descriptions its records need).
    func readPiece(_ range: Range<Int64>) throws(CaptureError) {
        if isPcapng && range.lowerBound > position {
            // The first packet itself is the piece before's.
            _ = try nextPcapngRecord()
            // Past the piece's start already: a record of it was taken, the piece is not read.
            if position > range.lowerBound { startMissed = true }
        }
        if range.lowerBound > position {
            position = range.lowerBound
            releaseChecked = position
            timeKnown = false
        }
        pieceEnd = range.upperBound
        anomaliesBeforePiece = anomalies.total
        layoutChangesBeforePiece = layoutChanges
    }

    private var layoutChangesBeforePiece = 0
    /// The piece's reader took a record of the piece before, or needed its time.
    private var startMissed = false

    /// True when the piece held no section or interface change the next piece's reader would
    /// not know of.
    var pieceKeptItsLayout: Bool { layoutChanges == layoutChangesBeforePiece }

    /// Anomalies counted before the piece began (those of the file header).
    private var anomaliesBeforePiece = 0

    /// True when the reader stopped exactly where the next piece starts: that start was a real
    /// record boundary, and it read every record of its piece.
    var endedAtPieceEnd: Bool { exhausted && position == pieceEnd }

    /// Lets the reader go on past its piece to the end of the file (when the next piece's start
    /// proved wrong and the records there have to be read from here).
    func readPastPieceEnd() {
        pieceEnd = .max
        exhausted = false
    }

    /// True when the piece held nothing unusual: no anomaly and no second file header. Only
    /// then are its records read just as one reader of the whole file would read them.
    var readPieceCleanly: Bool { !startMissed && anomalies.total == anomaliesBeforePiece && pieceKeptItsLayout }

    /// At the end of the data: a partial header is a truncated record, unless it is all zeros.
    private func finishAtEnd(from start: Int64) {
        exhausted = true
        let end = source.endOffset
        guard start < end else { return }
        let tail = UnsafeRawBufferPointer(start: source.pointer(at: start), count: Int(end - start))
        anomalies.count(tail.allSatisfy { $0 == 0 } ? .zeroPadding : .truncatedRecord, at: start)
    }

    private func restIsZero(from start: Int64) throws(CaptureError) -> Bool {
        var offset = start
        while true {
            let chunk = 1 << 16
            let complete = try fill(offset, chunk)
            let end = complete ? offset + Int64(chunk) : source.endOffset
            if end <= offset { return true }
            let bytes = UnsafeRawBufferPointer(start: source.pointer(at: offset), count: Int(end - offset))
            if !bytes.allSatisfy({ $0 == 0 }) { return false }
            if !complete { return true }
            offset = end
        }
    }

    // MARK: pcapng

    private func nextPcapngRecord() throws(CaptureError) -> PendingRecord? {
        while true {
            let start = position
            if start >= pieceEnd {
                exhausted = true
                return nil
            }
            // A mapped file's plain packet block (`plainPcapngRecord`), read as below without the
            // general steps: what a capture of several interfaces, waiting in the reorder window,
            // is mostly made of (the hairpin scenario written as dumpcap writes it: 248 -> 203
            // instructions a record).
            if let mappedBase, let plain = plainPcapngRecord(at: start, base: mappedBase, limit: mappedEnd) {
                position = plain.end
                packetBlockRead = true
                timeKnown = true
                lastTimestamp = plain.time
                return PendingRecord(timestamp: plain.time, dataOffset: start + 28, recordOffset: start, capturedLength: plain.captured,
                                     originalLength: plain.original, ordinal: plain.ordinal, flags: plain.flags, hasTimestamp: true)
            }
            guard try fill(start, 12) else {
                finishAtEnd(from: start)
                return nil
            }
            var pointer = source.pointer(at: start)
            let rawType = pointer.loadUnaligned(as: UInt32.self)
            if rawType.littleEndian == PcapngBlock.sectionHeader {
                let magic = pointer.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
                if magic == PcapngBlock.byteOrderMagic {
                    section.swapped = false
                } else if magic == PcapngBlock.byteOrderMagic.byteSwapped {
                    section.swapped = true
                } else {
                    anomalies.count(.blockFraming, at: start)
                    if try resynchronisePcapng(after: start) { continue }
                    return nil
                }
            } else if section.index < 0 {
                anomalies.count(.blockOutsideSection, at: start)
                if try resynchronisePcapng(after: start) { continue }
                return nil
            }
            let type = section.load32(pointer, 0)
            let length = Int(section.load32(pointer, 4))
            if length < 12 || length % 4 != 0 || length > Self.maximumRecord {
                anomalies.count(length > Self.maximumRecord ? .implausibleLength : .blockFraming, at: start)
                if try resynchronisePcapng(after: start) { continue }
                return nil
            }
            guard try fill(start, length) else {
                finishAtEnd(from: start)
                return nil
            }
            pointer = source.pointer(at: start)
            if Int(section.load32(pointer, length - 4)) != length {
                anomalies.count(.blockFraming, at: start)
                if try resynchronisePcapng(after: start) { continue }
                return nil
            }
            position = start + Int64(length)
            let body = BlockBody(pointer: pointer + 8, length: length - 12, offset: start)
            if type == PcapngBlock.sectionHeader {
                if packetBlockRead { layoutChanges += 1 }
                section = try readSectionHeader(body, swapped: section.swapped)
                continue
            }
            if !section.supported { continue }
            switch type {
            case PcapngBlock.interfaceDescription:
                if packetBlockRead { layoutChanges += 1 }
                readInterfaceDescription(body)
            case PcapngBlock.enhancedPacket:
                if let record = readPacketBlock(body, obsolete: false) {
                    packetBlockRead = true
                    timeKnown = true
                    return record
                }
            case PcapngBlock.simplePacket:
                if let record = readSimplePacket(body) {
                    packetBlockRead = true
                    // It takes the time of the packet before, which may be the piece before's.
                    if !timeKnown { startMissed = true }
                    return record
                }
            case PcapngBlock.obsoletePacket:
                if let record = readPacketBlock(body, obsolete: true) {
                    packetBlockRead = true
                    timeKnown = true
                    return record
                }
            case PcapngBlock.interfaceStatistics:
                readInterfaceStatistics(body)
            case PcapngBlock.nameResolution:
                info.nameResolutionBlocks += 1
            case PcapngBlock.decryptionSecrets:
                info.decryptionSecretsBlocks += 1
            case PcapngBlock.customCopyable, PcapngBlock.customNotCopyable:
                info.customBlocks += 1
            default:
                anomalies.count(.unknownBlockType, at: start)
            }
        }
    }

    private func readSectionHeader(_ body: BlockBody, swapped: Bool) throws(CaptureError) -> PcapngSection {
        var section = PcapngSection()
        section.swapped = swapped
        section.index = info.sections.count
        let byteOrder = (swapped ? !hostIsLittleEndian : hostIsLittleEndian) ? "little-endian" : "big-endian"
        guard body.length >= 16 else {
            anomalies.count(.blockFraming, at: body.offset)
            section.supported = false
            info.sections.append(CaptureSection(offset: body.offset, byteOrder: byteOrder, version: "?", supported: false))
            return section
        }
        let major = Int(section.load16(body.pointer, 4))
        let minor = Int(section.load16(body.pointer, 6))
        // 1.0 is the published version; 1.2 was written by some tools and reads the same.
        section.supported = major == 1 && (minor == 0 || minor == 2)
        var described = CaptureSection(offset: body.offset, byteOrder: byteOrder, version: "\(major).\(minor)",
                                       supported: section.supported)
        if !section.supported {
            if info.sections.isEmpty {
                throw CaptureError(.unsupportedVersion(major: major, minor: minor), file: info.path, offset: body.offset)
            }
            anomalies.count(.unsupportedSection, at: body.offset)
        } else {
            forEachOption(body, from: 16, swapped: swapped) { code, value in
                switch code {
                case 2: described.hardware = value.text
                case 3: described.operatingSystem = value.text
                case 4: described.application = value.text
                default: break
                }
            }
        }
        info.sections.append(described)
        return section
    }

    private func readInterfaceDescription(_ body: BlockBody) {
        guard body.length >= 8 else {
            anomalies.count(.blockFraming, at: body.offset)
            return
        }
        let linkType = LinkType(rawValue: section.load16(body.pointer, 0))
        let snaplen = section.load32(body.pointer, 4)
        var resolution = TimestampResolution.microseconds
        var configured = CaptureInterface(id: 0, fileIndex: 0, file: "", section: 0, localId: 0,
                                          linkType: linkType, snaplen: snaplen, resolution: resolution)
        let swapped = section.swapped
        forEachOption(body, from: 8, swapped: swapped) { code, value in
            switch code {
            case 2: configured.name = value.text
            case 3: configured.description = value.text
            case 8: configured.speedBitsPerSecond = value.uint64(swapped: swapped)
            case 9: if value.count >= 1 { resolution = TimestampResolution(optionByte: value.pointer.load(as: UInt8.self)) }
            case 11: if value.count >= 1 { configured.filter = String(decoding: UnsafeRawBufferPointer(start: value.pointer + 1, count: value.count - 1), as: UTF8.self) }
            case 12: configured.operatingSystem = value.text
            case 13: if value.count >= 1 { configured.fcsLength = Int(value.pointer.load(as: UInt8.self)) }
            case 14: configured.timestampOffsetSeconds = value.uint64(swapped: swapped).map { Int64(bitPattern: $0) } ?? 0
            case 15: configured.hardware = value.text
            case 16: configured.transmitSpeedBitsPerSecond = value.uint64(swapped: swapped)
            case 17: configured.receiveSpeedBitsPerSecond = value.uint64(swapped: swapped)
            default: break
            }
        }
        let localId = section.interfaceOrdinals.count
        let ordinal = registerInterface(section: section.index, localId: localId, linkType: linkType,
                                        snaplen: snaplen, resolution: resolution) { interface in
            interface.name = configured.name
            interface.description = configured.description
            interface.speedBitsPerSecond = configured.speedBitsPerSecond
            interface.transmitSpeedBitsPerSecond = configured.transmitSpeedBitsPerSecond
            interface.receiveSpeedBitsPerSecond = configured.receiveSpeedBitsPerSecond
            interface.filter = configured.filter
            interface.operatingSystem = configured.operatingSystem
            interface.fcsLength = configured.fcsLength
            interface.timestampOffsetSeconds = configured.timestampOffsetSeconds
            interface.hardware = configured.hardware
        }
        section.interfaceOrdinals.append(ordinal)
        section.snaplens.append(snaplen)
    }

    /// Nanoseconds for a count of the interface's time units plus its offset; nil (and counted)
    /// when that does not fit in Int64 or lies outside `Slot.representableTimes`, so the record
    /// borrows the previous record's time.
    @inline(__always)
    private func timestamp(units: UInt64, ordinal: Int32, at offset: Int64) -> Int64? {
        if let time = slots[Int(ordinal)].time(fromUnits: units) { return time }
        anomalies.count(.timestampOverflow, at: offset)
        return nil
    }

    private func ordinal(forLocal id: Int, at offset: Int64) -> Int32? {
        guard id >= 0, id < section.interfaceOrdinals.count else {
            anomalies.count(.unknownInterface, at: offset)
            return nil
        }
        return section.interfaceOrdinals[id]
    }

    /// Enhanced Packet Block (32-bit interface id) or the obsolete Packet Block (16-bit interface
    /// id and a drop count): 64-bit time, lengths, data, then options (epb_flags / pack_flags).
    private func readPacketBlock(_ body: BlockBody, obsolete: Bool) -> PendingRecord? {
        guard body.length >= 20 else {
            anomalies.count(.blockFraming, at: body.offset)
            return nil
        }
        let p = body.pointer
        let localId = obsolete ? Int(section.load16(p, 0)) : Int(section.load32(p, 0))
        guard let ordinal = ordinal(forLocal: localId, at: body.offset) else { return nil }
        let units = UInt64(section.load32(p, 4)) << 32 | UInt64(section.load32(p, 8))
        var captured = section.load32(p, 12)
        let original = section.load32(p, 16)
        let room = UInt32(body.length - 20)
        if captured > room {
            anomalies.count(.blockFraming, at: body.offset)
            captured = room
        }
        if captured > original { anomalies.count(.capturedExceedsOriginal, at: body.offset) }
        var flags: UInt32 = 0
        let optionsStart = 20 + (Int(captured) + 3) & ~3
        if optionsStart + 4 <= body.length {
            forEachOption(body, from: optionsStart, swapped: section.swapped) { code, value in
                if code == 2, value.count >= 4 { flags = value.uint32(swapped: section.swapped) }
            }
        }
        let time = timestamp(units: units, ordinal: ordinal, at: body.offset)
        if let time { lastTimestamp = time }
        return PendingRecord(timestamp: time ?? lastTimestamp, dataOffset: body.offset + 28, recordOffset: body.offset,
                             capturedLength: captured, originalLength: original, ordinal: ordinal,
                             flags: flags, hasTimestamp: time != nil)
    }

    /// Simple Packet Block: interface 0, no time, captured length from snaplen and block size.
    private func readSimplePacket(_ body: BlockBody) -> PendingRecord? {
        guard body.length >= 4 else {
            anomalies.count(.blockFraming, at: body.offset)
            return nil
        }
        guard let ordinal = ordinal(forLocal: 0, at: body.offset) else { return nil }
        if section.interfaceOrdinals.count > 1 { anomalies.count(.simplePacketAmbiguous, at: body.offset) }
        let original = section.load32(body.pointer, 0)
        var captured = min(original, UInt32(body.length - 4))
        let snaplen = section.snaplens[0]
        if snaplen > 0 { captured = min(captured, snaplen) }
        return PendingRecord(timestamp: lastTimestamp, dataOffset: body.offset + 12, recordOffset: body.offset,
                             capturedLength: captured, originalLength: original, ordinal: ordinal,
                             flags: 0, hasTimestamp: false)
    }

    private func readInterfaceStatistics(_ body: BlockBody) {
        info.statisticsBlocks += 1
        guard body.length >= 12 else {
            anomalies.count(.blockFraming, at: body.offset)
            return
        }
        let p = body.pointer
        guard let ordinal = ordinal(forLocal: Int(section.load32(p, 0)), at: body.offset) else { return }
        let units = UInt64(section.load32(p, 4)) << 32 | UInt64(section.load32(p, 8))
        var statistics = InterfaceStatistics()
        statistics.timestamp = timestamp(units: units, ordinal: ordinal, at: body.offset)
        let swapped = section.swapped
        forEachOption(body, from: 12, swapped: swapped) { code, value in
            switch code {
            case 4: statistics.received = value.uint64(swapped: swapped)
            case 5: statistics.dropped = value.uint64(swapped: swapped)
            case 6: statistics.filterAccepted = value.uint64(swapped: swapped)
            case 7: statistics.osDropped = value.uint64(swapped: swapped)
            case 8: statistics.delivered = value.uint64(swapped: swapped)
            default: break
            }
        }
        interfaces.update(slots[Int(ordinal)].globalId) { $0.statistics = statistics }
    }

    /// Walks `code | length | value | padding` options from `start` to the end of the body; an
    /// option running past the end is counted and ends the walk.
    private func forEachOption(_ body: BlockBody, from start: Int, swapped: Bool,
                               _ visit: (UInt16, OptionValue) -> Void) {
        var offset = start
        while offset + 4 <= body.length {
            var code = body.pointer.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
            var length = body.pointer.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self)
            if swapped { code = code.byteSwapped; length = length.byteSwapped }
            if code == 0 { return }
            let valueStart = offset + 4
            if valueStart + Int(length) > body.length {
                anomalies.count(.optionOverrun, at: body.offset + 8 + Int64(offset))
                return
            }
            visit(code, OptionValue(pointer: body.pointer + valueStart, count: Int(length)))
            offset = valueStart + (Int(length) + 3) & ~3
        }
    }

    /// The length of the block at `start` when, read in `order`, it is sound (at least 12, a
    /// multiple of 4, believable) and repeated at the block's end, inside the input; else nil.
    private func framedBlockLength(at start: Int64, order: PcapngSection) throws(CaptureError) -> Int? {
        guard try fill(start, 12) else { return nil }
        let length = Int(order.load32(source.pointer(at: start), 4))
        guard length >= 12, length % 4 == 0, length <= Self.maximumRecord, try fill(start, length) else { return nil }
        return Int(order.load32(source.pointer(at: start + Int64(length) - 4), 0)) == length ? length : nil
    }

    /// Skips forward to the next block that looks like a pcapng block with a matching trailer.
    private func resynchronisePcapng(after start: Int64) throws(CaptureError) -> Bool {
        var candidate = start + 4
        let scanLimit = start + Int64(Self.maximumRecord)
        while candidate < scanLimit {
            guard try fill(candidate, 12) else { break }
            let pointer = source.pointer(at: candidate)
            let isSection = pointer.loadUnaligned(as: UInt32.self).littleEndian == PcapngBlock.sectionHeader
            // A section header says its own byte order; other blocks are in the current section's.
            var order = section
            if isSection { order.swapped = pointer.loadUnaligned(fromByteOffset: 8, as: UInt32.self) == PcapngBlock.byteOrderMagic.byteSwapped }
            if isSection || PcapngBlock.known.contains(order.load32(pointer, 0)), try framedBlockLength(at: candidate, order: order) != nil {
                anomalies.count(.resynchronised, at: start)
                position = candidate
                return true
            }
            candidate += 4
        }
        anomalies.count(.unreadableTail, at: start)
        exhausted = true
        return false
    }
}

let hostIsLittleEndian = 1.littleEndian == 1

/// Header fields written in the byte order of the machine that wrote the file (or section).
protocol ByteOrdered {
    /// True when that order is not this machine's.
    var swapped: Bool { get }
}

extension ByteOrdered {
    @inline(__always) func load16(_ p: UnsafeRawPointer, _ offset: Int) -> UInt16 {
        let value = p.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
        return swapped ? value.byteSwapped : value
    }

    @inline(__always) func load32(_ p: UnsafeRawPointer, _ offset: Int) -> UInt32 {
        let value = p.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return swapped ? value.byteSwapped : value
    }
}

/// A byte order on its own, for reads that fix it where the loads are written.
struct ByteOrder: ByteOrdered {
    let swapped: Bool
}

/// The layout of a pcap file's records, from its header.
struct PcapLayout: ByteOrdered {
    static let fileHeaderLength = 24
    var swapped = false
    var nanosecond = false {
        didSet {
            fractionLimit = nanosecond ? 1_000_000_000 : 1_000_000
            fractionUnit = nanosecond ? 1 : 1000
        }
    }
    var modified = false
    var lengthsSwapped = false
    var recordHeaderLength = 16
    var snaplen: UInt32 = 0 {
        didSet { plainCapturedLimit = UInt32(min(max(Int(snaplen), 262_144), FileReader.maximumRecord)) }
    }
    var ordinal: Int32 = 0
    // Worked out once from the header: the record loops test every record with them (the 64-byte
    // benchmark capture, two threads: 553 -> 548 instructions a frame on the reading thread).
    /// A time fraction must be below this: a second in the file's unit.
    private(set) var fractionLimit: UInt32 = 1_000_000
    /// Nanoseconds in the unit of a time fraction.
    private(set) var fractionUnit: Int64 = 1000
    /// The captured length `isPlain` takes at most (see there).
    private(set) var plainCapturedLimit: UInt32 = 262_144

    struct MagicKind {
        var swapped: Bool
        var nanosecond: Bool
        var modified: Bool
    }

    /// `magic` is the first word loaded little-endian.
    @inline(__always)
    static func magicKind(_ magic: UInt32) -> MagicKind? {
        let native = hostIsLittleEndian ? magic : magic.byteSwapped
        // Every magic starts A1 B2 or ends B2 A1: one test turns away the seconds of a record
        // header, which every record is checked for (`cat a.pcap b.pcap`).
        guard native >> 16 == 0xA1B2 || native & 0xFFFF == 0xB2A1 else { return nil }
        switch native {
        case 0xA1B2_C3D4: return MagicKind(swapped: false, nanosecond: false, modified: false)
        case 0xD4C3_B2A1: return MagicKind(swapped: true, nanosecond: false, modified: false)
        case 0xA1B2_3C4D: return MagicKind(swapped: false, nanosecond: true, modified: false)
        case 0x4D3C_B2A1: return MagicKind(swapped: true, nanosecond: true, modified: false)
        case 0xA1B2_CD34: return MagicKind(swapped: false, nanosecond: false, modified: true)
        case 0x34CD_B2A1: return MagicKind(swapped: true, nanosecond: false, modified: true)
        default: return nil
        }
    }

    struct RecordFields {
        var seconds: UInt32
        var fraction: UInt32
        var captured: UInt32
        var original: UInt32
    }

    /// A record's time in nanoseconds since the epoch, from its header's seconds and fraction.
    /// Without overflow checks: 32-bit seconds and fractions of a microsecond or nanosecond come
    /// to at most 4.3e18 nanoseconds, below `Int64.max`.
    @inline(__always) func time(of fields: RecordFields) -> Int64 {
        Int64(fields.seconds) &* 1_000_000_000 &+ Int64(fields.fraction) &* fractionUnit
    }

    /// The four words loaded as they are and swapped together, in the rare file that needs it:
    /// one test a record instead of a swap and a choice per word.
    @inline(__always) func recordFields(_ p: UnsafeRawPointer) -> RecordFields {
        var fields = RecordFields(seconds: p.loadUnaligned(fromByteOffset: 0, as: UInt32.self),
                                  fraction: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self),
                                  captured: p.loadUnaligned(fromByteOffset: 8, as: UInt32.self),
                                  original: p.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
        if swapped {
            fields = RecordFields(seconds: fields.seconds.byteSwapped, fraction: fields.fraction.byteSwapped,
                                  captured: fields.captured.byteSwapped, original: fields.original.byteSwapped)
        }
        if lengthsSwapped { swap(&fields.captured, &fields.original) }
        return fields
    }

    /// A record there is nothing to say about: its lengths are believed (the captured one within
    /// the snaplen, or 256 KiB when that is smaller, and `FileReader.maximumRecord`, and at most the
    /// original, which is not 0) and its time fraction is in range. Mapped records like this are
    /// taken without the reader's checks one by one (proven ahead by the scout, or tested so).
    @inline(__always)
    func isPlain(_ fields: RecordFields) -> Bool {
        fields.captured <= plainCapturedLimit && fields.original <= UInt32(FileReader.maximumRecord) && fields.captured <= fields.original
            && fields.fraction < fractionLimit && fields.original > 0
    }

    /// Wireshark's record score: each implausible field counts one.
    func implausibility(_ fields: RecordFields, limit: Int) -> Int {
        var score = 0
        if fields.fraction >= fractionLimit { score += 1 }
        if fields.captured > UInt32(max(Int(snaplen), 262_144)) { score += 1 }
        if fields.original > UInt32(limit) { score += 1 }
        if fields.captured > fields.original { score += 1 }
        return score
    }
}

/// Block type codes (as read in the section's byte order).
enum PcapngBlock {
    static let sectionHeader: UInt32 = 0x0A0D_0D0A
    static let interfaceDescription: UInt32 = 1
    static let obsoletePacket: UInt32 = 2
    static let simplePacket: UInt32 = 3
    static let nameResolution: UInt32 = 4
    static let interfaceStatistics: UInt32 = 5
    static let enhancedPacket: UInt32 = 6
    static let decryptionSecrets: UInt32 = 0x0A
    static let customCopyable: UInt32 = 0x0000_0BAD
    static let customNotCopyable: UInt32 = 0x4000_0BAD
    static let byteOrderMagic: UInt32 = 0x1A2B_3C4D
    static let known: Set<UInt32> = [1, 2, 3, 4, 5, 6, 0x0A, 0x0BAD, 0x4000_0BAD]
}

/// State of the pcapng section being read.
struct PcapngSection: ByteOrdered {
    var index = -1
    var swapped = false
    var supported = true
    /// Section-local interface id -> ordinal in the file.
    var interfaceOrdinals: [Int32] = []
    var snaplens: [UInt32] = []

}

/// A block's body: the bytes between the length word and the trailing length.
struct BlockBody {
    var pointer: UnsafeRawPointer
    var length: Int
    /// File offset of the block (its type word).
    var offset: Int64
}

struct OptionValue {
    var pointer: UnsafeRawPointer
    var count: Int

    /// UTF-8 text without trailing NUL padding that some writers include.
    var text: String {
        var length = count
        while length > 0 && pointer.load(fromByteOffset: length - 1, as: UInt8.self) == 0 { length -= 1 }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    func uint64(swapped: Bool) -> UInt64? {
        guard count >= 8 else { return nil }
        let value = pointer.loadUnaligned(as: UInt64.self)
        return swapped ? value.byteSwapped : value
    }

    func uint32(swapped: Bool) -> UInt32 {
        let value = pointer.loadUnaligned(as: UInt32.self)
        return swapped ? value.byteSwapped : value
    }
}
