/// Frames per uplink and time bin: bytes (original lengths, or line-rate bytes with preamble,
/// inter-frame gap and FCS when asked: protocols.md 7.4) and packets.
struct UplinkSeries {
    var packets = 0
    var bytes = 0
    /// Bytes and packets per bin, up to the last `settle()`.
    var binBytes: [Int] = []
    var binPackets: [Int] = []
    /// The bin frames are falling in now and what it got so far: most frames add to the bin of
    /// the one before, so they touch two counters instead of two arrays.
    private var openBin = -1
    private var openBytes = 0
    private var openPackets = 0

    @inline(__always)
    mutating func add(bytes: Int, bin: Int) {
        packets += 1
        self.bytes += bytes
        if bin != openBin {
            settle()
            openBin = bin
        }
        openBytes += bytes
        openPackets += 1
    }

    /// Moves the open bin's counts into the arrays (before they are read or merged).
    mutating func settle() {
        guard openBin >= 0 else { return }
        binBytes.add(openBytes, at: openBin)
        binPackets.add(openPackets, at: openBin)
        openBin = -1
        openBytes = 0
        openPackets = 0
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
