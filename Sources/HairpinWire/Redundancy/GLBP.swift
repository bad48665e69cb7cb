/// GLBP (protocols.md 4): 12-byte header (version 1, group, owner MAC), then TLVs whose length
/// includes their 2-byte header: hello (type 1), request/response (2), authentication (3).
enum GLBPHeader {
    static let port: UInt16 = 3222
    static let length = 12
    enum TLV {
        static let hello: UInt8 = 1
        static let requestResponse: UInt8 = 2
        static let authentication: UInt8 = 3
    }

    static func state(_ value: UInt8) -> FHRPMessage.State {
        switch value {
        case 1: .disabled
        case 2: .initial
        case 4: .listen
        case 8: .speak
        case 0x10: .standby
        case 0x20: .active
        default: .unknown
        }
    }

    /// Wireshark's acceptance test: version 1 and a second byte of at most 4.
    static func looksLikeGLBP(_ bytes: ByteView, at offset: Int) -> Bool {
        offset + 2 <= bytes.count && bytes.u8(offset) == 1 && bytes.u8(offset + 1) <= 4
    }
}

extension FrameWalk {
    mutating func glbp(at offset: Int, end: Int) {
        guard has(GLBPHeader.length, at: offset, .glbp) else { return }
        var message = FHRPMessage(kind: .glbp)
        message.group = bytes.u16(offset + 2)
        message.identifier = bytes.mac(offset + 6)
        let limit = min(end, bytes.count)
        var cursor = offset + GLBPHeader.length
        while cursor + 2 <= limit {
            let type = bytes.u8(cursor)
            let length = Int(bytes.u8(cursor + 1))
            guard length >= 2 else {
                stop(.malformed, .glbp, at: cursor)
                break
            }
            guard cursor + length <= limit else {
                truncated(.glbp, at: cursor, needed: length)
                break
            }
            switch type {
            case GLBPHeader.TLV.hello where length >= 24:
                message.rawState = bytes.u8(cursor + 3)
                message.state = GLBPHeader.state(message.rawState)
                message.priority = UInt32(bytes.u8(cursor + 5))
                message.helloMilliseconds = bytes.u32(cursor + 8)
                message.holdMilliseconds = bytes.u32(cursor + 12)
                let addressType = bytes.u8(cursor + 22)
                let addressLength = Int(bytes.u8(cursor + 23))
                if addressType == 1 && addressLength == 4 && length >= 28 {
                    message.addressCount = 1
                    message.addAddress(.v4(bytes.ipv4(cursor + 24)))
                } else if addressType == 2 && addressLength == 16 && length >= 40 {
                    message.addressCount = 1
                    message.addAddress(.v6(bytes.ipv6(cursor + 24)))
                }
            case GLBPHeader.TLV.requestResponse where length >= 20:
                message.addForwarder(FHRPMessage.Forwarder(
                    number: bytes.u8(cursor + 2), state: GLBPHeader.state(bytes.u8(cursor + 3)), priority: bytes.u8(cursor + 5),
                    weight: bytes.u8(cursor + 6), virtualMAC: bytes.mac(cursor + 14)))
            case GLBPHeader.TLV.authentication:
                if length >= 4 && bytes.u8(cursor + 2) >= 2 { message.hasMD5Authentication = true }
            default:
                break
            }
            cursor += length
        }
        packet.fhrp = message
        packet.layers.append(.glbp)
    }
}
