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

        /// The time of a record stamped `units` of this interface's resolution; nil when it does
        /// not fit in Int64 nanoseconds or lies outside `representableTimes`.
        @inline(__always)
        func time(fromUnits units: UInt64) -> Int64? {
            guard let nanoseconds = resolution.nanoseconds(fromUnits: units) else { return nil }
            let (time, overflow) = nanoseconds.addingReportingOverflow(offsetNs)
            return !overflow && Self.representableTimes.contains(time) ? time : nil
        }

        /// Times a record may have: from 73 years before 1970 to 146 years after. Any two differ by
        /// less than Int64 holds, so the analysis subtracts them without overflow (a damaged
        /// timestamp near Int64's end trapped there). A pcap record's time always lies within.
        static let representableTimes: Range<Int64> = -(1 << 61) ..< (1 << 62)
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
