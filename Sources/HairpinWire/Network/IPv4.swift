/// IPv4 (RFC 791): version/IHL, total length, identification, flags and fragment offset,
/// TTL, protocol, addresses, options skipped by IHL.
@usableFromInline enum IPv4Header {
    @usableFromInline static let minimumLength = 20
    @usableFromInline enum Field {
        static let versionAndLength = 0
        @usableFromInline static let tos = 1
        @usableFromInline static let totalLength = 2
        @usableFromInline static let identification = 4
        @usableFromInline static let fragment = 6
        @usableFromInline static let ttl = 8
        @usableFromInline static let protocolNumber = 9
        @usableFromInline static let source = 12
        @usableFromInline static let destination = 16
    }

    /// Whether the header at `offset` of `bytes` (20 bytes of it captured) is version 4 with no
    /// options, carries `protocolNumber`, and is neither a later fragment nor one with more to
    /// come: what the straight passes take (`CommonTCPFrame`, `MirroredTCPFrame`).
    @inlinable @inline(__always)
    static func isPlain(_ bytes: ByteView, at offset: Int, carrying protocolNumber: UInt8) -> Bool {
        bytes.u8(offset) == 0x45 && bytes.u8(offset + Field.protocolNumber) == protocolNumber && bytes.u16(offset + Field.fragment) & 0x3FFF == 0
    }
}

extension FrameWalk {
    mutating func ipv4(at offset: Int) -> Decoder.Step {
        guard has(IPv4Header.minimumLength, at: offset, .ipv4) else { return .done }
        typealias F = IPv4Header.Field
        let first = bytes.u8(offset)
        let headerLength = Int(first & 0x0F) * 4
        guard first >> 4 == 4, headerLength >= IPv4Header.minimumLength else {
            stop(.malformed, .ipv4, at: offset)
            return .done
        }
        packet.networkOffset = offset
        packet.layers.append(.ipv4)
        packet.sourceIP = .v4(bytes.ipv4(offset + F.source))
        packet.destinationIP = .v4(bytes.ipv4(offset + F.destination))
        packet.ipProtocol = bytes.u8(offset + F.protocolNumber)
        packet.ttl = bytes.u8(offset + F.ttl)
        packet.dscp = bytes.u8(offset + F.tos) >> 2
        packet.ipIdentification = UInt32(bytes.u16(offset + F.identification))
        let fragment = bytes.u16(offset + F.fragment)
        packet.fragmentOffset = (fragment & 0x1FFF) * 8
        packet.moreFragments = fragment & 0x2000 != 0
        let totalLength = Int(bytes.u16(offset + F.totalLength))
        packet.ipLength = totalLength
        // TSO/GRO frames captured on a host carry total length 0: the frame's own length stands in.
        var end = totalLength == 0 ? bytes.count : offset + totalLength
        if totalLength != 0 && totalLength < headerLength {
            stop(.malformed, .ipv4, at: offset)
            return .done
        }
        guard has(headerLength, at: offset, .ipv4) else { return .done }
        if packet.fragmentOffset != 0 { return .done }
        end = max(offset + headerLength, end)
        return transport(protocol: packet.ipProtocol!, at: offset + headerLength, end: end)
    }
}
