/// Puts the records of one file back in timestamp order. dumpcap writes multi-interface
/// captures in per-interface batches that step back in time by up to hundreds of milliseconds,
/// so records wait in one queue per interface (each nearly sorted already) and leave, oldest
/// first (equal times in file order), once the newest timestamp read is `window` past them. A record older than one already
/// handed on cannot be placed and is counted; memory is bounded by `capacity` waiting records.
struct ReorderWindow {
    let window: Int64
    let capacity: Int
    private var queues: [RecordQueue] = []
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
        while queues.count <= ordinal { queues.append(RecordQueue()) }
        queues[ordinal].insert(record)
        pendingCount += 1
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
        var best = -1
        var bestTime = Int64.max
        if queues.count == 1 {
            best = 0
            bestTime = queues[0].headTimestamp
        } else {
            // Equal times leave in file order, as they were read: the order in which the scout
            // hands on the records it proved in order (`OrderScout`), which it passes at once.
            for index in queues.indices where queues[index].count > 0 {
                let time = queues[index].headTimestamp
                if best < 0 || time < bestTime || (time == bestTime && queues[index].headRecordOffset < queues[best].headRecordOffset) {
                    bestTime = time
                    best = index
                }
            }
        }
        let full = pendingCount >= capacity || force
        guard draining || full || bestTime <= newestSeen &- window else { return nil }
        if full && !draining && bestTime > newestSeen &- window { forcedByCapacity += 1 }
        pendingCount -= 1
        let record = queues[best].removeFirst()
        if record.timestamp > lastEmitted { lastEmitted = record.timestamp }
        return record
    }

    /// The lowest data offset any waiting record needs (a streamed source keeps it buffered).
    func lowestOffset() -> Int64 {
        var lowest = Int64.max
        for queue in queues where queue.count > 0 { lowest = min(lowest, queue.lowestOffset()) }
        return lowest
    }
}

/// A ring of records kept sorted by timestamp; appends are O(1) while input is in order.
struct RecordQueue {
    private var storage: [PendingRecord] = []
    private var head = 0
    private(set) var count = 0
    /// Set when a record was placed before others: the head may then not hold the lowest offset.
    private var placedOutOfFileOrder = false

    var headTimestamp: Int64 { storage[head].timestamp }
    var headRecordOffset: Int64 { storage[head].recordOffset }

    mutating func insert(_ record: PendingRecord) {
        if count == storage.count { grow() }
        let mask = storage.count - 1
        var slot = (head + count) & mask
        count += 1
        // Walk back over newer records (rare: only when this interface itself stepped back).
        while slot != head {
            let previous = (slot - 1) & mask
            if storage[previous].timestamp <= record.timestamp { break }
            storage[slot] = storage[previous]
            slot = previous
            placedOutOfFileOrder = true
        }
        storage[slot] = record
    }

    mutating func removeFirst() -> PendingRecord {
        let record = storage[head]
        head = (head + 1) & (storage.count - 1)
        count -= 1
        if count == 0 { placedOutOfFileOrder = false }
        return record
    }

    /// Records are read in file order, so unless one was placed out of that order the head
    /// has the lowest offset; otherwise look at all of them.
    func lowestOffset() -> Int64 {
        if count == 0 { return Int64.max }
        if !placedOutOfFileOrder { return storage[head].dataOffset }
        var lowest = Int64.max
        let mask = storage.count - 1
        for index in 0..<count { lowest = min(lowest, storage[(head + index) & mask].dataOffset) }
        return lowest
    }

    private mutating func grow() {
        let newCapacity = max(16, storage.count * 2)
        var grown = [PendingRecord]()
        grown.reserveCapacity(newCapacity)
        let mask = storage.count - 1
        for index in 0..<count { grown.append(storage[(head + index) & mask]) }
        let filler = grown.first ?? PendingRecord(timestamp: 0, dataOffset: 0, recordOffset: 0, capturedLength: 0,
                                                  originalLength: 0, ordinal: 0, flags: 0, hasTimestamp: false)
        while grown.count < newCapacity { grown.append(filler) }
        storage = grown
        head = 0
    }
}
