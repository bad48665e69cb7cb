/// Linux "cooked" captures: SLL (16 bytes) and SLL2 (20 bytes, with the interface index).
/// Neither carries the destination MAC.
enum LinuxCookedHeader {
    static let length = 16
    static let lengthV2 = 20
    enum Field {
        static let packetType = 0
        static let hardwareType = 2
        static let addressLength = 4
        static let address = 6
        static let protocolType = 14
    }
    enum FieldV2 {
        static let protocolType = 0
        static let interfaceIndex = 4
        static let hardwareType = 8
        static let packetType = 10
        static let addressLength = 11
        static let address = 12
    }
    /// ARPHRD_ETHER and ARPHRD_LOOPBACK carry a MAC address in the header.
    static func hasMAC(_ hardwareType: UInt16, _ addressLength: UInt8) -> Bool {
        (hardwareType == 1 || hardwareType == 772) && addressLength == 6
    }
    /// Protocol values below 0x600 name Linux pseudo-protocols (802.3 without LLC, LLC, CAN...).
    static let llcProtocol: UInt16 = 0x0004
}

extension FrameWalk {
    mutating func linuxCooked(at offset: Int) -> Decoder.Step {
        guard has(LinuxCookedHeader.length, at: offset, .linuxCooked) else { return .done }
        typealias F = LinuxCookedHeader.Field
        packet.cookedPacketType = bytes.u16(offset + F.packetType)
        let hardwareType = bytes.u16(offset + F.hardwareType)
        let addressLength = bytes.u16(offset + F.addressLength)
        if LinuxCookedHeader.hasMAC(hardwareType, UInt8(truncatingIfNeeded: addressLength)), addressLength == 6 {
            packet.sourceMAC = bytes.mac(offset + F.address)
        }
        return cookedPayload(protocol: bytes.u16(offset + F.protocolType), at: offset + LinuxCookedHeader.length)
    }

    mutating func linuxCookedV2(at offset: Int) -> Decoder.Step {
        guard has(LinuxCookedHeader.lengthV2, at: offset, .linuxCooked) else { return .done }
        typealias F = LinuxCookedHeader.FieldV2
        packet.cookedPacketType = UInt16(bytes.u8(offset + F.packetType))
        packet.cookedInterfaceIndex = bytes.u32(offset + F.interfaceIndex)
        if LinuxCookedHeader.hasMAC(bytes.u16(offset + F.hardwareType), bytes.u8(offset + F.addressLength)) {
            packet.sourceMAC = bytes.mac(offset + F.address)
        }
        return cookedPayload(protocol: bytes.u16(offset + F.protocolType), at: offset + LinuxCookedHeader.lengthV2)
    }

    private mutating func cookedPayload(protocol type: UInt16, at offset: Int) -> Decoder.Step {
        packet.layers.append(.linuxCooked)
        if type == LinuxCookedHeader.llcProtocol { return llc(at: offset) }
        if type < EthernetHeader.minimumEtherType {
            packet.etherType = type
            return .done
        }
        return .etherType(type, offset, from: .linuxCooked)
    }
}
