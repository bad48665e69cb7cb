import HairpinWire

/// IPv4 and IPv6 packets with correct header checksums (IPv4) and lengths.
public enum IPPacket {
    public static func ipv4(source: IPv4Address, destination: IPv4Address, protocol number: UInt8, ttl: UInt8 = 64,
                            identification: UInt16 = 0, tos: UInt8 = 0, dontFragment: Bool = true, payload: [UInt8]) -> [UInt8] {
        var builder = ByteBuilder(capacity: 20 + payload.count)
        builder.u8(0x45)
        builder.u8(tos)
        builder.u16(UInt16(20 + payload.count))
        builder.u16(identification)
        builder.u16(dontFragment ? 0x4000 : 0)
        builder.u8(ttl)
        builder.u8(number)
        builder.u16(0)
        builder.ipv4(source)
        builder.ipv4(destination)
        var checksum = InternetChecksum()
        checksum.add(builder.bytes[0..<20])
        builder.set16(checksum.value, at: 10)
        builder.append(payload)
        return builder.bytes
    }

    public static func ipv6(source: IPv6Address, destination: IPv6Address, nextHeader: UInt8, hopLimit: UInt8 = 64,
                            trafficClass: UInt8 = 0, flowLabel: UInt32 = 0, payload: [UInt8]) -> [UInt8] {
        var builder = ByteBuilder(capacity: 40 + payload.count)
        builder.u32(6 << 28 | UInt32(trafficClass) << 20 | (flowLabel & 0xF_FFFF))
        builder.u16(UInt16(payload.count))
        builder.u8(nextHeader)
        builder.u8(hopLimit)
        builder.ipv6(source)
        builder.ipv6(destination)
        builder.append(payload)
        return builder.bytes
    }

    /// The right one for the address family; `ttl` is the hop limit for IPv6.
    public static func packet(source: IPAddress, destination: IPAddress, protocol number: UInt8, ttl: UInt8 = 64,
                              identification: UInt16 = 0, tos: UInt8 = 0, payload: [UInt8]) -> [UInt8] {
        switch (source, destination) {
        case (.v4(let s), .v4(let d)):
            return ipv4(source: s, destination: d, protocol: number, ttl: ttl, identification: identification, tos: tos, payload: payload)
        case (.v6(let s), .v6(let d)):
            return ipv6(source: s, destination: d, nextHeader: number, hopLimit: ttl, trafficClass: tos, payload: payload)
        default:
            preconditionFailure("mixed address families")
        }
    }

    /// EtherType for the family of `address`.
    public static func etherType(_ address: IPAddress) -> UInt16 {
        if case .v4 = address { return 0x0800 }
        return 0x86DD
    }
}
