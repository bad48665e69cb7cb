/// A run of values that only grows, at an address that changes only when it grows, for a list
/// written for most frames (`Analysis`'s migration candidates and their counters on other
/// uplinks, the path tracker's tallies and flows, clock pairs, the mobility tracker's locations):
/// an array checked its uniqueness on every such write, a call into the runtime per frame. A copy
/// of a value holding one shares it: such a list has one owner (`init(copying:)` makes another).
/// Read as a collection where nothing is written (reports).
final class GrowingSlots<Element>: RandomAccessCollection {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 16) {
        self.capacity = Swift.max(1, capacity)
        base = .allocate(capacity: self.capacity)
    }

    /// `count` slots holding `value`.
    convenience init(repeating value: Element, count: Int) {
        self.init(capacity: count)
        base.initialize(repeating: value, count: count)
        self.count = count
    }

    /// A list of its own holding the values of `other`.
    convenience init(copying other: GrowingSlots) {
        self.init(capacity: other.count)
        base.initialize(from: other.base, count: other.count)
        count = other.count
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    func append(_ element: Element) {
        if count == capacity {
            let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
            larger.moveInitialize(from: base, count: count)
            base.deallocate()
            base = larger
            capacity *= 2
        }
        (base + count).initialize(to: element)
        count += 1
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }
    var indices: Range<Int> { 0..<count }

    subscript(index: Int) -> Element {
        get {
            precondition(index >= 0 && index < count, "index within the slots")
            return base[index]
        }
        _modify {
            precondition(index >= 0 && index < count, "index within the slots")
            yield &base[index]
        }
    }
}
