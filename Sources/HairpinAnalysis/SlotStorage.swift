import HairpinCapture

/// A fixed run of plain values at an address that never changes, freed with the last value
/// that holds it. The tables read and written for every frame (`FlowTable`, `MirrorCopies`)
/// index it directly: an array would check its uniqueness on every write and its bounds on
/// every access, where the tables' masks already keep each index inside. A copy of a value
/// holding one shares it: each such table has one owner. The run starts on a cache line, so a
/// slot or set of slots a line's size apart from the start spans the lines its size says
/// (`MirrorCopies.prefetch` asks for two).
///
/// A run of `largePagesFrom` bytes or more starts on a 2 MB boundary and asks for 2 MB pages
/// (`adviseLargePages`): the flow table of a capture of many flows is read at a random place for
/// every frame, and in 4 KB pages most of those reads also missed the TLB (500,000 flows, one
/// thread: 1,000,000 frames analysed in 671-765 ms, 517-610 with 2 MB pages; two threads
/// 429-443 -> 251-276 ms).
final class SlotStorage<Element: BitwiseCopyable> {
    let base: UnsafeMutablePointer<Element>
    let count: Int
    static var lineBytes: Int { 64 }
    static var largePageBytes: Int { 2 << 20 }
    /// Smaller tables stay in the cache's reach, or nearly: 2 MB pages are not worth their zeroing.
    static var largePagesFrom: Int { 4 << 20 }

    init(repeating value: Element, count: Int) {
        self.count = count
        base = Self.allocate(count)
        base.initialize(repeating: value, count: count)
    }

    /// `count` slots whose bytes are all zero, for a table that tells an empty slot by a zero
    /// field. A large one (`largePagesFrom`) is the kernel's zeroed pages, none written here:
    /// filled with an empty value, its memory was written twice, the kernel's zeroing and the
    /// fill, all at once; now a page is taken up when a slot in it is first written (100,000
    /// flows, one thread: 1,694 -> 1,591 instructions a frame). A smaller one is zeroed here: it
    /// comes from memory the process already has, where fresh pages cost a fault each (a
    /// capture of a few hundred flows: 41 more faults).
    init(zeroedCount count: Int) {
        self.count = count
        base = Self.allocate(count)
        if !isMapped { UnsafeMutableRawPointer(base).initializeMemory(as: UInt8.self, repeating: 0, count: bytes) }
    }

    deinit {
        if isMapped {
            releaseZeroedPages(UnsafeMutableRawPointer(base), bytes)
        } else {
            UnsafeMutableRawPointer(base).deallocate()
        }
    }

    private var bytes: Int { count * MemoryLayout<Element>.stride }
    /// Whether the slots are the kernel's pages (a large table), given back to it.
    private var isMapped: Bool { bytes >= Self.largePagesFrom }

    /// Memory for `count` slots, not initialised: a large table's from the kernel, zeroed, on a
    /// 2 MB boundary and asking for 2 MB pages before the first write (which is when the kernel
    /// picks them); a smaller one's from the process's memory, on a cache line.
    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Element> {
        precondition(count > 0, "a table of at least one slot")
        let bytes = count * MemoryLayout<Element>.stride
        let memory: UnsafeMutableRawPointer
        if bytes >= largePagesFrom {
            memory = zeroedPages(bytes, alignment: largePageBytes)
            adviseLargePages(memory, bytes)
        } else {
            memory = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: max(lineBytes, MemoryLayout<Element>.alignment))
        }
        return memory.bindMemory(to: Element.self, capacity: count)
    }

    /// The slots as a collection, for the rare walks over all of them.
    var all: UnsafeMutableBufferPointer<Element> { UnsafeMutableBufferPointer(start: base, count: count) }
}
