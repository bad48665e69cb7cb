import HairpinWire

/// TCP segments and UDP datagrams with checksums over the pseudo-header.
public enum TransportSegment {
    public static func tcp(source: IPAddress, destination: IPAddress, sourcePort: UInt16, destinationPort: UInt16,
                           sequence: UInt32, acknowledgment: UInt32, flags: UInt8, window: UInt16,
                           options: [UInt8] = [], payload: [UInt8] = [], payloadSum: InternetChecksum? = nil,
                           payloadLength: Int? = nil) -> [UInt8] {
        let headerLength = 20 + options.count
        let length = payloadLength ?? payload.count
        var builder = ByteBuilder(capacity: headerLength + payload.count)
        builder.u16(sourcePort)
        builder.u16(destinationPort)
        builder.u32(sequence)
        builder.u32(acknowledgment)
        builder.u8(UInt8(headerLength / 4) << 4)
        builder.u8(flags)
        builder.u16(window)
        builder.u16(0)
        builder.u16(0)
        builder.append(options)
        var checksum = InternetChecksum.pseudoHeader(source: source, destination: destination, protocol: 6, length: headerLength + length)
        checksum.add(builder.bytes)
        if let payloadSum { checksum.add(payloadSum) } else { checksum.add(payload) }
        builder.set16(checksum.value, at: 16)
        builder.append(payload)
        return builder.bytes
    }

    /// Without `checksum`, the field is 0, as a tunnel end point leaves it over IPv4 (RFC 7348
    /// section 5, RFC 8926 section 3.3).
    public static func udp(source: IPAddress, destination: IPAddress, sourcePort: UInt16, destinationPort: UInt16,
                           payload: [UInt8], checksum computed: Bool = true) -> [UInt8] {
        var builder = ByteBuilder(capacity: 8 + payload.count)
        builder.u16(sourcePort)
        builder.u16(destinationPort)
        builder.u16(UInt16(8 + payload.count))
        builder.u16(0)
        builder.append(payload)
        guard computed else { return builder.bytes }
        var checksum = InternetChecksum.pseudoHeader(source: source, destination: destination, protocol: 17, length: 8 + payload.count)
        checksum.add(builder.bytes)
        let value = checksum.value
        builder.set16(value == 0 ? 0xFFFF : value, at: 6)
        return builder.bytes
    }

    /// TCP MSS option (kind 2) and window scale (kind 3), as a SYN carries them.
    public static func synOptions(mss: UInt16, windowScale: UInt8) -> [UInt8] {
        [2, 4, UInt8(mss >> 8), UInt8(mss & 0xFF), 1, 3, 3, windowScale]
    }
}
