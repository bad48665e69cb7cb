import HairpinWire

/// ARP and RARP bodies and frames, and the ICMPv6 unsolicited Neighbor Advertisement.
public enum AnnouncementFrames {
    public static func arpBody(opcode: UInt16, senderMAC: MACAddress, senderIP: IPv4Address,
                               targetMAC: MACAddress, targetIP: IPv4Address) -> [UInt8] {
        var builder = ByteBuilder(capacity: 28)
        builder.u16(1)
        builder.u16(0x0800)
        builder.u8(6)
        builder.u8(4)
        builder.u16(opcode)
        builder.mac(senderMAC)
        builder.ipv4(senderIP)
        builder.mac(targetMAC)
        builder.ipv4(targetIP)
        return builder.bytes
    }

    /// ESXi Notify Switches / QEMU self-announce: OPER 3, SHA = THA = the VM's MAC, addresses 0,
    /// broadcast from the VM's MAC (protocols.md 2.2, 2.3).
    public static func hypervisorRARP(vm: MACAddress, vlans: [UInt16]) -> [UInt8] {
        EthernetFrame.frame(destination: .broadcast, source: vm, vlans: vlans, etherType: 0x8035,
                            payload: arpBody(opcode: 3, senderMAC: vm, senderIP: IPv4Address(rawValue: 0),
                                             targetMAC: vm, targetIP: IPv4Address(rawValue: 0)))
    }

    /// Linux notify-peers ARP announcement: request, SPA = TPA, THA zero (protocols.md 2.4).
    public static func arpAnnouncement(mac: MACAddress, ip: IPv4Address, vlans: [UInt16]) -> [UInt8] {
        EthernetFrame.frame(destination: .broadcast, source: mac, vlans: vlans, etherType: 0x0806,
                            payload: arpBody(opcode: 1, senderMAC: mac, senderIP: ip, targetMAC: .zero, targetIP: ip))
    }

    /// Gratuitous ARP reply (Hyper-V after a live migration, routers): SPA = TPA, broadcast.
    public static func gratuitousReply(mac: MACAddress, ip: IPv4Address, vlans: [UInt16]) -> [UInt8] {
        EthernetFrame.frame(destination: .broadcast, source: mac, vlans: vlans, etherType: 0x0806,
                            payload: arpBody(opcode: 2, senderMAC: mac, senderIP: ip, targetMAC: .broadcast, targetIP: ip))
    }

    /// Gratuitous ARP request with THA broadcast (keepalived, FHRP routers taking over).
    public static func gratuitousRequest(mac: MACAddress, ip: IPv4Address, vlans: [UInt16]) -> [UInt8] {
        EthernetFrame.frame(destination: .broadcast, source: mac, vlans: vlans, etherType: 0x0806,
                            payload: arpBody(opcode: 1, senderMAC: mac, senderIP: ip, targetMAC: .broadcast, targetIP: ip))
    }

    public static func arpRequest(from mac: MACAddress, ip: IPv4Address, asking target: IPv4Address, vlans: [UInt16]) -> [UInt8] {
        EthernetFrame.frame(destination: .broadcast, source: mac, vlans: vlans, etherType: 0x0806,
                            payload: arpBody(opcode: 1, senderMAC: mac, senderIP: ip, targetMAC: .zero, targetIP: target))
    }

    public static func arpReply(from mac: MACAddress, ip: IPv4Address, to requesterMAC: MACAddress, requesterIP: IPv4Address,
                                source ethernetSource: MACAddress? = nil, vlans: [UInt16]) -> [UInt8] {
        EthernetFrame.frame(destination: requesterMAC, source: ethernetSource ?? mac, vlans: vlans, etherType: 0x0806,
                            payload: arpBody(opcode: 2, senderMAC: mac, senderIP: ip, targetMAC: requesterMAC, targetIP: requesterIP))
    }

    /// Unsolicited NA to ff02::1: S = 0, O = 1, R as given, target link-layer address option.
    public static func unsolicitedNA(mac: MACAddress, address: IPv6Address, linkLocal: IPv6Address, router: Bool = false,
                                     vlans: [UInt16]) -> [UInt8] {
        let allNodes = IPv6Address(high: 0xFF02_0000_0000_0000, low: 1)
        var body = ByteBuilder(capacity: 32)
        body.u8(136)
        body.u8(0)
        body.u16(0)
        body.u32((router ? 0x8000_0000 : 0) | 0x2000_0000)
        body.ipv6(address)
        body.u8(2)
        body.u8(1)
        body.mac(mac)
        var checksum = InternetChecksum.pseudoHeader(source: .v6(linkLocal), destination: .v6(allNodes), protocol: 58, length: body.bytes.count)
        checksum.add(body.bytes)
        body.set16(checksum.value, at: 2)
        let packet = IPPacket.ipv6(source: linkLocal, destination: allNodes, nextHeader: 58, hopLimit: 255, payload: body.bytes)
        return EthernetFrame.frame(destination: MACAddress(rawValue: 0x3333_0000_0001), source: mac, vlans: vlans,
                                   etherType: 0x86DD, payload: packet)
    }

    /// The EUI-64 link-local address of a MAC (fe80::XXXX:XXff:feXX:XXXX).
    public static func linkLocal(for mac: MACAddress) -> IPv6Address {
        let value = mac.rawValue ^ 0x0200_0000_0000
        let interfaceID = (value >> 24) << 40 | 0xFF_FE << 24 | (value & 0xFF_FFFF)
        return IPv6Address(high: 0xFE80_0000_0000_0000, low: interfaceID)
    }
}
