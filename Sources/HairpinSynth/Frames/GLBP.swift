import HairpinWire

/// GLBP messages (protocols.md 4): 12-byte header (version 1, group, owner MAC), then a Hello
/// TLV for the virtual gateway and a Request/Response TLV per virtual forwarder, UDP 3222 to
/// 224.0.0.102.
public enum GLBPMessage {
    public static let port: UInt16 = 3222
    public static let group = IPv4Address(224, 0, 0, 102)

    public enum GatewayState: UInt8, Sendable { case listen = 4, speak = 8, standby = 0x10, active = 0x20 }
    public enum ForwarderState: UInt8, Sendable { case listen = 4, active = 0x20 }

    public struct Forwarder: Sendable {
        public var number: UInt8
        public var state: ForwarderState
        public var priority: UInt8
        public var weight: UInt8
        public var virtualMAC: MACAddress

        public init(number: UInt8, state: ForwarderState, priority: UInt8, weight: UInt8, virtualMAC: MACAddress) {
            self.number = number
            self.state = state
            self.priority = priority
            self.weight = weight
            self.virtualMAC = virtualMAC
        }
    }

    public static func hello(group: UInt16, owner: MACAddress, state: GatewayState, priority: UInt8,
                             helloMilliseconds: UInt32 = 3000, holdMilliseconds: UInt32 = 10000,
                             redirectSeconds: UInt16 = 600, timeoutSeconds: UInt16 = 14400,
                             virtualIP: IPv4Address, forwarders: [Forwarder]) -> [UInt8] {
        var builder = ByteBuilder(capacity: 12 + 28 + 20 * forwarders.count)
        builder.u8(1)
        builder.u8(0)
        builder.u16(group)
        builder.u16(0)
        builder.mac(owner)
        // Hello TLV; GLBP lengths include the two-byte TLV header.
        builder.u8(1)
        builder.u8(28)
        builder.u8(0)
        builder.u8(state.rawValue)
        builder.u8(0)
        builder.u8(priority)
        builder.u16(0)
        builder.u32(helloMilliseconds)
        builder.u32(holdMilliseconds)
        builder.u16(redirectSeconds)
        builder.u16(timeoutSeconds)
        builder.u16(0)
        builder.u8(1)
        builder.u8(4)
        builder.ipv4(virtualIP)
        for forwarder in forwarders {
            builder.u8(2)
            builder.u8(20)
            builder.u8(forwarder.number)
            builder.u8(forwarder.state.rawValue)
            builder.u8(0)
            builder.u8(forwarder.priority)
            builder.u8(forwarder.weight)
            builder.zeros(7)
            builder.mac(forwarder.virtualMAC)
        }
        return builder.bytes
    }
}
