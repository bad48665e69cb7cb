import HairpinWire

/// Tells a frame's first sighting from its copies on other capture points (a broadcast flooded
/// to every mirrored port, a unicast crossing the DCI): a fixed table of recent frame digests,
/// direct-mapped, so memory and time per frame are constant. A digest seen on another capture
/// point within `window` is a copy; on the same point, a new frame (RARP bursts repeat bytes).
struct MirrorCopies {
    private var digests: [UInt64]
    private var times: [Int64]
    private var points: [Int]
    private let mask: Int
    let window: Int64

    init(slots: Int = 1 << 14, window: Int64) {
        digests = Array(repeating: 0, count: slots)
        times = Array(repeating: .min, count: slots)
        points = Array(repeating: 0, count: slots)
        mask = slots - 1
        self.window = window
    }

    /// True when the frame was already seen at another point (capture interface, ERSPAN session,
    /// SLL2 interface: `point` identifies one) within the window.
    mutating func isCopy(_ digest: UInt64, time: Int64, point: Int) -> Bool {
        let slot = Int(truncatingIfNeeded: digest) & mask
        if digests[slot] == digest && points[slot] != point && times[slot] != .min && time - times[slot] <= window {
            return true
        }
        digests[slot] = digest
        times[slot] = time
        points[slot] = point
        return false
    }

    /// A digest of what stays the same on every point a frame crosses in its L2 domain: the
    /// source MAC and up to 64 bytes from the network layer (tags and tunnels stripped).
    static func digest(_ bytes: UnsafeRawBufferPointer, from offset: Int, source: MACAddress) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ source.rawValue
        let end = min(bytes.count, offset + 64)
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
