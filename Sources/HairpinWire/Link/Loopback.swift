/// BSD loopback (LINKTYPE_NULL: address family in the writer's byte order) and OpenBSD
/// LINKTYPE_LOOP (network order).
enum LoopbackHeader {
    static let length = 4
    static let inet: UInt32 = 2
    /// AF_INET6 differs by system: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30.
    static let inet6: Set<UInt32> = [10, 24, 28, 30]
}

extension FrameWalk {
    mutating func loopback(at offset: Int, networkOrder: Bool) -> Decoder.Step {
        guard has(LoopbackHeader.length, at: offset, .loopback) else { return .done }
        var family = bytes.u32(offset)
        // LINKTYPE_NULL is in the capturing host's order: a family is small, so swap when it is not.
        if !networkOrder && family > 0xFFFF { family = family.byteSwapped }
        packet.layers.append(.loopback)
        if family == LoopbackHeader.inet { return .ipv4(offset + LoopbackHeader.length) }
        if LoopbackHeader.inet6.contains(family) { return .ipv6(offset + LoopbackHeader.length) }
        stop(.unsupported, .loopback, at: offset, value: family)
        return .done
    }
}
