/// Frames per uplink and time bin: bytes (original lengths, or line-rate bytes with preamble,
/// inter-frame gap and FCS when asked: protocols.md 7.4) and packets.
struct UplinkSeries {
    var packets = 0
    var bytes = 0
    /// Bytes and packets per bin.
    var binBytes = BinCounter()
    var binPackets = BinCounter()

    /// `packets` frames of `bytes` in all, in one bin.
    mutating func add(packets: Int, bytes: Int, bin: Int) {
        self.packets += packets
        self.bytes += bytes
        binBytes.add(bytes, at: bin)
        binPackets.add(packets, at: bin)
    }
}

/// What an uplink is: a capture interface, an ERSPAN session on one, or a VLAN on one.
struct UplinkIdentity: Hashable {
    var interface: Int
    var session: Int?
    var vlan: Int?
}

enum LineRate {
    /// Bytes a frame of `length` occupies on the wire: padded to 60, plus FCS, preamble and
    /// inter-frame gap (protocols.md 7.4).
    @inline(__always)
    static func bytes(_ length: Int) -> Int { max(length, 60) + 24 }
}
