import HairpinWire

/// Reads one or more captures and hands on their records in timestamp order: each file through
/// its own reorder window, the files merged by their next record's time (earlier file first on
/// a tie, so the order is deterministic).
///
/// ```swift
/// var reader = try CaptureReader(paths: ["uplink-a.pcapng", "uplink-b.pcap.gz"])
/// while let record = try reader.next() { ... }   // record.bytes valid until the next call
/// ```
public final class CaptureReader {
    public struct Options: Sendable {
        /// How far back in time a record may step and still be put in order (nanoseconds).
        public var reorderWindow: Int64 = 500_000_000
        /// At most this many records wait per file; beyond it the oldest goes on early.
        public var reorderCapacity: Int = 262_144
        /// Records proven in time order by reading ahead over their headers leave at once
        /// (`OrderScout`); off, every record waits in the queue (tests compare the two).
        var readsAhead = true
        /// Bytes of a streamed input (standard input, gzip, zstd) that waiting records or the
        /// read-ahead may hold in memory: past it, the oldest record leaves early.
        var streamRetainBudget: Int64 = 32 << 20
        /// How a streamed input's bytes are held (tests use small rings and the sliding buffer).
        var streamBuffering = ByteSource.Buffering.standard
        /// Mapped inputs are read as if their records were already in time order: none waits
        /// and nothing is read ahead. Where the reorder window's scout would not have proven a
        /// record in order (a step back in time, or anything it stops at), the input ends there,
        /// and a merge with it, and `assumedOrderBroken` is set: what was read is not what the
        /// window would hand on, and the caller reads the captures again without this. Where it
        /// holds, the records, their order and the anomalies are those the window gives. With a
        /// stream among several inputs, which could not be read again, nothing is assumed.
        public var assumesTimeOrder = false

        /// The memory of all streamed inputs read at once: each stream's ring holds its share (a
        /// power of two, at most the standard ring, at least `smallestStreamShare`), and waiting
        /// records may keep half of it. Eight streams keep the standard ring; a merge of a
        /// hundred compressed files holds 4 MiB rings, 400 MiB in all rather than 6.4 GB. A
        /// smaller share sends waiting records on sooner (counted as forced by the window's
        /// capacity) when a stream has more than its share within the reorder window.
        static let streamsMemory = 512 << 20
        static let smallestStreamShare = 2 << 20

        /// These options with the streams' memory shared out among `streams` inputs.
        func sharingStreamMemory(among streams: Int) -> Options {
            guard streams > 1 else { return self }
            var share = Self.smallestStreamShare
            while share * 2 <= Self.streamsMemory / streams { share *= 2 }
            var shared = self
            if case .mirrored(let capacity) = streamBuffering, share < capacity { shared.streamBuffering = .mirrored(capacity: share) }
            shared.streamRetainBudget = min(streamRetainBudget, Int64(share / 2))
            return shared
        }

        public init(reorderWindow: Int64 = 500_000_000, reorderCapacity: Int = 262_144) {
            self.reorderWindow = reorderWindow
            self.reorderCapacity = reorderCapacity
        }
    }

    public let interfaces = InterfaceTable()
    @exclusivity(unchecked) private var files: [FileReader] = []
    /// The only input, when there is one. `files` owns it; this reference is not counted, so
    /// reading a record retains and releases nothing.
    private let singleFile: Unmanaged<FileReader>?
    @exclusivity(unchecked) private var heads: [PendingRecord?] = []
    @exclusivity(unchecked) private var started = false

    /// Opens every path (`-` is standard input); fails on the first that is not a capture.
    public init(paths: [String], options: Options = Options()) throws(CaptureError) {
        let streams = paths.count > 1 ? paths.count(where: ByteSource.isStreamed) : 0
        var options = paths.count > 1 ? options.sharingStreamMemory(among: streams) : options
        // Read again, a stream would not give its records a second time.
        if streams > 0 { options.assumesTimeOrder = false }
        if paths.count > 1 { allowOpenFiles(paths.count) }
        var opened: [FileReader] = []
        for (index, path) in paths.enumerated() {
            opened.append(try FileReader(path: path, fileIndex: index, interfaces: interfaces, options: options))
        }
        files = opened
        singleFile = opened.count == 1 ? Unmanaged.passUnretained(opened[0]) : nil
        if opened.count == 1 { opened[0].keepScoutLog() }
        heads = Array(repeating: nil, count: opened.count)
    }

    /// Whether reading that assumed time order (`Options.assumesTimeOrder`) met a record the
    /// reorder window would not have handed on as it came, and ended there.
    public var assumedOrderBroken: Bool { files.contains { $0.assumedOrderBroken } }

    /// The next record in time order, or nil when every input has ended.
    @inline(__always)
    public func next() throws(CaptureError) -> Record? {
        if let single = singleFile {
            return try single._withUnsafeGuaranteedRef { file in
                Result { () throws(CaptureError) -> Record? in
                    guard let pending = try file.next() else { return nil }
                    return file.record(pending)
                }
            }.get()
        }
        return try nextMerged()
    }

    /// Hands every remaining record to `body`, in time order, until it returns false: the loop
    /// of `next()` without its per-record wrapping (the single input is held once for the loop).
    @inline(__always)
    public func forEach(_ body: (Record) throws(CaptureError) -> Bool) throws(CaptureError) {
        if let single = singleFile {
            let file = single.takeUnretainedValue()
            while true {
                if try !file.forEachPlainRecord(body) { return }
                guard let pending = try file.next() else { return }
                if try !body(file.record(pending)) { return }
            }
        }
        while let record = try nextMerged() {
            if try !body(record) { return }
        }
    }

    /// The single input's tries of its loop of plain records and the records those handed on
    /// (`forEach`); zeros when merging.
    var plainLoop: (tries: Int, records: Int) {
        singleFile.map { $0._withUnsafeGuaranteedRef { ($0.plainTries, $0.plainRecords) } } ?? (0, 0)
    }

    /// Hands `body` the records `filter` passes (every one without a filter) with their frame
    /// numbers, counted over every record read so that numbers do not depend on the filter,
    /// until it returns false.
    @inline(__always)
    public func forEachFrame(passing filter: PacketFilter?, _ body: (Int, Record) throws(CaptureError) -> Bool) throws(CaptureError) {
        var frame = 0
        try forEach { record throws(CaptureError) in
            frame &+= 1
            if let filter, try !filter.matches(record) { return true }
            return try body(frame, record)
        }
    }

    private func nextMerged() throws(CaptureError) -> Record? {
        if !started {
            started = true
            inputs = files.map { Unmanaged.passUnretained($0) }
            for index in files.indices {
                heads[index] = try nextAskingAhead(of: index)
                if let head = heads[index] { waiting.push(index, time: head.timestamp) } else if endsMergeEarly(index) { return nil }
            }
        } else if replenish >= 0 {
            // Read the file whose record went out last only now: its bytes had to stay valid
            // until the caller asked for the next record. It is still first in `waiting`.
            if let head = try nextAskingAhead(of: replenish) {
                heads[replenish] = head
                waiting.replaceFirst(time: head.timestamp)
            } else {
                heads[replenish] = nil
                waiting.removeFirst()
                if endsMergeEarly(replenish) { return nil }
            }
            replenish = -1
        }
        guard let best = waiting.first, let pending = heads[best] else { return nil }
        replenish = best
        return inputs[best]._withUnsafeGuaranteedRef { $0.record(pending) }
    }

    /// Whether input `index`, just ended, ended where the time order it assumed did not hold
    /// (`Options.assumesTimeOrder`): the merge then ends too, everything after it being read again.
    private func endsMergeEarly(_ index: Int) -> Bool {
        guard inputs[index]._withUnsafeGuaranteedRef({ $0.assumedOrderBroken }) else { return false }
        for other in files.indices { heads[other] = nil }
        waiting = MergeOrder()
        replenish = -1
        return true
    }

    /// The next record of input `index` (`FileReader.nextAskingAhead`), reached through `inputs`.
    @inline(__always)
    private func nextAskingAhead(of index: Int) throws(CaptureError) -> PendingRecord? {
        try inputs[index]._withUnsafeGuaranteedRef { file in
            Result { () throws(CaptureError) -> PendingRecord? in try file.nextAskingAhead() }
        }.get()
    }

    /// The inputs, not retained (`files` owns them): a reference read from `files` for each record
    /// of a merge was retained and released again.
    @exclusivity(unchecked) private var inputs: [Unmanaged<FileReader>] = []

    /// The file whose record went out last, read again on the next call (-1: none).
    @exclusivity(unchecked) private var replenish = -1
    /// The files with a record waiting, earliest record first (the earlier file on a tie): a
    /// merge of hundreds of files compares a few heads per record, not every one.
    @exclusivity(unchecked) private var waiting = MergeOrder()

    /// Hands back the mapped pages of every input (`ByteSource.releaseAll`): what was read stays
    /// readable, a page touched again is read back from the page cache.
    public func handBackPages() {
        for file in files { file.source.releaseAll() }
    }

    /// Whether `path` would be mapped, not streamed, so that it can be read more than once
    /// (standard input only when redirected from a plain capture file).
    public static func isReadInPlace(_ path: String) -> Bool { !ByteSource.isStreamed(path) }

    /// Each input's bytes, in the order of the paths.
    var sources: [ByteSource] { files.map(\.source) }

    /// Bytes of the inputs when every one is a mapped file (nil when one is streamed).
    public var mappedBytes: Int64? {
        var total: Int64 = 0
        for file in files {
            guard file.source.isMapped else { return nil }
            total += file.source.endOffset
        }
        return total
    }

    /// How far behind the records read the pages of mapped files are handed back, besides the
    /// release step: another thread that hands them back closer behind its own position (and
    /// takes that work off this one) sets it.
    public var releaseLag: Int64 = 0 {
        didSet { for file in files { file.releaseLag = releaseLag } }
    }

    /// Whether the reader asks for each record's frame ahead of it, for a caller that reads the
    /// frames' bytes (on by default). A caller that hands the records on for another thread to
    /// read turns it off: a mapped pcap file's records proven in order by the reorder window's
    /// scout are then taken from what the scout read (`FileReader.scoutLog`), and the reader
    /// touches nothing of the file itself.
    public var asksFramesAhead = true {
        didSet { for file in files { file.asksFramesAhead = asksFramesAhead } }
    }

    /// The mapping of the only input when it is one mapped file: another thread may map its
    /// pages ahead of the reader (`populate`), which then finds them mapped.
    public var singleMapping: UnsafeRawBufferPointer? {
        files.count == 1 ? files[0].source.mapping : nil
    }

    /// Allocates the next pages of the only input's scout log ahead of its scout (`FileReader`);
    /// false when there is nothing (more) to do. Safe to call from one other thread.
    public func prepareScoutLog() -> Bool {
        singleFile?._withUnsafeGuaranteedRef { $0.prepareScoutLog() } ?? false
    }

    /// How far into the only input the reorder window's scout has read, to the last megabyte; safe
    /// to read from any thread. While it first reads the window's worth of headers no record is
    /// handed on, and another thread may map the pages ahead of it meanwhile.
    public var scoutOffset: Int64 {
        singleFile?._withUnsafeGuaranteedRef { $0.scoutOffset.load(ordering: .relaxed) } ?? 0
    }

    /// How far into the only input the reader has read, looking ahead of the records it handed
    /// on (the reorder window's scout reads headers far ahead); nil with several inputs.
    public var furthestOffset: Int64? {
        files.count == 1 ? files[0].furthestOffset : nil
    }

    // MARK: Reading one file in pieces

    /// Readers of `count` consecutive pieces of the capture at `path`, in file order, for reading
    /// it on as many threads; nil when it cannot be split (only a mapped file, not a stream, can)
    /// or is smaller than `minimumBytes`. Each piece after the first starts at a record (pcap) or
    /// block (pcapng) boundary guessed by a validated scan near its share of the file
    /// (`FileReader.pieceBoundary`); `joinPieces` checks the guesses and reads on where one was
    /// wrong, so the records read are always the file's.
    public static func pieces(of path: String, count: Int, minimumBytes: Int64 = 0) throws(CaptureError) -> [CaptureReader]? {
        let first = try CaptureReader(paths: [path], options: Options(reorderWindow: 0))
        guard count > 1, let file = first.files.first, file.canReadInPieces, file.source.endOffset >= minimumBytes else { return nil }
        let size = file.source.endOffset
        var starts: [Int64] = [0]
        for piece in 1..<count {
            guard let start = file.pieceBoundary(near: size * Int64(piece) / Int64(count)), start > starts[piece - 1] else { return nil }
            starts.append(start)
        }
        var readers = [first]
        for _ in 1..<count { readers.append(try CaptureReader(paths: [path], options: Options(reorderWindow: 0))) }
        for (piece, reader) in readers.enumerated() {
            try reader.files[0].readPiece(starts[piece]..<(piece + 1 < count ? starts[piece + 1] : .max))
        }
        return readers
    }

    /// After every piece was read to its end or to the error in `failures` (by `forEach` on each
    /// reader): the readers whose records count, in order. Where a piece did not end exactly at
    /// the next one's start (the guess was no record boundary) or something unusual was met (an
    /// anomaly, a second file header or a new pcapng interface, so the next piece's reader may
    /// have read differently from one reading the whole file), `readOn` is called with that
    /// piece's index, its reader now let go past its end, to read the rest of the file; the later
    /// pieces are dropped, with their errors. A piece's error is thrown only once its start is
    /// proven: it is the error a reader of the whole file meets there.
    public static func joinPieces(_ readers: [CaptureReader], failures: [CaptureError?],
                                  readOn: (Int) throws(CaptureError) -> Void) throws(CaptureError) -> [CaptureReader] {
        for (piece, reader) in readers.enumerated() {
            if let failure = failures[piece] { throw failure }
            guard piece + 1 < readers.count else { break }
            let file = reader.files[0]
            let next = readers[piece + 1].files[0]
            if file.endedAtPieceEnd && file.pieceKeptItsLayout && next.readPieceCleanly { continue }
            file.readPastPieceEnd()
            try readOn(piece)
            return Array(readers[...piece])
        }
        return readers
    }

    /// What each file turned out to be, with its anomalies so far.
    public var fileInfos: [CaptureFileInfo] { files.map { $0.fileInfo() } }

    /// Every anomaly of every file, by file then kind.
    public var anomalies: [Anomaly] { files.flatMap { $0.fileInfo().anomalies } }
}
