/// VRRP v2 (RFC 3768) and v3 (RFC 5798), IP protocol 112, and CARP, which shares the protocol
/// number (told apart as Wireshark does: byte 3, CARP's authentication length, is 7). The
/// address count is checked against the bytes present, never trusted.
enum VRRPHeader {
    static let protocolNumber: UInt8 = 112
    static let length = 8
    static let authenticationLength = 8
    static let carpMinimumLength = 36

    static func isCARP(_ bytes: ByteView, at offset: Int, end: Int) -> Bool {
        guard end - offset >= carpMinimumLength else { return false }
        let versionType = bytes.u8(offset)
        return (versionType >> 4 == 1 || versionType >> 4 == 2) && versionType & 0x0F == 1 && bytes.u8(offset + 3) == 7
    }
}

extension FrameWalk {
    mutating func vrrp(at offset: Int, end: Int, ipv6: Bool) {
        let limit = min(end, bytes.count)
        guard has(VRRPHeader.length, at: offset, .vrrp) else { return }
        if VRRPHeader.isCARP(bytes, at: offset, end: limit) {
            var message = FHRPMessage(kind: .carp)
            message.opcode = bytes.u8(offset) & 0x0F
            message.group = UInt16(bytes.u8(offset + 1))
            message.priority = UInt32(bytes.u8(offset + 2))
            packet.fhrp = message
            packet.layers.append(.vrrp)
            return
        }
        let versionType = bytes.u8(offset)
        let version = versionType >> 4
        guard version == 2 || version == 3 else {
            stop(.malformed, .vrrp, at: offset)
            return
        }
        var message = FHRPMessage(kind: version == 2 ? .vrrp2 : .vrrp3)
        message.opcode = versionType & 0x0F
        message.group = UInt16(bytes.u8(offset + 1))
        message.priority = UInt32(bytes.u8(offset + 2))
        message.addressCount = Int(bytes.u8(offset + 3))
        message.state = message.priority == 0 ? .disabled : .active
        if version == 2 {
            if bytes.u8(offset + 4) == 1 { message.authentication = 0 }
            message.helloMilliseconds = UInt32(bytes.u8(offset + 5)) * 1000
        } else {
            message.helloMilliseconds = UInt32(bytes.u16(offset + 4) & 0x0FFF) * 10
        }
        let width = ipv6 ? 16 : 4
        var cursor = offset + VRRPHeader.length
        for _ in 0..<message.addressCount {
            guard cursor + width <= limit else { break }
            message.addAddress(ipv6 ? .v6(bytes.ipv6(cursor)) : .v4(bytes.ipv4(cursor)))
            cursor += width
        }
        if message.addressesPresent < message.addressCount {
            truncated(.vrrp, at: offset, needed: VRRPHeader.length + message.addressCount * width)
        } else if version == 2, message.authentication != nil, cursor + VRRPHeader.authenticationLength <= limit {
            message.authentication = UInt64(bytes.u32(cursor)) << 32 | UInt64(bytes.u32(cursor + 4))
        }
        packet.fhrp = message
        packet.layers.append(.vrrp)
    }
}
