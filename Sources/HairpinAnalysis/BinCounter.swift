/// Counts per time bin into an array, keeping the bin in use apart: frames come in time order,
/// so most add to the bin of the frame before and touch one counter instead of the array.
/// `settled` (or `settle()` before merging) gives the whole series.
struct BinCounter {
    /// Counts per bin up to the last settle; the open bin is not in it yet.
    private(set) var closed: [Int] = []
    private var openIndex = Int.min
    private var openValue = 0

    @inline(__always)
    mutating func add(_ value: Int, at index: Int) {
        if index != openIndex {
            settle()
            openIndex = index
        }
        // A frame's bytes added to a bin's: far from overflowing, and checked for every frame.
        openValue &+= value
    }

    /// Moves the open bin into the array. Negative bins are dropped, as `Array.add` drops them.
    mutating func settle() {
        guard openIndex != Int.min else { return }
        closed.add(openValue, at: openIndex)
        openIndex = Int.min
        openValue = 0
    }

    /// Whether `settled` is empty (a bin below 0 is dropped when settled).
    var isEmpty: Bool { closed.isEmpty && openIndex < 0 }

    /// Every bin, the open one included.
    var settled: [Int] {
        var copy = self
        copy.settle()
        return copy.closed
    }

    /// Replaces the series (after settling it) by `transform` of it.
    mutating func transform(_ transform: ([Int]) -> [Int]) {
        settle()
        closed = transform(closed)
    }
}
