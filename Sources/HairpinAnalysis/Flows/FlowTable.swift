import CPlatform
import HairpinWire

/// Counters of one direction of a flow.
public struct FlowDirection: Sendable, Equatable, BitwiseCopyable {
    public var packets = 0
    public var bytes = 0
    public var payloadBytes = 0

    /// Counts a frame of `bytes` carrying `payload`. Without overflow checks: frames and bytes of
    /// captures stay far below `Int.max` (a frame's lengths are 32-bit), and every frame counts
    /// here, on the analysing thread.
    @inline(__always)
    mutating func count(bytes: Int, payload: Int) {
        packets &+= 1
        self.bytes &+= bytes
        payloadBytes &+= payload
    }
}

/// What the table keeps per flow. Counts come from the flow's primary capture point (the one
/// its first packet was seen on), so a frame mirrored on several uplinks counts once; the
/// other points are only recorded.
public struct FlowState: Sendable, BitwiseCopyable {
    // The fields most frames read and write come first, in the first 128 bytes (`hotBytes`):
    // the flags sit in the key's padding.
    public var key: FlowKey
    public var otherUplinks = false
    /// TCP: a SYN came from the low endpoint (true), the high one (false), or none seen (nil).
    public var synFromLow: Bool?
    public var finOrReset = false
    /// Whether the payload start was checked for a migration stream magic.
    public var payloadChecked = false
    public var first: Int64
    public var last: Int64
    /// Direction from the low endpoint to the high one, and back.
    public var fromLow = FlowDirection()
    public var fromHigh = FlowDirection()
    /// The uplink the flow was first seen on: stored complemented, so that the zero bytes of a
    /// slot never written (`FlowTable`'s slots are the kernel's zeroed pages) read as -1, none.
    public var primaryUplink: Int32 {
        get { ~primaryUplinkComplement }
        set { primaryUplinkComplement = ~newValue }
    }
    private var primaryUplinkComplement: Int32
    /// Index in the migration detector's candidate list, or -1.
    public var candidate: Int32 = -1
    /// Uplinks the flow was seen on (bit n = uplink n; uplinks past 63 set `otherUplinks`).
    public var uplinks: UInt64 = 0
    /// Frame bytes on each of the first three uplinks the flow was seen on besides its primary
    /// one (top talkers per uplink). The primary uplink's are its counts, `fromLow` and
    /// `fromHigh`: not added up a second time for every frame.
    var otherUplinkBytes: (Int, Int, Int) = (0, 0, 0)
    /// Which uplinks those are: each one's id plus one, 0 for none. Apart from the counts, 16 bits
    /// each (where an `Int32` beside each count took 48 bytes a flow with padding, these 32: the
    /// table of a million flows 176 -> 160 MB).
    private var otherUplinkTags: (UInt16, UInt16, UInt16) = (0, 0, 0)

    /// Bytes from the start that a frame of the flow's primary uplink reads or writes: up to
    /// `otherUplinkBytes` (a test holds them equal).
    static let hotBytes = 128

    init(key: FlowKey, first: Int64, last: Int64, primaryUplink: Int32) {
        self.key = key
        self.first = first
        self.last = last
        primaryUplinkComplement = ~primaryUplink
    }

    /// Adds a frame seen on `uplink`, not the primary one. An uplink numbered 65,535 or more (as
    /// many uplinks as no capture has) is not kept, as a fourth one is not.
    @inline(__always)
    mutating func addOtherUplinkBytes(_ uplink: Int32, _ bytes: Int) {
        guard uplink >= 0 && uplink < 0xFFFF else { return }
        let tag = UInt16(truncatingIfNeeded: uplink + 1)
        if otherUplinkTags.0 == tag || otherUplinkTags.0 == 0 {
            otherUplinkTags.0 = tag; otherUplinkBytes.0 &+= bytes; return
        }
        if otherUplinkTags.1 == tag || otherUplinkTags.1 == 0 {
            otherUplinkTags.1 = tag; otherUplinkBytes.1 &+= bytes; return
        }
        if otherUplinkTags.2 == tag || otherUplinkTags.2 == 0 {
            otherUplinkTags.2 = tag; otherUplinkBytes.2 &+= bytes; return
        }
    }

    /// Calls `body` with each uplink the flow's bytes are known on and them: the primary one
    /// first, then up to three others.
    func forEachUplinkBytes(_ body: (_ uplink: Int32, _ bytes: Int) -> Void) {
        body(primaryUplink, fromLow.bytes + fromHigh.bytes)
        if otherUplinkTags.0 != 0 { body(Int32(otherUplinkTags.0) - 1, otherUplinkBytes.0) }
        if otherUplinkTags.1 != 0 { body(Int32(otherUplinkTags.1) - 1, otherUplinkBytes.1) }
        if otherUplinkTags.2 != 0 { body(Int32(otherUplinkTags.2) - 1, otherUplinkBytes.2) }
    }

    /// Frame bytes on `uplink`, nil when it is neither the primary one nor one of the first three
    /// others the flow was seen on.
    public func bytes(onUplink uplink: Int32) -> Int? {
        var found: Int?
        forEachUplinkBytes { if found == nil && $0 == uplink { found = $1 } }
        return found
    }
}

/// Bidirectional flows in an open-addressing table with linear probing: fixed-size keys, no
/// allocation per packet once grown, memory bounded by `capacity` flows. When full, flows idle
/// longer than `idleTimeout` are evicted (counted); past that, new flows are not tracked (counted).
/// A copy shares the slots of the original (`SlotStorage`): a table has one owner.
public struct FlowTable {
    public let capacity: Int
    public let idleTimeout: Int64
    /// An empty slot's bytes are all zero, its primary uplink -1 (a flow's is an uplink id, never
    /// negative): no optional wrapping, so a flow is updated in place, and a probe reads one table.
    /// Indexed under `mask`.
    private var slots: SlotStorage<FlowState>
    private var mask: Int
    public private(set) var count = 0
    public private(set) var evicted = 0
    public private(set) var untracked = 0
    /// Called with each flow the table lets go of (evicted, or still present at the end).
    public var onRelease: ((FlowState) -> Void)?

    public init(capacity: Int = 1 << 20, idleTimeout: Int64 = 300_000_000_000, initialSlots: Int = 1024) {
        self.capacity = max(16, capacity)
        self.idleTimeout = idleTimeout
        let size = Self.powerOfTwo(atLeast: min(max(16, initialSlots), self.capacity * 2))
        slots = SlotStorage(zeroedCount: size)
        mask = size - 1
    }

    @inline(__always)
    private func isUsed(_ index: Int) -> Bool { slots.base[index].primaryUplink >= 0 }

    /// Asks for the lines of the slot a key with `hash` probes first, ahead of `slot(for:)`: those
    /// of its `FlowState.hotBytes`.
    @inline(__always)
    mutating func prefetch(hash: UInt64) {
        let slot = UnsafeRawPointer(slots.base + (Int(truncatingIfNeeded: hash) & mask))
        hairpin_prefetch(slot)
        hairpin_prefetch(slot + 64)
        hairpin_prefetch(slot + (FlowState.hotBytes - 1))
    }

    private static func powerOfTwo(atLeast value: Int) -> Int {
        var size = 16
        while size < value { size <<= 1 }
        return size
    }

    /// The slot of `key`, inserting a new flow first seen at `time` on `uplink`; nil when the
    /// table is full of active flows.
    @inline(__always)
    public mutating func slot(for key: FlowKey, time: Int64, uplink: Int32) -> Int? {
        slot(for: key, hash: key.mixedHash, time: time, uplink: uplink)
    }

    /// `slot(for:time:uplink:)` with the key's `mixedHash` worked out beforehand (on the reading
    /// thread, with two).
    @inline(__always)
    public mutating func slot(for key: FlowKey, hash: UInt64, time: Int64, uplink: Int32) -> Int? {
        // Most frames: their flow sits where its hash points. Told where frames are consumed,
        // without the call of the whole probe.
        let first = Int(truncatingIfNeeded: hash) & mask
        if isUsed(first) && slots.base[first].key == key { return first }
        return probe(for: key, hash: hash, time: time, uplink: uplink)
    }

    private mutating func probe(for key: FlowKey, hash: UInt64, time: Int64, uplink: Int32) -> Int? {
        var index = Int(truncatingIfNeeded: hash) & mask
        while isUsed(index) {
            if slots.base[index].key == key { return index }
            index = (index + 1) & mask
        }
        guard count < capacity else {
            evictIdle(now: time)
            if count >= capacity {
                untracked += 1
                return nil
            }
            return probe(for: key, hash: hash, time: time, uplink: uplink)
        }
        if (count + 1) * 10 > slots.count * 7 {
            grow()
            return probe(for: key, hash: hash, time: time, uplink: uplink)
        }
        precondition(uplink >= 0, "uplink ids are not negative")
        slots.base[index] = FlowState(key: key, first: time, last: time, primaryUplink: uplink)
        count += 1
        return index
    }

    /// `slot`: one `slot(for:)` gave since the table last grew.
    @inline(__always)
    public subscript(slot: Int) -> FlowState {
        get { slots.base[slot & mask] }
        _modify { yield &slots.base[slot & mask] }
    }

    /// Runs `body` on the flow in `slot` in place: one access for all of a packet's updates.
    @inline(__always)
    public mutating func update<Result>(_ slot: Int, _ body: (inout FlowState) -> Result) -> Result {
        body(&slots.base[slot & mask])
    }

    private var occupied: [FlowState] { slots.all.filter { $0.primaryUplink >= 0 } }

    /// Moves the flows `keep` accepts into fresh slots of `size`, in the order of the old slots,
    /// and returns how many it moved. Straight from the old slots: copied into an array first,
    /// every flow (about 200 bytes) was moved twice each time the table grew, through a filter
    /// (a capture of 100,000 flows: 487 -> 451 million instructions for its whole analysis).
    private mutating func rehash(size: Int, keeping keep: (FlowState) -> Bool) -> Int {
        let old = slots
        slots = SlotStorage(zeroedCount: size)
        mask = size - 1
        var moved = 0
        for index in 0..<old.count where old.base[index].primaryUplink >= 0 && keep(old.base[index]) {
            var slot = Int(truncatingIfNeeded: old.base[index].key.mixedHash) & mask
            while isUsed(slot) { slot = (slot + 1) & mask }
            slots.base[slot] = old.base[index]
            moved += 1
        }
        return moved
    }

    private mutating func grow() { _ = rehash(size: slots.count * 2) { _ in true } }

    /// Removes flows idle for `idleTimeout` and re-packs the table (rare: only when full).
    private mutating func evictIdle(now: Int64) {
        var released = 0
        let onRelease = self.onRelease, idleTimeout = self.idleTimeout
        count = rehash(size: slots.count) { state in
            guard now - state.last > idleTimeout else { return true }
            released += 1
            onRelease?(state)
            return false
        }
        evicted += released
    }

    /// Calls `body` with every flow still in the table, in the order of its slots: for what does
    /// not depend on the order, without copying and sorting the flows first.
    func forEachFlow(_ body: (UnsafePointer<FlowState>) -> Void) {
        for index in 0..<slots.count where isUsed(index) { body(slots.base + index) }
    }

    /// Every flow still in the table, in a stable order (by first time, then key fields).
    public var flows: [FlowState] {
        occupied.sorted {
            ($0.first, $0.key.lowAddressLow, $0.key.highAddressLow, $0.key.lowPort, $0.key.highPort)
                < ($1.first, $1.key.lowAddressLow, $1.key.highAddressLow, $1.key.lowPort, $1.key.highPort)
        }
    }
}
