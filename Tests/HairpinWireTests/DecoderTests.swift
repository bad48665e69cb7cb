import Testing
@testable import HairpinWire

@Suite struct LinkLayerTests {
    @Test func ethernetWithQinQAndPriorities() throws {
        var frame = Frame.ethernet("ff:ff:ff:ff:ff:ff", "00:20:d2:5a:fb:3f", 0x0806,
                                   vlans: [(0x88A8, 0x00C8), (0x8100, 0xB7D1)])
        frame.arpBody(opcode: 1, senderMAC: "00:20:d2:5a:fb:3f", senderIP: "172.21.79.97",
                      targetMAC: "00:00:00:00:00:00", targetIP: "172.21.79.100")
        let packet = frame.decoded()
        #expect(packet.vlans.count == 2)
        #expect(packet.vlans[0].id == 200)
        #expect(packet.vlans[0].tpid == 0x88A8)
        #expect(packet.vlans[1].id == 2001)
        #expect(packet.vlans[1].priority == 5)
        #expect(packet.vlans[1].dropEligible)
        #expect(packet.etherType == 0x0806)
        #expect(packet.arp?.targetIP == IPv4Address("172.21.79.100"))
        #expect(packet.layers.description == "eth>vlan>vlan>arp")
        #expect(packet.stop == nil)
    }

    @Test func deepTagStacksAreWalkedAndCapped() {
        let tags = (0..<6).map { (UInt16(0x8100), UInt16($0 + 1)) }
        var frame = Frame.ethernet("00:00:00:00:00:01", "00:00:00:00:00:02", 0x0800, vlans: tags)
        frame.ipv4Header("10.0.0.1", "10.0.0.2", protocol: 89, payloadLength: 0)
        let packet = frame.decoded()
        #expect(packet.vlans.count == VLANStack.capacity)
        #expect(packet.vlans.overflowed == 2)
        #expect(packet.sourceIP == IPAddress("10.0.0.1"))
    }

    @Test func snapLLCFrameContinuesWithItsEtherType() {
        var frame = Frame.ethernet("ff:ff:ff:ff:ff:ff", "00:00:00:00:00:02", 36)
        frame.bytes += [0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x06]
        frame.arpBody(opcode: 2, senderMAC: "00:00:00:00:00:02", senderIP: "10.0.0.2", targetMAC: "00:00:00:00:00:03", targetIP: "10.0.0.3")
        let packet = frame.decoded()
        #expect(packet.llcSAPs == 0xAAAA)
        #expect(packet.arp?.opcode == 2)
        #expect(packet.arp?.senderMAC == MACAddress("00:00:00:00:00:02"))
        #expect(packet.stop == nil)
    }

    @Test func plainLLCStopsWithoutAnomaly() {
        var frame = Frame.ethernet("01:80:c2:00:00:00", "00:00:00:00:00:02", 38)
        frame.bytes += [0x42, 0x42, 0x03] + [UInt8](repeating: 0, count: 35)
        let packet = frame.decoded()
        #expect(packet.llcSAPs == 0x4242)
        #expect(packet.etherType == nil)
        #expect(packet.stop == nil)
    }

    @Test func linuxCookedV1AndV2() {
        var sll = Frame()
        sll.u16(4); sll.u16(1); sll.u16(6); sll.mac("00:50:56:aa:bb:01"); sll.u16(0); sll.u16(0x0800)
        sll.ipv4Header("10.0.0.1", "10.0.0.2", protocol: 6, payloadLength: 20)
        sll.tcpHeader(1000, 8000, sequence: 1, ack: 0, flags: 0x02)
        let v1 = sll.decoded(.linuxSLL)
        #expect(v1.sourceMAC == MACAddress("00:50:56:aa:bb:01"))
        #expect(v1.destinationMAC == nil)
        #expect(v1.cookedPacketType == 4)
        #expect(v1.destinationPort == 8000)
        var sll2 = Frame()
        sll2.u16(0x8035); sll2.u16(0); sll2.u32(7); sll2.u16(1); sll2.u8(1); sll2.u8(6); sll2.mac("00:50:56:aa:bb:02"); sll2.u16(0)
        sll2.arpBody(opcode: 3, senderMAC: "00:50:56:aa:bb:02", senderIP: "0.0.0.0", targetMAC: "00:50:56:aa:bb:02", targetIP: "0.0.0.0")
        let v2 = sll2.decoded(.linuxSLL2)
        #expect(v2.cookedInterfaceIndex == 7)
        #expect(v2.arp?.isRARPEtherType == true)
        #expect(v2.arp?.opcode == ARPPacket.reverseRequest)
        #expect(v2.layers.description == "sll>rarp")
    }

    @Test func rawAndLoopbackLinkTypes() {
        var ip = Frame()
        ip.ipv6Header("2001:db8::1", "2001:db8::2", next: 17, payloadLength: 8)
        ip.udpHeader(53, 5353, payloadLength: 0)
        for linkType in [LinkType.raw, .ipv6, LinkType(rawValue: 12)] {
            let packet = ip.decoded(linkType)
            #expect(packet.sourceIP == IPAddress("2001:db8::1"))
            #expect(packet.destinationPort == 5353)
        }
        // BSD loopback: AF_INET6 = 30 written little-endian by macOS, 24 big-endian by OpenBSD's LOOP.
        let little = Frame(bytes: [30, 0, 0, 0] + ip.bytes).decoded(.null)
        #expect(little.ipProtocol == 17)
        let loop = Frame(bytes: [0, 0, 0, 24] + ip.bytes).decoded(.loop)
        #expect(loop.ipProtocol == 17)
        let unknown = Frame(bytes: [99, 0, 0, 0] + ip.bytes).decoded(.null)
        #expect(unknown.stop?.kind == .unsupported)
    }

    @Test func unsupportedLinkTypeIsCountedNotGuessed() {
        let packet = Frame(bytes: [1, 2, 3, 4]).decoded(LinkType(rawValue: 105))
        #expect(packet.stop?.name == "unsupported_link_type")
    }
}

@Suite struct NetworkLayerTests {
    @Test func ipv4OptionsAndTCP() {
        var frame = Frame.ethernet("00:00:00:00:00:01", "00:00:00:00:00:02", 0x0800)
        frame.ipv4Header("192.0.2.1", "192.0.2.2", protocol: 6, payloadLength: 20 + 5, ttl: 17, options: [1, 1, 1, 0])
        frame.tcpHeader(40000, 8000, sequence: 1000, ack: 2000, flags: 0x18)
        frame.bytes += [1, 2, 3, 4, 5]
        let packet = frame.decoded()
        #expect(packet.ttl == 17)
        #expect(packet.sourcePort == 40000)
        #expect(packet.tcpFlags == 0x18)
        #expect(packet.tcpFlagsText == "P.")
        #expect(packet.tcpSequence == 1000)
        #expect(packet.tcpAcknowledgment == 2000)
        #expect(packet.payloadOffset == 14 + 24 + 20)
        #expect(packet.payloadLength == 5)
    }

    @Test func ethernetPaddingIsNotPayload() {
        var frame = Frame.ethernet("00:00:00:00:00:01", "00:00:00:00:00:02", 0x0800)
        frame.ipv4Header("192.0.2.1", "192.0.2.2", protocol: 6, payloadLength: 20)
        frame.tcpHeader(1, 2, sequence: 0, ack: 0, flags: 0x10)
        frame.bytes += [UInt8](repeating: 0, count: 6)
        #expect(frame.decoded().payloadLength == 0)
    }

    @Test func onlyTheFirstFragmentHasPorts() {
        var first = Frame.ethernet("00:00:00:00:00:01", "00:00:00:00:00:02", 0x0800)
        first.ipv4Header("192.0.2.1", "192.0.2.2", protocol: 17, payloadLength: 16, fragment: 0x2000)
        first.udpHeader(5000, 6000, payloadLength: 8)
        first.bytes += [UInt8](repeating: 0, count: 8)
        let head = first.decoded()
        #expect(head.moreFragments)
        #expect(head.destinationPort == 6000)
        var later = Frame.ethernet("00:00:00:00:00:01", "00:00:00:00:00:02", 0x0800)
        later.ipv4Header("192.0.2.1", "192.0.2.2", protocol: 17, payloadLength: 8, fragment: 2)
        later.bytes += [0x13, 0x88, 0x17, 0x70, 0, 0, 0, 0]
        let tail = later.decoded()
        #expect(tail.fragmentOffset == 16)
        #expect(tail.ipProtocol == 17)
        #expect(tail.sourcePort == nil)
        #expect(tail.stop == nil)
    }

    @Test func ipv6ExtensionHeadersAndFragment() {
        var frame = Frame.ethernet("33:33:00:00:00:01", "00:00:00:00:00:02", 0x86DD)
        frame.ipv6Header("fe80::1", "ff02::1", next: 0, payloadLength: 8 + 8 + 8)
        frame.bytes += [44, 0, 5, 2, 0, 0, 0, 0]             // hop-by-hop -> fragment
        frame.bytes += [17, 0, 0, 1, 0, 0, 0, 9]             // fragment: offset 0, more, id 9 -> UDP
        frame.udpHeader(546, 547, payloadLength: 0)
        let packet = frame.decoded()
        #expect(packet.ipProtocol == 17)
        #expect(packet.moreFragments)
        #expect(packet.ipIdentification == 9)
        #expect(packet.destinationPort == 547)
        #expect(packet.ttl == 64)
    }

    @Test func unsolicitedNeighborAdvertisement() {
        var frame = Frame.ethernet("33:33:00:00:00:01", "00:50:56:aa:bb:01", 0x86DD)
        frame.ipv6Header("fe80::250:56ff:feaa:bb01", "ff02::1", next: 58, payloadLength: 32, hopLimit: 255)
        frame.u8(136); frame.u8(0); frame.u16(0); frame.u32(0x2000_0000)
        frame.ipv6("2001:db8::10")
        frame.u8(2); frame.u8(1); frame.mac("00:50:56:aa:bb:01")
        let packet = frame.decoded()
        let nd = packet.neighborDiscovery
        #expect(nd?.message == .neighborAdvertisement)
        #expect(nd?.target == IPv6Address("2001:db8::10"))
        #expect(nd?.override == true)
        #expect(nd?.solicited == false)
        #expect(nd?.targetLinkLayer == MACAddress("00:50:56:aa:bb:01"))
        #expect(packet.ttl == 255)
        #expect(packet.stop == nil)
    }

    @Test func neighborOptionOfLengthZeroIsMalformed() {
        var frame = Frame.ethernet("33:33:00:00:00:01", "00:50:56:aa:bb:01", 0x86DD)
        frame.ipv6Header("fe80::1", "ff02::1", next: 58, payloadLength: 32, hopLimit: 255)
        frame.u8(135); frame.u8(0); frame.u16(0); frame.u32(0)
        frame.ipv6("2001:db8::10")
        frame.u8(1); frame.u8(0); frame.bytes += [0, 0, 0, 0, 0, 0]
        let packet = frame.decoded()
        #expect(packet.neighborDiscovery?.target == IPv6Address("2001:db8::10"))
        #expect(packet.stop?.name == "malformed_nd")
    }

    @Test func arpWithOddSizesIsReadSafely() {
        var frame = Frame.ethernet("ff:ff:ff:ff:ff:ff", "00:00:00:00:00:02", 0x0806)
        frame.u16(1); frame.u16(0x0800); frame.u8(255); frame.u8(4); frame.u16(1)
        frame.bytes += [UInt8](repeating: 7, count: 20)
        let packet = frame.decoded()
        #expect(packet.arp?.hardwareSize == 255)
        #expect(packet.arp?.senderMAC == nil)
        #expect(packet.stop?.name == "truncated_arp")
        #expect(packet.stop?.needed == 8 + 2 * (255 + 4))
    }

    @Test func mplsLabelStackThenIPv4() {
        var frame = Frame.ethernet("00:00:00:00:00:01", "00:00:00:00:00:02", 0x8847)
        frame.u32(100 << 12 | 64)
        frame.u32(200 << 12 | 0x100 | 64)
        frame.ipv4Header("10.1.1.1", "10.2.2.2", protocol: 1, payloadLength: 4)
        frame.bytes += [8, 0, 0, 0]
        let packet = frame.decoded()
        #expect(packet.mplsLabels == 2)
        #expect(packet.topMPLSLabel == 100)
        #expect(packet.icmp?.type == 8)
        #expect(packet.layers.description == "eth>mpls>ipv4>icmp")
    }
}
