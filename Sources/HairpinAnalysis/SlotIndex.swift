/// An open-addressing index from a key's hash to its position in an array the caller keeps:
/// linear probing, -1 for empty. Either sized once (`prepare`, the caller capping its entries at
/// half) or grown as entries come (`makeRoom`). The caller walks the probe sequence itself,
/// comparing with its own keys, so no closure and no copy of its arrays is made per lookup.
struct SlotIndex {
    /// The slots, reached by address: the path tracker probes it for most frames of a moved
    /// host, where an array tested the slot against its count (and the count less one for
    /// overflow) on every read and checked its uniqueness on every write. A copy of an index
    /// shares its slots (`SlotStorage`): each index has one owner.
    private var storage: SlotStorage<Int32>
    /// `storage.base`, kept beside it: reached through the storage, each probe loaded one more
    /// word (the hairpin scenario's analysing thread, two threads: 602.1 against 606.4 M
    /// instructions).
    private var base: UnsafeMutablePointer<Int32>
    /// Slots less one (a power of two less one).
    private var mask: Int

    /// One empty slot: nothing is found until the index is prepared or grown.
    init() {
        storage = SlotStorage(repeating: -1, count: 1)
        base = storage.base
        mask = 0
    }

    /// Sizes the index for at most `entries` entries (twice as many slots, a power of two),
    /// once: later calls keep it.
    mutating func prepare(entries: Int) {
        guard mask == 0 else { return }
        var capacity = 2
        while capacity < 2 * entries { capacity *= 2 }
        replaceSlots(count: capacity)
    }

    /// Before adding the entry at position `entries`: doubles the slots when they would be more
    /// than half full, placing again every position before it by its key's hash (`hashOf`).
    @inline(__always)
    mutating func makeRoom(entries: Int, hashOf: (Int) -> UInt64) {
        if 2 * (entries + 1) > mask + 1 { grow(entries: entries, hashOf: hashOf) }
    }

    private mutating func grow(entries: Int, hashOf: (Int) -> UInt64) {
        replaceSlots(count: max(16, 2 * (mask + 1)))
        for position in 0..<entries { insert(position, hash: hashOf(position)) }
    }

    private mutating func replaceSlots(count: Int) {
        storage = SlotStorage(repeating: -1, count: count)
        base = storage.base
        mask = count - 1
    }

    /// Stores `position` in the first empty slot of its key's probe sequence (the key must not be
    /// there yet, and a slot must be free).
    mutating func insert(_ position: Int, hash: UInt64) {
        var slot = first(hash)
        while base[slot] >= 0 { slot = next(slot) }
        base[slot] = Int32(position)
    }

    @inline(__always) func first(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask }
    @inline(__always) func next(_ slot: Int) -> Int { (slot &+ 1) & mask }
    /// The position stored at `slot` (from `first` or `next`, so inside the slots), or -1.
    @inline(__always) subscript(slot: Int) -> Int32 {
        get { base[slot] }
        nonmutating set { base[slot] = newValue }
    }
}
