import CPlatform
import HairpinWire

/// Tells a frame's first sighting from its copies on other capture points (a broadcast flooded
/// to every mirrored port, a unicast crossing the DCI): a table of recent frame digests, four
/// ways per set, so time per frame is constant and busy frames that share a set do not push
/// each other out before their copies arrive. A copy missed is taken for a sighting, and one
/// such sighting of a busy host away from home starts a departure its path is then followed
/// by: with 16,384 slots in sets of two, the vMotion stream of the hairpin scenario, copied
/// 1.5 ms later to the far host's uplink, had its source followed as if it had moved (and at
/// scale 60 both hosts, a quarter of the analysis' instructions spent on them). The table
/// doubles, up to `maximumSlots`, while digests are pushed out before their window ended
/// (`growthEvictions` within a second of capture): the rate of frames times the delay of
/// their copies decides how many must wait, and a larger table than that costs cache misses
/// on every frame (65,536 slots from the start: the hairpin scenario at scale 60 a quarter
/// slower on one thread than with 16,384). A digest seen at another point within `window` is
/// a copy; at the same point, a new frame (RARP bursts repeat their bytes).
///
/// A copy of this value shares its table: it is kept by one analysis, which hands it over whole.
struct MirrorCopies {
    private struct Slot {
        var digest: UInt64 = 0
        var time: Int64 = .min
        var point: Int = 0
    }

    /// The slots, indexed under `setMask`.
    private var table: SlotStorage<Slot>
    /// The first slot of a digest's set: its low bits with the way bits cleared.
    private var setMask: Int
    static let ways = 4
    let window: Int64
    let maximumSlots: Int
    private(set) var clock = ClockPairs()
    /// Digests pushed out of the table younger than the window: a copy of one, if one was still
    /// to come, was taken for a sighting.
    private(set) var evictedEarly = 0
    /// This many early evictions within a second of capture time make the table grow.
    static let growthEvictions = 64
    /// `evictedEarly` and the frame time when the last `growthEvictions` began.
    private var growthMark: (evicted: Int, time: Int64) = (0, .min)

    /// `count` and `maximumSlots`: powers of two, at least `ways`.
    init(slots count: Int = 1 << 14, maximumSlots: Int = 1 << 20, window: Int64) {
        precondition(count >= Self.ways && count & (count - 1) == 0, "a power of two of at least one set of slots")
        table = SlotStorage(repeating: Slot(), count: count)
        setMask = (count - 1) & ~(Self.ways - 1)
        self.maximumSlots = max(count, maximumSlots)
        self.window = window
    }

    /// Slots in the table now.
    var slotCount: Int { table.count }

    /// True when the frame was already seen at another point (capture interface, ERSPAN session,
    /// SLL2 interface: `point` identifies one) within the window.
    /// Copies feed `clock` with the delay from the first sighting.
    @inline(__always)
    mutating func isCopy(_ digest: UInt64, time: Int64, point: Int) -> Bool {
        let set = table.base + (Int(truncatingIfNeeded: digest) & setMask)
        // The way holding this digest, else the one used longest ago (an empty one first).
        var oldest = 0
        for way in 0..<Self.ways {
            let slot = set[way]
            if slot.digest == digest && slot.time != .min {
                if slot.point != point && time - slot.time <= window {
                    clock.record(first: slot.point, copy: point, delay: time - slot.time)
                    return true
                }
                set[way] = Slot(digest: digest, time: time, point: point)
                return false
            }
            if slot.time < set[oldest].time { oldest = way }
        }
        if set[oldest].time != .min && time - set[oldest].time <= window {
            evictedEarly += 1
            if evictedEarly - growthMark.evicted >= Self.growthEvictions, growIfBusy(at: time) {
                enter(Slot(digest: digest, time: time, point: point))
                return false
            }
        }
        set[oldest] = Slot(digest: digest, time: time, point: point)
        return false
    }

    /// Writes `slot` over the oldest of its set.
    private func enter(_ slot: Slot) {
        let set = table.base + (Int(truncatingIfNeeded: slot.digest) & setMask)
        var oldest = 0
        for way in 1..<Self.ways where set[way].time < set[oldest].time { oldest = way }
        set[oldest] = slot
    }

    /// Doubles the table when the last `growthEvictions` early evictions came within a second,
    /// keeping the digests still within their window; returns whether it grew.
    @inline(never)
    private mutating func growIfBusy(at time: Int64) -> Bool {
        let busy = growthMark.time != .min && time - growthMark.time < 1_000_000_000
        growthMark = (evictedEarly, time)
        guard busy, table.count < maximumSlots else { return false }
        let old = table
        table = SlotStorage(repeating: Slot(), count: old.count * 2)
        setMask = (table.count - 1) & ~(Self.ways - 1)
        for slot in old.all where slot.time != .min && time - slot.time <= window { enter(slot) }
        return true
    }

    /// Asks for the set of `digest`, a few frames before `isCopy` reads it. Mutating, so the
    /// analysis calls it in place: a read of the filter holding it copied it, its tables
    /// retained and released, for every frame (a fifth of the analysing thread's instructions
    /// on the hairpin scenario).
    @inline(__always)
    mutating func prefetch(_ digest: UInt64) {
        let set = table.base + (Int(truncatingIfNeeded: digest) & setMask)
        // Four slots of 24 bytes from a multiple of 96 bytes past a line's start: two lines,
        // the first byte's and the last's.
        let bytes = UnsafeRawPointer(set)
        hairpin_prefetch(bytes)
        hairpin_prefetch(bytes + Self.ways * MemoryLayout<Slot>.stride - 1)
    }

    /// A digest of what stays the same on every point a frame crosses in its L2 domain: the
    /// source MAC and up to 48 bytes from the network layer (tags and tunnels stripped): the IP
    /// header with its identification and the start of the transport header, or the ARP body.
    /// Three independent 128-bit multiplies of word pairs, not a byte-serial hash: a frame pays
    /// this once, on the reading thread.
    @inline(__always)
    static func digest(_ bytes: UnsafeRawBufferPointer, from offset: Int, source: MACAddress) -> UInt64 {
        let start = max(0, offset)
        let count = min(bytes.count - start, 48)
        let seed = source.rawValue ^ 0x9E37_79B9_7F4A_7C15
        guard let base = bytes.baseAddress, count > 0 else { return mix(seed, 0xA076_1D64_78BD_642F) }
        if count == 48 { return digest(words: base + start, seed: seed, count: 48) }
        // Shorter: the bytes there are, zero-filled to 48.
        var padded: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &padded) { buffer in
            buffer.baseAddress!.copyMemory(from: base + start, byteCount: count)
            return digest(words: UnsafeRawPointer(buffer.baseAddress!), seed: seed, count: count)
        }
    }

    @inline(__always)
    private static func digest(words p: UnsafeRawPointer, seed: UInt64, count: Int) -> UInt64 {
        func word(_ index: Int) -> UInt64 { p.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self) }
        let first = mix(word(0) ^ 0xE703_7ED1_A0B4_28DB, word(1) ^ seed)
        let second = mix(word(2) ^ 0x8EBC_6AF0_9C88_C6E3, word(3) ^ seed)
        let third = mix(word(4) ^ 0x5899_65CC_7537_4CC3, word(5) ^ seed)
        return mix(first ^ (second << 29 | second >> 35) ^ UInt64(count), third ^ 0x1D8E_4E27_C47D_124F)
    }

    /// Both halves of the full product, folded: every input bit reaches most output bits.
    @inline(__always)
    private static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }
}

