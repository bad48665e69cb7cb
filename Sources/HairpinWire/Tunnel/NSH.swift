/// Network Service Header (RFC 8300): base header (version, O bit, TTL, length in 4-byte
/// words, MD type, next protocol) and service path header, then metadata up to `length`.
enum NSHHeader {
    static let etherType: UInt16 = 0x894F
    static let minimumLength = 8
    enum NextProtocol {
        static let ipv4: UInt8 = 1
        static let ipv6: UInt8 = 2
        static let ethernet: UInt8 = 3
        static let nsh: UInt8 = 4
        static let mpls: UInt8 = 5
    }
}

extension FrameWalk {
    mutating func nsh(at offset: Int) -> Decoder.Step {
        guard has(NSHHeader.minimumLength, at: offset, .nsh) else { return .done }
        let version = bytes.u8(offset) >> 6
        let length = Int(bytes.u8(offset + 1) & 0x3F) * 4
        guard version == 0, length >= NSHHeader.minimumLength else {
            stop(.malformed, .nsh, at: offset)
            return .done
        }
        guard has(length, at: offset, .nsh) else { return .done }
        packet.layers.append(.nsh)
        let next = bytes.u8(offset + 3)
        let inner = offset + length
        switch next {
        case NSHHeader.NextProtocol.ipv4: return .ipv4(inner)
        case NSHHeader.NextProtocol.ipv6: return .ipv6(inner)
        case NSHHeader.NextProtocol.ethernet:
            // The service chain carries a whole frame: describe it, as for a tunnel.
            packet.enterInnerFrame(at: inner)
            return .ethernet(inner)
        case NSHHeader.NextProtocol.nsh: return nsh(at: inner)
        case NSHHeader.NextProtocol.mpls: return mpls(at: inner)
        default:
            stop(.unsupported, .nsh, at: offset, value: UInt32(next))
            return .done
        }
    }
}
