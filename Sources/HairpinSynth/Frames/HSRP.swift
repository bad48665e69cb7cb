import HairpinWire

/// HSRP messages (protocols.md 3): version 1 (RFC 2281, 20 bytes to 224.0.0.2, UDP 1985) and
/// version 2 TLVs (224.0.0.102 / ff02::66 UDP 2029).
public enum HSRPMessage {
    public enum Opcode: UInt8, Sendable { case hello = 0, coup = 1, resign = 2 }

    /// Version 1 states are powers of two; version 2 numbers them 1-6.
    public enum State: Sendable {
        case initial, learn, listen, speak, standby, active

        var version1: UInt8 {
            switch self {
            case .initial: 0
            case .learn: 1
            case .listen: 2
            case .speak: 4
            case .standby: 8
            case .active: 16
            }
        }

        var version2: UInt8 {
            switch self {
            case .initial: 1
            case .learn: 2
            case .listen: 3
            case .speak: 4
            case .standby: 5
            case .active: 6
            }
        }
    }

    public static let port: UInt16 = 1985
    public static let portV6: UInt16 = 2029
    public static let groupV1 = IPv4Address(224, 0, 0, 2)
    public static let groupV2 = IPv4Address(224, 0, 0, 102)
    public static let groupV6 = IPv6Address(high: 0xFF02_0000_0000_0000, low: 0x66)

    public static func version1(opcode: Opcode, state: State, helloSeconds: UInt8 = 3, holdSeconds: UInt8 = 10,
                                priority: UInt8, group: UInt8, authentication: String = "cisco",
                                virtualIP: IPv4Address) -> [UInt8] {
        var builder = ByteBuilder(capacity: 20)
        builder.u8(0)
        builder.u8(opcode.rawValue)
        builder.u8(state.version1)
        builder.u8(helloSeconds)
        builder.u8(holdSeconds)
        builder.u8(priority)
        builder.u8(group)
        builder.u8(0)
        builder.append(authenticationBytes(authentication))
        builder.ipv4(virtualIP)
        return builder.bytes
    }

    /// Version 1 opcode 3: the interface-state advertisement (16 bytes), interface state active.
    public static func advertisement(activeGroups: UInt16, passiveGroups: UInt16) -> [UInt8] {
        var builder = ByteBuilder(capacity: 16)
        builder.u8(0)
        builder.u8(3)
        builder.u16(1)          // type: HSRP interface state
        builder.u16(10)         // length
        builder.u8(3)           // state: active (Wireshark's numbering)
        builder.u8(0)
        builder.u16(activeGroups)
        builder.u16(passiveGroups)
        builder.zeros(4)
        return builder.bytes
    }

    /// Group State TLV (type 1, length 40) plus a text authentication TLV (type 3).
    public static func version2(opcode: Opcode, state: State, group: UInt16, identifier: MACAddress, priority: UInt32,
                                helloMilliseconds: UInt32 = 3000, holdMilliseconds: UInt32 = 10000,
                                virtualIP: IPAddress, authentication: String? = "cisco") -> [UInt8] {
        var builder = ByteBuilder(capacity: 52)
        builder.u8(1)
        builder.u8(40)
        builder.u8(2)
        builder.u8(opcode.rawValue)
        builder.u8(state.version2)
        if case .v4 = virtualIP { builder.u8(4) } else { builder.u8(6) }
        builder.u16(group)
        builder.mac(identifier)
        builder.u32(priority)
        builder.u32(helloMilliseconds)
        builder.u32(holdMilliseconds)
        switch virtualIP {
        case .v4(let address):
            builder.ipv4(address)
            builder.zeros(12)
        case .v6(let address):
            builder.ipv6(address)
        }
        if let authentication {
            builder.u8(3)
            builder.u8(8)
            builder.append(authenticationBytes(authentication))
        }
        return builder.bytes
    }

    private static func authenticationBytes(_ text: String) -> [UInt8] {
        var bytes = Array(text.utf8.prefix(8))
        while bytes.count < 8 { bytes.append(0) }
        return bytes
    }
}
