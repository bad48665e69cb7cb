/// MPLS label stack entries (RFC 3032): label 20 bits, TC 3, bottom-of-stack 1, TTL 8. After
/// the bottom label the payload is IPv4 or IPv6 by its first nibble; anything else (a
/// pseudowire, with or without control word) is not guessed.
enum MPLSHeader {
    static let entryLength = 4
    static let maximumLabels = 8
}

extension FrameWalk {
    mutating func mpls(at offset: Int) -> Decoder.Step {
        var cursor = offset
        for _ in 0..<MPLSHeader.maximumLabels {
            guard has(MPLSHeader.entryLength, at: cursor, .mpls) else { return .done }
            let entry = bytes.u32(cursor)
            if packet.topMPLSLabel == nil {
                packet.topMPLSLabel = entry >> 12
                packet.layers.append(.mpls)
            }
            packet.mplsLabels += 1
            cursor += MPLSHeader.entryLength
            if entry & 0x100 != 0 {
                guard has(1, at: cursor, .mpls) else { return .done }
                switch bytes.u8(cursor) >> 4 {
                case 4: return .ipv4(cursor)
                case 6: return .ipv6(cursor)
                default:
                    stop(.unsupported, .mpls, at: cursor, value: UInt32(bytes.u8(cursor) >> 4))
                    return .done
                }
            }
        }
        stop(.tooManyLayers, .mpls, at: cursor)
        return .done
    }
}
