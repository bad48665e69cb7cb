import HairpinWire

/// What a file reader needs per interface on every record (global id, link type, time
/// conversion), indexed by the interface's ordinal in its file. Kept in memory the table owns,
/// not in Swift arrays: reading an array held by a class costs a retain and a release per
/// record, more than the rest of reading it.
struct InterfaceSlots {
    struct Slot {
        var globalId: Int
        var linkType: LinkType
        var resolution: TimestampResolution
        /// The interface's if_tsoffset in nanoseconds.
        var offsetNs: Int64
    }

    private var storage: UnsafeMutablePointer<Slot>?
    private(set) var count = 0
    private var capacity = 0

    init() {}

    /// Adds a slot and returns its ordinal. Interfaces are few (one per IDB), so growth is rare.
    mutating func append(_ slot: Slot) -> Int {
        if count == capacity {
            let grown = UnsafeMutablePointer<Slot>.allocate(capacity: max(4, capacity * 2))
            if let storage {
                grown.moveInitialize(from: storage, count: count)
                storage.deallocate()
            }
            storage = grown
            capacity = max(4, capacity * 2)
        }
        (storage! + count).initialize(to: slot)
        count += 1
        return count - 1
    }

    /// The slot of a known ordinal (the reader only hands out ordinals it appended).
    @inline(__always)
    subscript(ordinal: Int) -> Slot {
        precondition(ordinal >= 0 && ordinal < count, "interface ordinal out of range")
        return storage.unsafelyUnwrapped[ordinal]
    }

    /// Frees the memory; the owner calls this once, from its deinit.
    mutating func deallocate() {
        storage?.deinitialize(count: count)
        storage?.deallocate()
        storage = nil
        count = 0
        capacity = 0
    }
}
