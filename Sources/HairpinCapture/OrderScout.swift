import Synchronization

/// Reads ahead of a capture's reader over record headers only, to prove that records
/// are already in time order as far as the reorder window looks. A record proven so leaves at
/// once instead of waiting in the reorder queue: the same records in the same order as the
/// queue would give, without holding hundreds of thousands of them (and the pages they point
/// into) while the window fills. The scout gives up for good at the first step back in time or
/// anything unusual (a length it does not believe, a second file header, padding, a cut record);
/// the reader then queues as before and handles what it finds. What a plain record is, the reader
/// says (`FileReader.scoutStep`). A streamed input keeps in memory every byte the scout reads
/// ahead, so there it looks no further than `lookAhead` bytes past the record it is asked about
/// (and an eighth more, read at once), as the queue is forced on past that many bytes held
/// (`FileReader.streamRetainBudget`). Read in step with the reader instead, it is the check of a
/// reading that assumed time order (`CaptureReader.Options.assumesTimeOrder`): the same rules,
/// no look-ahead.
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
    /// How many bytes past a record's start the scout reads at most; a mapped file's 2^62 is no
    /// limit, and offset plus it cannot overflow.
    let lookAhead: Int64
    static let unlimited: Int64 = 1 << 62
    /// `clears` publishes how far it read each `progressStep` bytes, for another thread.
    private var nextProgressReport: Int64 = 0
    static let progressStep: Int64 = 1 << 20

    /// `scouted`: records the reader read before `start`.
    init(start: Int64, capacity: Int, scouted: Int = 0, lookAhead: Int64 = unlimited) {
        offset = start
        provenUntil = start
        self.capacity = capacity
        self.lookAhead = lookAhead
        self.scouted = scouted
    }

    /// What the scout finds at an offset: a plain record with its time and end, a block to step
    /// over (pcapng statistics, names, secrets, custom), the end of a stream (a mapped file's
    /// end is `length`), or something it leaves to the reader.
    enum Step {
        case record(time: Int64, end: Int64)
        case skip(end: Int64)
        case end
        case stop
    }

    /// Records read past what a record needs, once the scout has to read at all: it then reads in
    /// runs, and for most records only sees that they are proven. Reading further changes no
    /// answer: it only proves more, and where it gives up, it gives up with what it would have
    /// read by then anyway.
    static let burst = 256
    /// A limited look-ahead reads, once it has to, this fraction of itself further than the
    /// record needs (`clears`), the same answers as `burst` reading more.
    static let stretchDivisor: Int64 = 8

    /// Reads ahead until a record newer than `time + window` or as many records as the queue would
    /// hold (and `burst` more), the end, or `lookAhead` bytes, so that the record at `recordOffset`
    /// with `time` (the reader's `read`-th record) may leave; true when it may: the queue would
    /// let it go next. `step` reads what is at an offset below `length`.
    @inline(__always)
    mutating func clears(recordOffset: Int64, time: Int64, read: Int, window: Int64, length: Int64, progress: borrowing Atomic<Int64>,
                         step: (Int64) -> Step) -> Bool {
        let horizon = time &+ window
        // Read far enough for the record: past its window, to the end, or as far as the queue holds.
        @inline(__always) func farEnough() -> Bool { newest > horizon || reachedEnd || scouted - read >= capacity }
        // The common answer: proven, and read far enough already.
        if recordOffset < provenUntil && farEnough() { return true }
        let limit = recordOffset + lookAhead
        // Held back by its look-ahead, the scout would read one header per record asked about,
        // by then far from the reader's: with many streams merged, each reader's and each
        // scout's turn touched memory no prefetcher follows (twenty gzip inputs: 1.6 times the
        // time). It reads a stretch further at once instead, and for the next records only
        // sees they are proven.
        let reach = lookAhead < Self.unlimited && offset < limit ? limit + lookAhead / Self.stretchDivisor : limit
        var beyond = Self.burst
        while !gaveUp && !reachedEnd && offset < reach {
            if farEnough() {
                if beyond == 0 { break }
                beyond -= 1
            }
            advance(length: length, step: step)
            if offset >= nextProgressReport {
                nextProgressReport = offset + Self.progressStep
                progress.store(offset, ordering: .relaxed)
            }
        }
        return recordOffset < provenUntil && (farEnough() || offset >= limit)
    }

    // MARK: In step with a reader that assumed time order

    /// Where the scout reads next and the newest time it read, held by the reader's loop of
    /// plain records while it runs (in registers, not through the reader's fields), and given
    /// back when it stops (`tookInHand`).
    struct InHand {
        var offset: Int64
        var newest: Int64
        var records = 0

        /// Takes the record from `start` to `end` at `time` when it is the next one the scout
        /// would read and no older than the last: a plain record read by the loop, which tests
        /// it as the scout's `step` would.
        @inline(__always)
        mutating func takes(start: Int64, end: Int64, time: Int64) -> Bool {
            guard start == offset, time >= newest else { return false }
            newest = time
            offset = end
            records &+= 1
            return true
        }
    }

    /// This scout's place, for a loop to hold (-1 once it gave up: it takes nothing more).
    var inHand: InHand { InHand(offset: gaveUp ? -1 : offset, newest: newest) }

    /// What a loop took (`InHand.takes`) since it was handed `inHand`.
    mutating func tookInHand(_ hand: InHand) {
        guard hand.records > 0 else { return }
        newest = hand.newest
        offset = hand.offset
        provenUntil = hand.offset
        scouted += hand.records
    }

    /// Reads as far as the record at `recordOffset`, and it: true when the scout proves it (in
    /// time order after every record before it, nothing it stops at on the way).
    mutating func follows(through recordOffset: Int64, length: Int64, step: (Int64) -> Step) -> Bool {
        while !gaveUp && !reachedEnd && offset <= recordOffset { advance(length: length, step: step) }
        return !gaveUp && provenUntil > recordOffset
    }

    /// Reads on to the end of input: true when it gets there without stopping.
    mutating func followsToEnd(length: Int64, step: (Int64) -> Step) -> Bool {
        while !gaveUp && !reachedEnd { advance(length: length, step: step) }
        return reachedEnd
    }

    @inline(__always)
    private mutating func advance(length: Int64, step: (Int64) -> Step) {
        if offset == length {
            reachedEnd = true
            return
        }
        switch step(offset) {
        case .record(let time, let end):
            guard time >= newest else { gaveUp = true; return }
            newest = time
            offset = end
            provenUntil = end
            scouted += 1
        case .skip(let end):
            offset = end
        case .end:
            reachedEnd = true
        case .stop:
            gaveUp = true
        }
    }
}
