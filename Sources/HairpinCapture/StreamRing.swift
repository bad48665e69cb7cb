#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import CPlatform
import Dispatch
import Synchronization

/// A stream's bytes (standard input, or a gzip or zstd file inflated) in a ring mapped twice over
/// (`hairpin_map_mirrored`), filled by a thread of its own straight from the stream while the
/// reader reads behind it. Nothing is copied between the two, and nothing the reader keeps ever
/// moves: any range of the ring's size is contiguous however it wraps. The filler writes only
/// where the reader keeps nothing any more; the reader waits only for bytes not there yet.
///
/// The offset `o` of the stream is at `base + (o & (capacity - 1))`.
///
/// Where no ring can be mapped twice, a plain one (`init(stream:plainCapacity:)`) is read a copy
/// at a time (`read(into:capacity:)`), into the buffer whose kept bytes are slid down instead.
final class StreamRing: @unchecked Sendable {
    let name: String
    /// The ring, and its size: a power of two. Both change only while no filler runs (`grow`).
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    private let stream: InputStream
    /// False for a plain ring: the filler never writes across its end, and bytes are only
    /// copied out of it (`read`).
    private let isMirrored: Bool
    /// How far `read` copied the stream out.
    private var copied: Int64 = 0
    /// Bytes of the stream in the ring so far (the filler's), and the first the reader still
    /// keeps (the reader's): the filler writes below `kept + capacity` only.
    private let produced = Atomic<Int64>(0)
    private let kept = Atomic<Int64>(0)
    /// Set by the filler once it stopped for good: the stream ended (`failure` nil) or failed.
    private let finished = Atomic<Bool>(false)
    /// Written by the filler before `finished`, read by the reader after it.
    private var failure: CaptureError?
    private var cut = false
    /// Asks the filler to stop after its current read (`grow`, or the reader let go).
    private let stopping = Atomic<Bool>(false)
    /// Each side says it is about to sleep, so that the other wakes it.
    private let fillerSleeps = Atomic<Bool>(false)
    private let readerSleeps = Atomic<Bool>(false)
    private let room = DispatchSemaphore(value: 0)
    private let arrived = DispatchSemaphore(value: 0)
    private let fillerEnded = DispatchSemaphore(value: 0)

    /// Bytes one read of the stream asks for at most: the reader gets them a step at a time,
    /// soon after they were written and while they are still in the cache.
    static let readStep = 1 << 20

    /// Nil when the ring cannot be mapped (no anonymous memory files, a capacity that is not a
    /// power of two and a multiple of the page size): the caller holds the stream another way.
    convenience init?(stream: InputStream, capacity: Int) {
        guard let ring = Self.map(capacity: capacity) else { return nil }
        self.init(stream: stream, memory: ring, capacity: capacity, mirrored: true)
    }

    /// A plain ring of `plainCapacity` bytes (a power of two), for `read` only.
    convenience init(stream: InputStream, plainCapacity: Int) {
        precondition(plainCapacity > 0 && plainCapacity & (plainCapacity - 1) == 0, "a ring's capacity is a power of two")
        self.init(stream: stream, memory: .allocate(byteCount: plainCapacity, alignment: 64), capacity: plainCapacity, mirrored: false)
    }

    private init(stream: InputStream, memory: UnsafeMutableRawPointer, capacity: Int, mirrored: Bool) {
        name = stream.name
        self.stream = stream
        base = memory
        self.capacity = capacity
        isMirrored = mirrored
        startFiller()
    }

    deinit {
        if isMirrored { hairpin_unmap_mirrored(base, capacity) } else { base.deallocate() }
    }

    private static func map(capacity: Int) -> UnsafeMutableRawPointer? {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard capacity > 0, capacity & (capacity - 1) == 0, page > 0, capacity % page == 0 else { return nil }
        return hairpin_map_mirrored(capacity)
    }

    /// Known once the stream ended: it ended inside a gzip member or zstd frame.
    var wasCut: Bool { finished.load(ordering: .acquiring) && cut }

    /// Tells the filler to stop after its current read; the reader is done with the stream. The
    /// filler keeps the ring alive until then.
    func letGo() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        room.signal()
    }

    /// Lets the filler write over everything before `keep`, then waits until the stream's bytes
    /// reach `wanted`, or it ended. Returns how far they reach, and whether that is the stream's
    /// end; throws what stopped the stream when it failed before `wanted`. Grows the ring when
    /// `wanted` lies further than its size past `keep`.
    func bytes(upTo wanted: Int64, keeping keep: Int64) throws(CaptureError) -> (end: Int64, isEnd: Bool) {
        // Sequentially consistent, as the flags: the other side's look after saying it sleeps
        // must see this store, or its own flag be seen here.
        kept.store(keep, ordering: .sequentiallyConsistent)
        if fillerSleeps.exchange(false, ordering: .sequentiallyConsistent) { room.signal() }
        if wanted - keep > Int64(capacity) { try grow(toHold: wanted - keep, keeping: keep) }
        while true {
            let end = produced.load(ordering: .acquiring)
            if end >= wanted { return (end, false) }
            if finished.load(ordering: .acquiring) {
                let last = produced.load(ordering: .acquiring)
                if last < wanted, let failure { throw failure }
                return (last, last < wanted || failure == nil)
            }
            readerSleeps.store(true, ordering: .sequentiallyConsistent)
            if produced.load(ordering: .sequentiallyConsistent) >= wanted || finished.load(ordering: .sequentiallyConsistent) {
                readerSleeps.store(false, ordering: .relaxed)
                continue
            }
            arrived.wait()
        }
    }

    /// Copies up to `capacity` of the stream's next bytes to `destination` (waiting for at least
    /// one), and lets the filler write over them; 0 only at the stream's end. For a plain ring.
    func read(into destination: UnsafeMutableRawPointer, capacity wanted: Int) throws(CaptureError) -> Int {
        let (end, _) = try bytes(upTo: copied + 1, keeping: copied)
        let count = min(wanted, Int(end - copied))
        guard count > 0 else { return 0 }
        let start = Int(copied & Int64(capacity - 1))
        let first = min(count, capacity - start)
        destination.copyMemory(from: base + start, byteCount: first)
        if first < count { (destination + first).copyMemory(from: base, byteCount: count - first) }
        copied += Int64(count)
        return count
    }

    /// Stops the filler, moves what is kept into a ring of the next power of two that holds
    /// `length` bytes, and starts the filler again.
    private func grow(toHold length: Int64, keeping keep: Int64) throws(CaptureError) {
        guard length <= Int64(ByteSource.maximumBuffer) else { throw ByteSource.heldTooMuch(file: name, offset: keep) }
        let wasRunning = !finished.load(ordering: .acquiring)
        if wasRunning {
            stopping.store(true, ordering: .sequentiallyConsistent)
            room.signal()
            fillerEnded.wait()
        }
        var grown = capacity * 2
        while Int64(grown) < length { grown *= 2 }
        guard let ring = Self.map(capacity: grown) else { throw CaptureError(.readFailed(errno: ENOMEM), file: name, offset: keep) }
        let end = produced.load(ordering: .acquiring)
        let oldMask = Int64(capacity - 1), newMask = Int64(grown - 1)
        (ring + Int(keep & newMask)).copyMemory(from: base + Int(keep & oldMask), byteCount: Int(end - keep))
        hairpin_unmap_mirrored(base, capacity)
        base = ring
        capacity = grown
        if wasRunning && !finished.load(ordering: .acquiring) {
            stopping.store(false, ordering: .sequentiallyConsistent)
            startFiller()
        }
    }

    private func startFiller() {
        // The thread holds the ring (and its memory) until it ends, even after the reader let go.
        runOnThreadOfItsOwn(named: "hairpin-stream") { [self] in fill() }
    }

    /// The filler: reads the stream into the free part of the ring, a step at a time, until it
    /// ends, fails or is told to stop.
    private func fill() {
        let mask = Int64(capacity - 1)
        while !stopping.load(ordering: .acquiring) {
            let end = produced.load(ordering: .relaxed)
            var free = Int(kept.load(ordering: .acquiring) + Int64(capacity) - end)
            // A plain ring is written up to its end, then from its start.
            if !isMirrored { free = min(free, capacity - Int(end & mask)) }
            if free <= 0 {
                fillerSleeps.store(true, ordering: .sequentiallyConsistent)
                if kept.load(ordering: .sequentiallyConsistent) + Int64(capacity) > end || stopping.load(ordering: .sequentiallyConsistent) {
                    fillerSleeps.store(false, ordering: .relaxed)
                    continue
                }
                room.wait()
                continue
            }
            let count: Int
            do {
                count = try stream.read(into: base + Int(end & mask), capacity: min(free, Self.readStep), offset: end)
            } catch {
                failure = error
                finish()
                return
            }
            if count == 0 {
                cut = !stream.atFrameEnd
                finish()
                return
            }
            produced.store(end + Int64(count), ordering: .sequentiallyConsistent)
            if readerSleeps.exchange(false, ordering: .sequentiallyConsistent) { arrived.signal() }
        }
        fillerEnded.signal()
    }

    private func finish() {
        finished.store(true, ordering: .sequentiallyConsistent)
        if readerSleeps.exchange(false, ordering: .sequentiallyConsistent) { arrived.signal() }
        fillerEnded.signal()
    }
}
