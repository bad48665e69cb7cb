/// A fixed run of plain values at an address that never changes, freed with the last value
/// that holds it. The tables read and written for every frame (`FlowTable`, `MirrorCopies`)
/// index it directly: an array would check its uniqueness on every write and its bounds on
/// every access, where the tables' masks already keep each index inside. A copy of a value
/// holding one shares it: each such table has one owner. The run starts on a cache line, so a
/// slot or set of slots a line's size apart from the start spans the lines its size says
/// (`MirrorCopies.prefetch` asks for two).
final class SlotStorage<Element: BitwiseCopyable> {
    let base: UnsafeMutablePointer<Element>
    let count: Int
    static var lineBytes: Int { 64 }

    init(repeating value: Element, count: Int) {
        precondition(count > 0, "a table of at least one slot")
        self.count = count
        base = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Element>.stride,
                                                alignment: max(Self.lineBytes, MemoryLayout<Element>.alignment))
            .bindMemory(to: Element.self, capacity: count)
        base.initialize(repeating: value, count: count)
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }

    /// The slots as a collection, for the rare walks over all of them.
    var all: UnsafeMutableBufferPointer<Element> { UnsafeMutableBufferPointer(start: base, count: count) }
}
