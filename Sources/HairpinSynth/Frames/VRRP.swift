import HairpinWire

/// VRRP advertisements (protocols.md 5): version 2 (RFC 3768, IPv4, checksum over the message)
/// and version 3 (RFC 5798, IPv4 or IPv6, checksum with the pseudo-header), IP protocol 112,
/// TTL 255, to 224.0.0.18 / ff02::12.
public enum VRRPMessage {
    public static let protocolNumber: UInt8 = 112
    public static let groupV4 = IPv4Address(224, 0, 0, 18)
    public static let groupV6 = IPv6Address(high: 0xFF02_0000_0000_0000, low: 0x12)

    public static func version2(vrid: UInt8, priority: UInt8, intervalSeconds: UInt8 = 1, addresses: [IPv4Address],
                                authentication: String? = nil) -> [UInt8] {
        var builder = ByteBuilder(capacity: 16 + 4 * addresses.count)
        builder.u8(0x21)
        builder.u8(vrid)
        builder.u8(priority)
        builder.u8(UInt8(addresses.count))
        builder.u8(authentication == nil ? 0 : 1)
        builder.u8(intervalSeconds)
        builder.u16(0)
        for address in addresses { builder.ipv4(address) }
        var auth = Array((authentication ?? "").utf8.prefix(8))
        while auth.count < 8 { auth.append(0) }
        builder.append(auth)
        var checksum = InternetChecksum()
        checksum.add(builder.bytes)
        builder.set16(checksum.value, at: 6)
        return builder.bytes
    }

    public static func version3(vrid: UInt8, priority: UInt8, intervalCentiseconds: UInt16 = 100,
                                addresses: [IPAddress], source: IPAddress) -> [UInt8] {
        var builder = ByteBuilder(capacity: 8 + 16 * addresses.count)
        builder.u8(0x31)
        builder.u8(vrid)
        builder.u8(priority)
        builder.u8(UInt8(addresses.count))
        builder.u16(intervalCentiseconds & 0x0FFF)
        builder.u16(0)
        for address in addresses { builder.ip(address) }
        let destination: IPAddress = if case .v4 = source { .v4(groupV4) } else { .v6(groupV6) }
        var checksum = InternetChecksum.pseudoHeader(source: source, destination: destination, protocol: protocolNumber,
                                                     length: builder.bytes.count)
        checksum.add(builder.bytes)
        builder.set16(checksum.value, at: 6)
        return builder.bytes
    }
}
