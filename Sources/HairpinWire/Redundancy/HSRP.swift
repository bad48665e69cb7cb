/// HSRP (protocols.md 3): version 1 (RFC 2281, 20 bytes; opcode 3 advertisement, 16 bytes) to
/// 224.0.0.2, and version 2 TLVs to 224.0.0.102 or, over IPv6, ff02::66 on port 2029. The
/// version comes from the destination and port, never from the version byte alone.
enum HSRPHeader {
    static let port: UInt16 = 1985
    static let portV6: UInt16 = 2029
    static let groupV1: UInt32 = 0xE000_0002
    static let groupV2: UInt32 = 0xE000_0066
    static let version1Length = 20
    static let advertisementLength = 16
    enum TLV {
        static let groupState: UInt8 = 1
        static let interfaceState: UInt8 = 2
        static let textAuthentication: UInt8 = 3
        static let md5Authentication: UInt8 = 4
        static let groupStateLength = 40
    }

    static func stateV1(_ value: UInt8) -> FHRPMessage.State {
        switch value {
        case 0: .initial
        case 1: .learn
        case 2: .listen
        case 4: .speak
        case 8: .standby
        case 16: .active
        default: .unknown
        }
    }

    static func stateV2(_ value: UInt8) -> FHRPMessage.State {
        switch value {
        case 0: .disabled
        case 1: .initial
        case 2: .learn
        case 3: .listen
        case 4: .speak
        case 5: .standby
        case 6: .active
        default: .unknown
        }
    }
}

extension FrameWalk {
    /// Reads an HSRP message at `offset` (the UDP payload) up to `end`.
    mutating func hsrp(at offset: Int, end: Int, kind: FHRPMessage.Kind) {
        let limit = min(end, bytes.count)
        var message = FHRPMessage(kind: kind)
        if kind == .hsrp1 {
            guard has(2, at: offset, .hsrp) else { return }
            message.opcode = bytes.u8(offset + 1)
            if message.opcode == 3 {
                guard has(HSRPHeader.advertisementLength, at: offset, .hsrp) else { return }
                message.rawState = bytes.u8(offset + 6)
                message.activeGroups = bytes.u16(offset + 8)
                message.passiveGroups = bytes.u16(offset + 10)
                packet.fhrp = message
                packet.layers.append(.hsrp)
                return
            }
            guard has(HSRPHeader.version1Length, at: offset, .hsrp) else { return }
            message.rawState = bytes.u8(offset + 2)
            message.state = HSRPHeader.stateV1(message.rawState)
            message.helloMilliseconds = UInt32(bytes.u8(offset + 3)) * 1000
            message.holdMilliseconds = UInt32(bytes.u8(offset + 4)) * 1000
            message.priority = UInt32(bytes.u8(offset + 5))
            message.group = UInt16(bytes.u8(offset + 6))
            message.authentication = UInt64(bytes.u32(offset + 8)) << 32 | UInt64(bytes.u32(offset + 12))
            message.addressCount = 1
            message.addAddress(.v4(bytes.ipv4(offset + 16)))
            // A 50-byte message carries an MD5 TLV after the 20 bytes.
            if limit - offset >= 50, bytes.u8(offset + 20) == HSRPHeader.TLV.md5Authentication { message.hasMD5Authentication = true }
            packet.fhrp = message
            packet.layers.append(.hsrp)
            return
        }
        var cursor = offset
        var sawGroup = false
        while cursor + 2 <= limit {
            let type = bytes.u8(cursor)
            let length = Int(bytes.u8(cursor + 1))
            let value = cursor + 2
            guard value + length <= limit else {
                if !sawGroup { truncated(.hsrp, at: cursor, needed: 2 + length) }
                break
            }
            switch type {
            case HSRPHeader.TLV.groupState where length >= HSRPHeader.TLV.groupStateLength && !sawGroup:
                sawGroup = true
                message.opcode = bytes.u8(value + 1)
                message.rawState = bytes.u8(value + 2)
                message.state = HSRPHeader.stateV2(message.rawState)
                let ipVersion = bytes.u8(value + 3)
                message.group = bytes.u16(value + 4)
                message.identifier = bytes.mac(value + 6)
                message.priority = bytes.u32(value + 12)
                message.helloMilliseconds = bytes.u32(value + 16)
                message.holdMilliseconds = bytes.u32(value + 20)
                message.addressCount = 1
                message.addAddress(ipVersion == 6 ? .v6(bytes.ipv6(value + 24)) : .v4(bytes.ipv4(value + 24)))
            case HSRPHeader.TLV.interfaceState where length >= 4:
                message.activeGroups = bytes.u16(value)
                message.passiveGroups = bytes.u16(value + 2)
            case HSRPHeader.TLV.textAuthentication where length >= 8:
                message.authentication = UInt64(bytes.u32(value)) << 32 | UInt64(bytes.u32(value + 4))
            case HSRPHeader.TLV.md5Authentication:
                message.hasMD5Authentication = true
            default:
                break
            }
            cursor = value + length
        }
        guard sawGroup || message.activeGroups != nil else {
            if packet.stop == nil { stop(.malformed, .hsrp, at: offset) }
            return
        }
        packet.fhrp = message
        packet.layers.append(.hsrp)
    }
}
