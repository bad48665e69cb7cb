/// Counters for each of a few small indices (capture interfaces, uplinks) in memory of their
/// own, grown as higher indices come: added to in place, with no check that an array is shared.
/// Every frame adds here (`Analysis.interfaceTotals`). The owner calls `deallocate` once.
struct IndexedCounters<Counters: BitwiseCopyable> {
    private(set) var count = 0
    private var base: UnsafeMutablePointer<Counters>
    private let empty: Counters

    init(empty: Counters) {
        self.empty = empty
        base = .allocate(capacity: 1)
    }

    /// The counters of `index` (not negative), zero until first added to.
    @inline(__always)
    mutating func at(_ index: Int) -> UnsafeMutablePointer<Counters> {
        if index >= count { grow(to: index + 1) }
        return base + index
    }

    /// The counters of `index` as they stand (zero when room was made for it but nothing added),
    /// or nil past the indices room was ever made for.
    func value(at index: Int) -> Counters? {
        index >= 0 && index < count ? base[index] : nil
    }

    @inline(never)
    private mutating func grow(to needed: Int) {
        let capacity = Swift.max(needed, 2 * count, 4)
        let grown = UnsafeMutablePointer<Counters>.allocate(capacity: capacity)
        grown.update(from: base, count: count)
        (grown + count).initialize(repeating: empty, count: capacity - count)
        base.deallocate()
        base = grown
        count = capacity
    }

    func deallocate() {
        base.deallocate()
    }
}
