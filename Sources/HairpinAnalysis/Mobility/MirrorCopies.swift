import HairpinWire

/// Tells a frame's first sighting from its copies on other capture points (a broadcast flooded
/// to every mirrored port, a unicast crossing the DCI): a fixed table of recent frame digests,
/// direct-mapped, so memory and time per frame are constant. A digest seen at another point
/// within `window` is a copy; at the same point, a new frame (RARP bursts repeat their bytes).
struct MirrorCopies {
    private struct Slot {
        var digest: UInt64 = 0
        var time: Int64 = .min
        var point: Int = 0
    }

    private var slots: [Slot]
    private let mask: Int
    let window: Int64
    private(set) var clock = ClockPairs()

    init(slots count: Int = 1 << 14, window: Int64) {
        slots = Array(repeating: Slot(), count: count)
        mask = count - 1
        self.window = window
    }

    /// True when the frame was already seen at another point (capture interface, ERSPAN session,
    /// SLL2 interface: `point` identifies one) within the window.
    /// Copies feed `clock` with the delay from the first sighting.
    mutating func isCopy(_ digest: UInt64, time: Int64, point: Int) -> Bool {
        let index = Int(truncatingIfNeeded: digest) & mask
        let slot = slots[index]
        if slot.digest == digest && slot.point != point && slot.time != .min && time - slot.time <= window {
            clock.record(first: slot.point, copy: point, delay: time - slot.time)
            return true
        }
        slots[index] = Slot(digest: digest, time: time, point: point)
        return false
    }

    /// A digest of what stays the same on every point a frame crosses in its L2 domain: the
    /// source MAC and up to 48 bytes from the network layer (tags and tunnels stripped): the IP
    /// header with its identification and the start of the transport header, or the ARP body.
    static func digest(_ bytes: UnsafeRawBufferPointer, from offset: Int, source: MACAddress) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ source.rawValue
        let end = min(bytes.count, offset + 48)
        var index = max(0, offset)
        while index + 8 <= end {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0x100_0000_01b3
            hash ^= hash >> 29
            index += 8
        }
        while index < end {
            hash = (hash ^ UInt64(bytes[index])) &* 0x100_0000_01b3
            index += 1
        }
        return hash ^ (hash >> 32)
    }
}
