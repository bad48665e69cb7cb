import HairpinWire

/// Tells a frame's first sighting from its copies on other capture points (a broadcast flooded
/// to every mirrored port, a unicast crossing the DCI): a fixed table of recent frame digests,
/// two ways per set, so memory and time per frame are constant and two busy frames that share a
/// set do not push each other out before their copies arrive (direct-mapped, the table missed
/// about 2% of the copies of a busy scenario). A digest seen at another point within `window` is
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
    private let table: SlotStorage<Slot>
    /// The first slot of a digest's set: its low bits with the way bit cleared.
    private let setMask: Int
    let window: Int64
    private(set) var clock = ClockPairs()

    /// `count`: a power of two, at least 2.
    init(slots count: Int = 1 << 14, window: Int64) {
        precondition(count >= 2 && count & (count - 1) == 0, "a power of two of at least two slots")
        table = SlotStorage(repeating: Slot(), count: count)
        setMask = (count - 1) & ~1
        self.window = window
    }

    /// True when the frame was already seen at another point (capture interface, ERSPAN session,
    /// SLL2 interface: `point` identifies one) within the window.
    /// Copies feed `clock` with the delay from the first sighting.
    @inline(__always)
    mutating func isCopy(_ digest: UInt64, time: Int64, point: Int) -> Bool {
        let slots = table.base
        let first = Int(truncatingIfNeeded: digest) & setMask
        let (a, b) = (slots[first], slots[first + 1])
        // The way holding this digest, else the one used longer ago (an empty one first).
        let way: Int
        if a.digest == digest && a.time != .min {
            way = first
        } else if b.digest == digest && b.time != .min {
            way = first + 1
        } else {
            slots[a.time <= b.time ? first : first + 1] = Slot(digest: digest, time: time, point: point)
            return false
        }
        let slot = slots[way]
        if slot.point != point && time - slot.time <= window {
            clock.record(first: slot.point, copy: point, delay: time - slot.time)
            return true
        }
        slots[way] = Slot(digest: digest, time: time, point: point)
        return false
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

