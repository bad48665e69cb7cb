/// IPv6 (RFC 8200) and its extension headers: hop-by-hop, routing, fragment, destination
/// options, and AH (whose length counts 4-byte words).
enum IPv6Header {
    static let length = 40
    enum Field {
        static let payloadLength = 4
        static let nextHeader = 6
        static let hopLimit = 7
        static let source = 8
        static let destination = 24
    }
    enum Extension {
        static let hopByHop: UInt8 = 0
        static let routing: UInt8 = 43
        static let fragment: UInt8 = 44
        static let authentication: UInt8 = 51
        static let destinationOptions: UInt8 = 60
        static let noNextHeader: UInt8 = 59
        static let fragmentLength = 8
    }
    static let maximumExtensions = 8
}

extension FrameWalk {
    mutating func ipv6(at offset: Int) -> Decoder.Step {
        guard has(IPv6Header.length, at: offset, .ipv6) else { return .done }
        typealias F = IPv6Header.Field
        guard bytes.u8(offset) >> 4 == 6 else {
            stop(.malformed, .ipv6, at: offset)
            return .done
        }
        packet.networkOffset = offset
        packet.layers.append(.ipv6)
        let word0 = bytes.u32(offset)
        packet.dscp = UInt8((word0 >> 22) & 0x3F)
        packet.sourceIP = .v6(bytes.ipv6(offset + F.source))
        packet.destinationIP = .v6(bytes.ipv6(offset + F.destination))
        packet.ttl = bytes.u8(offset + F.hopLimit)
        let payloadLength = Int(bytes.u16(offset + F.payloadLength))
        packet.ipLength = IPv6Header.length + payloadLength
        // Jumbograms and TSO frames say 0: the frame's own length stands in.
        let end = payloadLength == 0 ? bytes.count : offset + IPv6Header.length + payloadLength
        var next = bytes.u8(offset + F.nextHeader)
        var cursor = offset + IPv6Header.length
        typealias E = IPv6Header.Extension
        for _ in 0..<IPv6Header.maximumExtensions {
            switch next {
            case E.hopByHop, E.routing, E.destinationOptions, E.authentication:
                guard has(2, at: cursor, .ipv6Extension) else {
                    packet.ipProtocol = next
                    return .done
                }
                let following = bytes.u8(cursor)
                let length = next == E.authentication ? (Int(bytes.u8(cursor + 1)) + 2) * 4 : (Int(bytes.u8(cursor + 1)) + 1) * 8
                guard has(length, at: cursor, .ipv6Extension) else {
                    packet.ipProtocol = next
                    return .done
                }
                next = following
                cursor += length
            case E.fragment:
                guard has(E.fragmentLength, at: cursor, .ipv6Extension) else {
                    packet.ipProtocol = next
                    return .done
                }
                let fragment = bytes.u16(cursor + 2)
                packet.fragmentOffset = fragment & 0xFFF8
                packet.moreFragments = fragment & 1 != 0
                packet.ipIdentification = bytes.u32(cursor + 4)
                next = bytes.u8(cursor)
                cursor += E.fragmentLength
            default:
                packet.ipProtocol = next
                if next == E.noNextHeader || packet.fragmentOffset != 0 { return .done }
                return transport(protocol: next, at: cursor, end: max(cursor, end))
            }
        }
        packet.ipProtocol = next
        stop(.tooManyLayers, .ipv6Extension, at: cursor)
        return .done
    }
}
