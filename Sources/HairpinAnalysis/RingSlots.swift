#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import HairpinWire
import Synchronization

/// The memory of the frame ring's slots (`FrameRing`): each slot's frame number, decoded packet
/// and summary, in one region; frame numbers and summaries initialised at once, packets when
/// first decoded into (`packet(at:)`). Touching its 6 MB for the first time
/// costs the kernel a page fault per page and the zeroing of each, 1.5 ms on a 2-core virtual
/// machine: so a run's slots are prepared on the standby thread while the command line is
/// parsed (`Prepared`), and the first ring takes them (the 64-byte benchmark capture, from the
/// start of `main` to the last frame analysed, 31 runs alternating: median 44.2 -> 43.2 ms).
/// In 4 KB pages: 2 MB pages (`MADV_HUGEPAGE`) were made ready in 0.35 ms, but in 5 to 14 ms in
/// about a third of the runs (the host backing them), and once prepared ahead the analysis ran
/// no faster in them (41 runs each: median 44.2 and 42.3 ms, third quartile 54.7 and 43.0).
struct RingSlots {
    let region: UnsafeMutableRawPointer
    let frames: UnsafeMutablePointer<Int>
    let packets: UnsafeMutablePointer<DecodedPacket>
    let summaries: UnsafeMutablePointer<FrameSummary>
    /// One bit per slot: whether its packet is initialised (`packet(at:)`).
    let packetsReady: UnsafeMutablePointer<UInt64>
    static let capacity = FrameRing.batchSize * FrameRing.batchCount
    /// Words of `packetsReady`.
    static let readyWords = (capacity + 63) / 64
    static let alignment = 4096

    /// Allocates and initialises the slots: every array in one region, each on a cache line of its
    /// own: the fields the trackers read of each packet lie in its first 200 bytes (see
    /// `DecodedPacket`); padding each packet to whole lines measured slower.
    static func allocate() -> RingSlots {
        func lines(_ bytes: Int) -> Int { (bytes + 63) & ~63 }
        let packetBytes = lines(MemoryLayout<DecodedPacket>.stride * capacity)
        let summaryBytes = lines(MemoryLayout<FrameSummary>.stride * capacity)
        let frameBytes = lines(MemoryLayout<Int>.stride * capacity)
        let regionBytes = packetBytes + summaryBytes + frameBytes
        var allocated: UnsafeMutableRawPointer?
        guard posix_memalign(&allocated, alignment, regionBytes) == 0, let region = allocated else {
            fatalError("cannot allocate the frame ring (\(regionBytes) bytes)")
        }
        // The packets are initialised one by one, when first decoded into (`packet(at:)`).
        let packets = region.bindMemory(to: DecodedPacket.self, capacity: capacity)
        let summaries = (region + packetBytes).bindMemory(to: FrameSummary.self, capacity: capacity)
        summaries.initialize(repeating: FrameSummary(), count: capacity)
        let frames = (region + packetBytes + summaryBytes).bindMemory(to: Int.self, capacity: capacity)
        frames.initialize(repeating: 0, count: capacity)
        let packetsReady = UnsafeMutablePointer<UInt64>.allocate(capacity: readyWords)
        packetsReady.initialize(repeating: 0, count: readyWords)
        return RingSlots(region: region, frames: frames, packets: packets, summaries: summaries, packetsReady: packetsReady)
    }

    /// The packet of `slot`, initialised the first time it is asked for. Only the thread that
    /// decodes into the ring calls it. Common frames keep their packet back (`FrameSummary`):
    /// where all frames are common, no packet is ever written and the 4 MB of packets are never
    /// touched. Initialised all at once, they made the preparation take 2.4-3.2 ms instead of
    /// 0.3-0.4, and the ring was ready 4.0-8.0 ms after the process began instead of 2.6-4.5
    /// (the 64-byte benchmark capture, 20 runs each, medians about 5.5 and 3.2 ms): the command
    /// line is parsed sooner than that, and the analysis waited for the slots (or, where the
    /// standby thread started late, allocated them itself).
    @inline(__always)
    func packet(at slot: Int) -> UnsafeMutablePointer<DecodedPacket> {
        let word = slot >> 6, bit = UInt64(1) << UInt64(slot & 63)
        if packetsReady[word] & bit == 0 {
            (packets + slot).initialize(to: DecodedPacket(linkType: .ethernet, capturedLength: 0))
            packetsReady[word] |= bit
        }
        return packets + slot
    }

    func deallocate() {
        // Packets, frames and summaries are bitwise copyable: nothing to deinitialise.
        packetsReady.deallocate()
        free(region)
    }

    /// One set of slots made ready on one thread (`prepare`) for another to take (`take`).
    final class Prepared: @unchecked Sendable {
        /// The process's: prepared by `ParallelAnalysis.prepareAhead`, taken by the first ring.
        static let shared = Prepared()

        private static let idle = 0, preparing = 1, ready = 2, taken = 3
        private let state = Atomic<Int>(idle)
        /// Written before `state` says `ready`, read only by the one `take` that moves it to `taken`.
        private var slots: RingSlots?

        init() {}

        deinit {
            if state.load(ordering: .acquiring) == Self.ready { slots?.deallocate() }
        }

        /// Allocates the slots for `take` (with `make`), once; later calls do nothing.
        func prepare(make: () -> RingSlots = RingSlots.allocate) {
            guard state.compareExchange(expected: Self.idle, desired: Self.preparing, ordering: .relaxed).exchanged else { return }
            slots = make()
            state.store(Self.ready, ordering: .releasing)
        }

        /// The prepared slots once they are ready (waiting while they are being prepared), or
        /// newly allocated ones when the preparation has not begun (it then does nothing) or the
        /// prepared ones were taken already.
        func take() -> RingSlots {
            while true {
                switch state.load(ordering: .acquiring) {
                case Self.preparing:
                    sched_yield()
                case Self.ready:
                    guard state.compareExchange(expected: Self.ready, desired: Self.taken, ordering: .acquiring).exchanged else { continue }
                    defer { slots = nil }
                    return slots!
                case Self.idle:
                    // Not begun: a preparation that begins later does nothing.
                    guard state.compareExchange(expected: Self.idle, desired: Self.taken, ordering: .relaxed).exchanged else { continue }
                    return RingSlots.allocate()
                default:
                    return RingSlots.allocate()
                }
            }
        }
    }
}
