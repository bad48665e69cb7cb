/// Puts the records of one file back in timestamp order. dumpcap writes multi-interface
/// captures in per-interface batches that step back in time by up to hundreds of milliseconds,
/// so records wait in one queue per interface (each nearly sorted already) and leave, oldest
/// first (equal times in file order), once the newest timestamp read is `window` past them. A
/// record older than one already handed on cannot be placed and is counted; memory is bounded by
/// `capacity` waiting records.
///
/// Every record of such a capture passes through here, so the queues sit in memory of their own
/// (`RecordQueues`), each with its head's place kept beside it, and the queue whose head leaves
/// next is looked for once per record that leaves: in arrays of queues, each a ring in an array,
/// the bookkeeping cost 460 instructions a record where five interfaces alternate (the hairpin
/// scenario written as dumpcap writes it), most of it looking at every queue twice a record.
struct ReorderWindow {
    let window: Int64
    let capacity: Int
    private let queues = RecordQueues()
    /// The queue whose head leaves next, while known; -1 when it is to be looked for.
    private var earliest = -1
    private(set) var pendingCount = 0
    private var newestSeen = Int64.min
    private(set) var lastEmitted = Int64.min
    /// Records sent on before their time because `capacity` records were waiting.
    private(set) var forcedByCapacity = 0

    init(window: Int64, capacity: Int) {
        self.window = max(0, window)
        self.capacity = max(1, capacity)
    }

    var isEmpty: Bool { pendingCount == 0 }

    /// Adds a record; returns false when it is older than a record already handed on.
    @inline(__always)
    mutating func insert(_ record: PendingRecord) -> Bool {
        let ordinal = Int(record.ordinal)
        let queue = queues.queue(ordinal)
        // Placed at its queue's head, it may be the next to leave.
        if queue.pointee.insert(record), earliest >= 0, queue.pointee.head < queues.queue(earliest).pointee.head { earliest = ordinal }
        pendingCount &+= 1
        if record.timestamp > newestSeen { newestSeen = record.timestamp }
        return record.timestamp >= lastEmitted
    }

    /// With no window and nothing waiting, a record leaves as it comes: the bookkeeping of
    /// `insert` and `popReady` without the queue. Returns false when it is older than a record
    /// already handed on.
    @inline(__always)
    mutating func passOn(_ timestamp: Int64) -> Bool {
        if timestamp > newestSeen { newestSeen = timestamp }
        let inOrder = timestamp >= lastEmitted
        if timestamp > lastEmitted { lastEmitted = timestamp }
        return inOrder
    }

    /// The oldest waiting record if it may leave now: its time has come, the window is full,
    /// `draining` at the end of input, or `force` (a streamed source must free its buffer).
    @inline(__always)
    mutating func popReady(draining: Bool, force: Bool = false) -> PendingRecord? {
        guard pendingCount > 0 else { return nil }
        if earliest < 0 { earliest = queues.earliest() }
        let queue = queues.queue(earliest)
        let bestTime = queue.pointee.head.time
        let full = pendingCount >= capacity || force
        guard draining || full || bestTime <= newestSeen &- window else { return nil }
        if full && !draining && bestTime > newestSeen &- window { forcedByCapacity += 1 }
        pendingCount &-= 1
        let record = queue.pointee.removeFirst()
        earliest = -1
        if record.timestamp > lastEmitted { lastEmitted = record.timestamp }
        return record
    }

    /// The lowest data offset any waiting record needs (a streamed source keeps it buffered).
    func lowestOffset() -> Int64 { queues.lowestOffset() }
}

/// Where a queue's head stands for leaving: its time, then its place in the file (equal times
/// leave in file order, the order in which the scout hands on the records it proved in order,
/// `OrderScout`, which it passes at once). An empty queue's stands after any record's.
struct QueueHead: Comparable {
    var time: Int64
    var offset: Int64
    static let empty = QueueHead(time: .max, offset: .max)

    @inline(__always)
    static func < (a: QueueHead, b: QueueHead) -> Bool { a.time < b.time || (a.time == b.time && a.offset < b.offset) }
}

/// The queues of a `ReorderWindow`, one per interface ordinal, side by side in memory of their
/// own, each reached by address.
final class RecordQueues {
    private var queues: UnsafeMutablePointer<RecordQueue>
    private var count = 0
    private var allocated: Int

    init() {
        allocated = 8
        queues = .allocate(capacity: allocated)
    }

    deinit {
        for index in 0..<count { queues[index].deallocate() }
        queues.deinitialize(count: count)
        queues.deallocate()
    }

    /// The queue of interface `ordinal`, made (with those before it) when first asked for.
    @inline(__always)
    func queue(_ ordinal: Int) -> UnsafeMutablePointer<RecordQueue> {
        if ordinal >= count { add(through: ordinal) }
        return queues + ordinal
    }

    @inline(never)
    private func add(through ordinal: Int) {
        if ordinal >= allocated {
            var grown = allocated
            while ordinal >= grown { grown *= 2 }
            let moved = UnsafeMutablePointer<RecordQueue>.allocate(capacity: grown)
            moved.moveInitialize(from: queues, count: count)
            queues.deallocate()
            queues = moved
            allocated = grown
        }
        (queues + count).initialize(repeating: RecordQueue(), count: ordinal + 1 - count)
        count = ordinal + 1
    }

    /// The queue whose head leaves first (`QueueHead`). Some queue holds a record.
    @inline(__always)
    func earliest() -> Int {
        var best = 0
        for index in 1..<count where queues[index].head < queues[best].head { best = index }
        return best
    }

    /// The lowest data offset any waiting record needs.
    func lowestOffset() -> Int64 {
        var lowest = Int64.max
        for index in 0..<count { lowest = min(lowest, queues[index].lowestOffset()) }
        return lowest
    }
}

/// A ring of records kept sorted by timestamp; appends are O(1) while input is in order. Its
/// memory is freed by its owner (`RecordQueues`).
struct RecordQueue {
    private var records: UnsafeMutablePointer<PendingRecord>?
    /// A power of two, or 0 before the first record.
    private var allocated = 0
    private var start = 0
    private(set) var count = 0
    /// Set when a record was placed before others: the head may then not hold the lowest offset.
    private var placedOutOfFileOrder = false
    /// The head's place among the queues', kept as records come and go.
    private(set) var head = QueueHead.empty

    /// Places `record` by its time; returns whether it is the head now.
    @inline(__always)
    mutating func insert(_ record: PendingRecord) -> Bool {
        if count == allocated { grow() }
        let records = records.unsafelyUnwrapped
        let mask = allocated &- 1
        var slot = (start &+ count) & mask
        count &+= 1
        // Walk back over newer records (rare: only when this interface itself stepped back).
        while slot != start {
            let previous = (slot &- 1) & mask
            if records[previous].timestamp <= record.timestamp { break }
            records[slot] = records[previous]
            slot = previous
            placedOutOfFileOrder = true
        }
        records[slot] = record
        guard slot == start else { return false }
        head = QueueHead(time: record.timestamp, offset: record.recordOffset)
        return true
    }

    @inline(__always)
    mutating func removeFirst() -> PendingRecord {
        let records = records.unsafelyUnwrapped
        let record = records[start]
        start = (start &+ 1) & (allocated &- 1)
        count &-= 1
        if count == 0 {
            placedOutOfFileOrder = false
            head = .empty
        } else {
            head = QueueHead(time: records[start].timestamp, offset: records[start].recordOffset)
        }
        return record
    }

    /// Records are read in file order, so unless one was placed out of that order the head
    /// has the lowest offset; otherwise look at all of them.
    func lowestOffset() -> Int64 {
        guard count > 0, let records else { return Int64.max }
        if !placedOutOfFileOrder { return records[start].dataOffset }
        var lowest = Int64.max
        let mask = allocated - 1
        for index in 0..<count { lowest = min(lowest, records[(start + index) & mask].dataOffset) }
        return lowest
    }

    /// Twice the room, the records moved to its start in order.
    @inline(never)
    private mutating func grow() {
        let grown = max(16, allocated * 2)
        let moved = UnsafeMutablePointer<PendingRecord>.allocate(capacity: grown)
        if let records {
            let mask = allocated - 1
            for index in 0..<count { (moved + index).initialize(to: records[(start + index) & mask]) }
            records.deallocate()
        }
        records = moved
        allocated = grown
        start = 0
    }

    /// Frees the records' memory (`PendingRecord` holds no references: nothing to deinitialise).
    mutating func deallocate() {
        records?.deallocate()
        records = nil
        allocated = 0
        count = 0
    }
}
