import Testing
@testable import HairpinAnalysis

/// The open-addressing index grown as entries come: every key is found at its position after
/// the index doubled many times, and a key never added is not.
@Suite struct SlotIndexTests {
    /// The position of `key` in `keys`, walking the index's probe sequence.
    func find(_ key: UInt64, _ index: SlotIndex, _ keys: [UInt64]) -> Int? {
        var slot = index.first(key)
        while index[slot] >= 0 {
            if keys[Int(index[slot])] == key { return Int(index[slot]) }
            slot = index.next(slot)
        }
        return nil
    }

    @Test func grownIndexFindsEveryKey() {
        var index = SlotIndex()
        var keys: [UInt64] = []
        // MAC-like keys that differ only in their low bits, as one vendor's NICs do.
        for n in 0..<5000 {
            let key = 0x0050_56AA_0000 | UInt64(n)
            let known = keys
            index.makeRoom(entries: keys.count) { known[$0] }
            index.insert(keys.count, hash: key)
            keys.append(key)
        }
        #expect(keys.indices.allSatisfy { find(keys[$0], index, keys) == $0 })
        #expect(find(0x0050_56AA_0000 | 5000, index, keys) == nil)
        #expect(find(0, index, keys) == nil)
    }
}
