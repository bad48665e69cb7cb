import Synchronization

/// Reads ahead of a mapped pcap file's reader over record headers only, to prove that records
/// are already in time order as far as the reorder window looks. A record proven so leaves at
/// once instead of waiting in the reorder queue: the same records in the same order as the
/// queue would give, without holding hundreds of thousands of them (and the pages they point
/// into) while the window fills. The scout gives up for good at the first step back in time or
/// anything unusual (a length it does not believe, a second file header, padding, a cut record);
/// the reader then queues as before and handles what it finds.
struct OrderScout {
    /// Offset of the next record header the scout has not read.
    private(set) var offset: Int64
    /// Records starting before this offset are in non-decreasing time order (and plausible).
    private(set) var provenUntil: Int64
    /// Time of the last record read by the scout.
    private(set) var newest = Int64.min
    /// True once the scout reached the exact end of the file after a whole record.
    private(set) var reachedEnd = false
    private(set) var gaveUp = false
    /// Records the scout has read (proven ones).
    private(set) var scouted = 0
    /// The reorder queue's capacity: it would never hold more records than this, so the scout
    /// never reads further ahead (which also bounds the mapped pages it touches ahead).
    let capacity: Int
    /// `clears` publishes how far it read each `progressStep` bytes, for another thread.
    private var nextProgressReport: Int64 = 0
    static let progressStep: Int64 = 1 << 20

    init(start: Int64, capacity: Int) {
        offset = start
        provenUntil = start
        self.capacity = capacity
    }

    /// Reads ahead until a record newer than `time + window`, the end, or as many records as
    /// the queue would hold, so that the record at `recordOffset` with `time` (the reader's
    /// `read`-th record) may leave; true when it may: the queue would let it go next.
    @inline(__always)
    mutating func clears(recordOffset: Int64, time: Int64, read: Int, window: Int64, base: UnsafeRawPointer, length: Int64,
                         layout: PcapLayout, progress: borrowing Atomic<Int64>) -> Bool {
        let horizon = time &+ window
        while !gaveUp && !reachedEnd && newest <= horizon && scouted - read < capacity {
            advance(base: base, length: length, layout: layout)
            if offset >= nextProgressReport {
                nextProgressReport = offset + Self.progressStep
                progress.store(offset, ordering: .relaxed)
            }
        }
        return recordOffset < provenUntil && (newest > horizon || reachedEnd || scouted - read >= capacity)
    }

    private mutating func advance(base: UnsafeRawPointer, length: Int64, layout: PcapLayout) {
        let headerLength = Int64(layout.recordHeaderLength)
        if offset == length {
            reachedEnd = true
            return
        }
        guard offset + headerLength <= length else { gaveUp = true; return }
        // Another file header (`cat a.pcap b.pcap`) is the reader's to handle.
        if PcapLayout.magicKind(base.loadUnaligned(fromByteOffset: Int(offset), as: UInt32.self).littleEndian) != nil {
            gaveUp = true
            return
        }
        let fields = layout.recordFields(base + Int(offset))
        let end = offset + headerLength + Int64(fields.captured)
        guard layout.isPlain(fields, maximumRecord: FileReader.maximumRecord), end <= length else {
            gaveUp = true
            return
        }
        let time = Int64(fields.seconds) * 1_000_000_000 + Int64(fields.fraction) * (layout.nanosecond ? 1 : 1000)
        guard time >= newest else { gaveUp = true; return }
        newest = time
        offset = end
        provenUntil = end
        scouted += 1
    }
}
