/// An open-addressing index from a key's hash to its position in an array the caller keeps:
/// linear probing, -1 for empty. Either sized once (`prepare`, the caller capping its entries at
/// half) or grown as entries come (`makeRoom`). The caller walks the probe sequence itself,
/// comparing with its own keys, so no closure and no copy of its arrays is made per lookup.
struct SlotIndex {
    private var slots: [Int32] = []

    /// Sizes the index for at most `entries` entries (twice as many slots, a power of two),
    /// once: later calls keep it.
    mutating func prepare(entries: Int) {
        guard slots.isEmpty else { return }
        var capacity = 2
        while capacity < 2 * entries { capacity *= 2 }
        slots = Array(repeating: -1, count: capacity)
    }

    /// Before adding the entry at position `entries`: doubles the slots when they would be more
    /// than half full, placing again every position before it by its key's hash (`hashOf`).
    @inline(__always)
    mutating func makeRoom(entries: Int, hashOf: (Int) -> UInt64) {
        if 2 * (entries + 1) > slots.count { grow(entries: entries, hashOf: hashOf) }
    }

    private mutating func grow(entries: Int, hashOf: (Int) -> UInt64) {
        slots = Array(repeating: -1, count: max(16, 2 * slots.count))
        for position in 0..<entries { insert(position, hash: hashOf(position)) }
    }

    /// Stores `position` in the first empty slot of its key's probe sequence (the key must not be
    /// there yet, and a slot must be free).
    mutating func insert(_ position: Int, hash: UInt64) {
        var slot = first(hash)
        while slots[slot] >= 0 { slot = next(slot) }
        slots[slot] = Int32(position)
    }

    @inline(__always) func first(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> 20) & (slots.count - 1) }
    @inline(__always) func next(_ slot: Int) -> Int { (slot + 1) & (slots.count - 1) }
    /// The position stored at `slot`, or -1.
    @inline(__always) subscript(slot: Int) -> Int32 {
        get { slots[slot] }
        set { slots[slot] = newValue }
    }
}
