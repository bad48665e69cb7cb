import HairpinWire

/// What a file reader needs per interface on every record (global id, link type, time
/// conversion), indexed by the interface's ordinal in its file. Kept in memory the table owns,
/// not in Swift arrays: reading an array held by a class costs a retain and a release per
/// record, more than the rest of reading it.
struct InterfaceSlots {
    struct Slot {
        let globalId: Int
        let linkType: LinkType
        let resolution: TimestampResolution
        /// The interface's if_tsoffset in nanoseconds.
        let offsetNs: Int64
        /// Nanoseconds per unit of a decimal resolution no finer than a nanosecond (1000 for
        /// microseconds), and the range of units whose time, offset included, lies within
        /// `representableTimes`: every record's units are converted, and those in the range (all
        /// of a capture's, in practice) take one multiplication and one addition instead of the
        /// general conversion's tests. Empty for other resolutions.
        private let scale: UInt64
        private let plainUnitsLow: UInt64
        private let plainUnitsHigh: UInt64

        init(globalId: Int, linkType: LinkType, resolution: TimestampResolution, offsetNs: Int64) {
            self.globalId = globalId
            self.linkType = linkType
            self.resolution = resolution
            self.offsetNs = offsetNs
            (scale, plainUnitsLow, plainUnitsHigh) = Self.plainUnits(resolution: resolution, offsetNs: offsetNs)
        }

        /// `scale` and the units from `plainUnitsLow` through `plainUnitsHigh` (low above high when
        /// there are none) for which `units * scale` fits in Int64 and adding `offsetNs` gives a
        /// time within `representableTimes`, so that the plain conversion gives what the general
        /// one does.
        static func plainUnits(resolution: TimestampResolution, offsetNs: Int64) -> (scale: UInt64, low: UInt64, high: UInt64) {
            guard case .decimal(let exponent) = resolution, exponent <= 9 else { return (0, 1, 0) }
            let scale = powerOfTen(9 - Int(exponent))
            let wide = Int128(scale)
            let earliest = Int128(representableTimes.lowerBound) - Int128(offsetNs)
            let latest = Int128(representableTimes.upperBound - 1) - Int128(offsetNs)
            guard latest >= 0 else { return (scale, 1, 0) }
            // The fewest units at or after the earliest time, the most at or before the latest.
            let low = earliest <= 0 ? 0 : (earliest + wide - 1) / wide
            let high = min(latest / wide, Int128(Int64.max) / wide)
            guard low <= high else { return (scale, 1, 0) }
            return (scale, UInt64(low), UInt64(high))
        }

        /// The time of a record stamped `units` of this interface's resolution; nil when it does
        /// not fit in Int64 nanoseconds or lies outside `representableTimes`.
        @inline(__always)
        func time(fromUnits units: UInt64) -> Int64? {
            if units >= plainUnitsLow && units <= plainUnitsHigh { return Int64(bitPattern: units &* scale) &+ offsetNs }
            return Self.generalTime(fromUnits: units, resolution: resolution, offsetNs: offsetNs)
        }

        /// `time(fromUnits:)` for any resolution and units: given only what it reads, a call of
        /// its own.
        @inline(never)
        static func generalTime(fromUnits units: UInt64, resolution: TimestampResolution, offsetNs: Int64) -> Int64? {
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

    /// The time of a record of the interface numbered `ordinal` stamped `units`
    /// (`Slot.time(fromUnits:)`). A call of its own: inline, the conversion made the reader's
    /// plain pcapng loop too large for its block reading to be inlined, which cost the ERSPAN
    /// scenario's reading thread 50 instructions a record.
    @inline(never)
    func time(ordinal: Int, units: UInt64) -> Int64? {
        self[ordinal].time(fromUnits: units)
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
