import Testing
@testable import HairpinWire

/// A mirrored inner frame: ARP from the VM, 42 bytes.
private func innerARP() -> Frame {
    var inner = Frame.ethernet("ff:ff:ff:ff:ff:ff", "00:50:56:aa:bb:01", 0x0806, vlans: [(0x8100, 10)])
    inner.arpBody(opcode: 1, senderMAC: "00:50:56:aa:bb:01", senderIP: "10.10.0.5", targetMAC: "00:00:00:00:00:00", targetIP: "10.10.0.1")
    return inner
}

private func outerGRE(flags: UInt16, protocolType: UInt16, extra: [UInt8], payload: [UInt8]) -> Frame {
    var frame = Frame.ethernet("00:00:0c:00:00:01", "00:00:0c:00:00:02", 0x0800)
    let greLength = 4 + extra.count
    frame.ipv4Header("192.0.2.1", "192.0.2.9", protocol: 47, payloadLength: greLength + payload.count)
    frame.u16(flags); frame.u16(protocolType)
    frame.bytes += extra + payload
    return frame
}

@Suite struct TunnelTests {
    @Test func erspanTypeIIKeepsSessionIndexAndOuterAddresses() {
        var header = Frame()
        header.u32(1 << 28 | 342 << 16 | 6 << 13 | 666)
        header.u32(32760)
        let frame = outerGRE(flags: 0x1000, protocolType: 0x88BE, extra: [0, 0, 0, 171], payload: header.bytes + innerARP().bytes)
        let packet = frame.decoded()
        #expect(packet.tunnel?.kind == .erspanII)
        #expect(packet.tunnel?.greSequence == 171)
        #expect(packet.tunnel?.outerSource == IPAddress("192.0.2.1"))
        #expect(packet.erspan?.sessionID == 666)
        #expect(packet.erspan?.vlan == 342)
        #expect(packet.erspan?.cos == 6)
        #expect(packet.erspan?.index == 32760)
        // The top-level fields are the mirrored frame's.
        #expect(packet.sourceMAC == MACAddress("00:50:56:aa:bb:01"))
        #expect(packet.vlans.innermostId == 10)
        #expect(packet.arp?.senderIP == IPv4Address("10.10.0.5"))
        #expect(packet.sourceIP == nil)
        #expect(packet.layers.description == "eth>ipv4>gre>erspan>eth>vlan>arp")
    }

    @Test func erspanTypeIHasNoHeader() {
        let frame = outerGRE(flags: 0, protocolType: 0x88BE, extra: [], payload: innerARP().bytes)
        let packet = frame.decoded()
        #expect(packet.tunnel?.kind == .erspanI)
        #expect(packet.erspan == nil)
        #expect(packet.arp?.opcode == 1)
    }

    @Test func erspanTypeIIIWithDirectionAndPlatformPort() {
        var header = Frame()
        header.u32(2 << 28 | 100 << 16 | 12)
        header.u32(0xDEAD_BEEF)
        header.u32(0 << 10 | 5 << 4 | 0x8 | 1)     // FT Ethernet, hw 5, egress, O set
        header.u32(3 << 26 | 1234 << 12)           // platform 3: port index 1234
        header.u32(0)
        let frame = outerGRE(flags: 0x1000, protocolType: 0x22EB, extra: [0, 0, 0, 1], payload: header.bytes + innerARP().bytes)
        let packet = frame.decoded()
        #expect(packet.tunnel?.kind == .erspanIII)
        #expect(packet.erspan?.sessionID == 12)
        #expect(packet.erspan?.hardwareID == 5)
        #expect(packet.erspan?.egress == true)
        #expect(packet.erspan?.platformID == 3)
        #expect(packet.erspan?.portIndex == 1234)
        #expect(packet.erspan?.timestamp == 0xDEAD_BEEF)
        #expect(packet.arp?.senderMAC == MACAddress("00:50:56:aa:bb:01"))
    }

    @Test func vxlanAndGeneveCarryTheVNI() {
        var vxlan = Frame.ethernet("00:00:00:00:00:01", "00:00:00:00:00:02", 0x0800)
        let inner = innerARP().bytes
        vxlan.ipv4Header("10.0.0.1", "10.0.0.2", protocol: 17, payloadLength: 8 + 8 + inner.count)
        vxlan.udpHeader(49152, 4789, payloadLength: 8 + inner.count)
        vxlan.u32(0x0800_0000); vxlan.u32(5001 << 8)
        vxlan.bytes += inner
        let v = vxlan.decoded()
        #expect(v.tunnel?.kind == .vxlan)
        #expect(v.vni == 5001)
        #expect(v.sourcePort == nil)
        #expect(v.arp != nil)

        var geneve = Frame.ethernet("00:00:00:00:00:01", "00:00:00:00:00:02", 0x86DD)
        geneve.ipv6Header("2001:db8::1", "2001:db8::2", next: 17, payloadLength: 8 + 16 + inner.count)
        geneve.udpHeader(40000, 6081, payloadLength: 16 + inner.count)
        geneve.u8(2); geneve.u8(0x40); geneve.u16(0x6558); geneve.u32(0xABCDEF << 8)
        geneve.u16(0x0102); geneve.u8(0x80); geneve.u8(1); geneve.u32(0xC)    // one 8-byte option
        geneve.bytes += inner
        let g = geneve.decoded()
        #expect(g.tunnel?.kind == .geneve)
        #expect(g.vni == 0xABCDEF)
        #expect(g.tunnel?.outerDestination == IPAddress("2001:db8::2"))
        #expect(g.arp?.targetIP == IPv4Address("10.10.0.1"))
    }

    @Test func linuxPort8472IsVXLANOnlyWithZeroReservedBytes() {
        func frame(firstWord: UInt32) -> Frame {
            var frame = Frame.ethernet("00:00:00:00:00:01", "00:00:00:00:00:02", 0x0800)
            let inner = innerARP().bytes
            frame.ipv4Header("10.0.0.1", "10.0.0.2", protocol: 17, payloadLength: 16 + inner.count)
            frame.udpHeader(40000, 8472, payloadLength: 8 + inner.count)
            frame.u32(firstWord); frame.u32(100 << 8)
            frame.bytes += inner
            return frame
        }
        #expect(frame(firstWord: 0x0800_0000).decoded().vni == 100)
        let otv = frame(firstWord: 0x0800_0001).decoded()
        #expect(otv.tunnel == nil)
        #expect(otv.stop?.name == "unsupported_udp_tunnel")
    }

    @Test func nestedTunnelsStopAtTheLimit() {
        // GRE carrying IPv4 carrying GRE ... five deep.
        var payload: [UInt8] = [8, 0, 0, 0]
        var proto: UInt8 = 1
        for _ in 0..<5 {
            var layer = Frame()
            layer.ipv4Header("10.0.0.1", "10.0.0.2", protocol: proto, payloadLength: payload.count)
            layer.bytes += payload
            var gre = Frame()
            gre.u16(0); gre.u16(0x0800)
            payload = gre.bytes + layer.bytes
            proto = 47
        }
        var frame = Frame.ethernet("00:00:00:00:00:01", "00:00:00:00:00:02", 0x0800)
        frame.ipv4Header("192.0.2.1", "192.0.2.2", protocol: 47, payloadLength: payload.count)
        frame.bytes += payload
        let packet = frame.decoded()
        #expect(packet.tunnelCount == 4)
        #expect(packet.stop?.kind == .tooManyLayers)
        #expect(packet.tunnel?.outerSource == IPAddress("192.0.2.1"))
    }

    @Test func pptpEnhancedGREIsUnsupportedNotGuessed() {
        let frame = outerGRE(flags: 0x3081, protocolType: 0x880B, extra: [0, 0, 0, 0, 0, 0, 0, 1], payload: [0xFF, 0x03])
        #expect(frame.decoded().stop?.name == "unsupported_gre_version")
    }
}

/// Every prefix of every kind of frame: no crash, the layers before the cut intact, and a
/// `truncated` stop naming the layer that was cut (never a silent partial result).
@Suite struct TruncationTests {
    static var frames: [(String, Frame, LinkType)] {
        var tcp = Frame.ethernet("00:00:00:00:00:01", "00:00:00:00:00:02", 0x0800, vlans: [(0x8100, 20)])
        tcp.ipv4Header("10.0.0.1", "10.0.0.2", protocol: 6, payloadLength: 20)
        tcp.tcpHeader(40000, 8000, sequence: 1, ack: 2, flags: 0x12)
        var nd = Frame.ethernet("33:33:00:00:00:01", "00:50:56:aa:bb:01", 0x86DD)
        nd.ipv6Header("fe80::1", "ff02::1", next: 58, payloadLength: 32, hopLimit: 255)
        nd.u8(136); nd.u8(0); nd.u16(0); nd.u32(0x2000_0000); nd.ipv6("2001:db8::10"); nd.u8(2); nd.u8(1); nd.mac("00:50:56:aa:bb:01")
        var header = Frame()
        header.u32(1 << 28 | 342 << 16 | 666); header.u32(32760)
        var inner = Frame.ethernet("ff:ff:ff:ff:ff:ff", "00:50:56:aa:bb:01", 0x0806)
        inner.arpBody(opcode: 1, senderMAC: "00:50:56:aa:bb:01", senderIP: "10.10.0.5", targetMAC: "00:00:00:00:00:00", targetIP: "10.10.0.1")
        var erspan = Frame.ethernet("00:00:0c:00:00:01", "00:00:0c:00:00:02", 0x0800)
        erspan.ipv4Header("192.0.2.1", "192.0.2.9", protocol: 47, payloadLength: 8 + 8 + inner.bytes.count)
        erspan.u16(0x1000); erspan.u16(0x88BE); erspan.u32(171)
        erspan.bytes += header.bytes + inner.bytes
        var sll2 = Frame()
        sll2.u16(0x0800); sll2.u16(0); sll2.u32(3); sll2.u16(1); sll2.u8(0); sll2.u8(6); sll2.mac("00:00:00:00:00:09"); sll2.u16(0)
        sll2.ipv4Header("10.0.0.1", "10.0.0.2", protocol: 17, payloadLength: 8)
        sll2.udpHeader(1, 2, payloadLength: 0)
        return [("tcp", tcp, .ethernet), ("nd", nd, .ethernet), ("erspan", erspan, .ethernet), ("sll2", sll2, .linuxSLL2)]
    }

    @Test(arguments: 0..<4)
    func everyPrefixStopsWithAReason(_ index: Int) {
        let (name, frame, linkType) = Self.frames[index]
        let full = frame.decoded(linkType)
        #expect(full.stop == nil, "\(name) decodes fully")
        for length in 0..<frame.bytes.count {
            let packet = frame.decoded(prefix: length, linkType)
            #expect(packet.stop?.kind == .truncated, "\(name) cut at \(length)")
            if let stop = packet.stop {
                #expect(stop.offset + stop.available == length || stop.available == 0, "\(name) cut at \(length): \(stop)")
                #expect(stop.needed > stop.available, "\(name) cut at \(length): \(stop)")
            }
            // What was decoded before the cut agrees with the full decode.
            if let mac = packet.sourceMAC, packet.tunnelCount == full.tunnelCount { #expect(mac == full.sourceMAC) }
            #expect(packet.layers.count <= full.layers.count)
        }
    }
}

/// The same for the tunnels' own headers: every prefix of VXLAN, Geneve and ERSPAN III frames.
@Suite struct TunnelTruncationTests {
    static var frames: [(String, Frame)] {
        var inner = Frame.ethernet("ff:ff:ff:ff:ff:ff", "00:50:56:aa:bb:01", 0x0806, vlans: [(0x8100, 10)])
        inner.arpBody(opcode: 3, senderMAC: "00:50:56:aa:bb:01", senderIP: "0.0.0.0", targetMAC: "00:50:56:aa:bb:01", targetIP: "0.0.0.0")
        var vxlan = Frame.ethernet("00:00:00:00:00:01", "00:00:00:00:00:02", 0x0800)
        vxlan.ipv4Header("10.0.0.1", "10.0.0.2", protocol: 17, payloadLength: 16 + inner.bytes.count)
        vxlan.udpHeader(49152, 4789, payloadLength: 8 + inner.bytes.count)
        vxlan.u32(0x0800_0000); vxlan.u32(77 << 8)
        vxlan.bytes += inner.bytes
        var geneve = Frame.ethernet("00:00:00:00:00:01", "00:00:00:00:00:02", 0x0800)
        geneve.ipv4Header("10.0.0.1", "10.0.0.2", protocol: 17, payloadLength: 24 + inner.bytes.count)
        geneve.udpHeader(40000, 6081, payloadLength: 16 + inner.bytes.count)
        geneve.u8(2); geneve.u8(0); geneve.u16(0x6558); geneve.u32(9 << 8); geneve.u32(0x0102_8001); geneve.u32(0)
        geneve.bytes += inner.bytes
        var erspan3 = Frame.ethernet("00:00:0c:00:00:01", "00:00:0c:00:00:02", 0x0800)
        erspan3.ipv4Header("192.0.2.1", "192.0.2.9", protocol: 47, payloadLength: 4 + 20 + inner.bytes.count)
        erspan3.u16(0); erspan3.u16(0x22EB)
        erspan3.u32(2 << 28 | 5); erspan3.u32(1); erspan3.u32(1); erspan3.u32(5 << 26 | 7); erspan3.u32(0)
        erspan3.bytes += inner.bytes
        var mpls = Frame.ethernet("00:00:00:00:00:01", "00:00:00:00:00:02", 0x8847, vlans: [(0x88A8, 100), (0x8100, 200)])
        mpls.u32(16 << 12 | 0x100 | 64)
        mpls.ipv6Header("2001:db8::1", "2001:db8::2", next: 6, payloadLength: 20)
        mpls.tcpHeader(1, 2, sequence: 3, ack: 4, flags: 0x10)
        return [("vxlan", vxlan), ("geneve", geneve), ("erspan3", erspan3), ("qinq-mpls-ipv6-tcp", mpls)]
    }

    @Test(arguments: 0..<4)
    func everyPrefixStopsWithAReason(_ index: Int) {
        let (name, frame) = Self.frames[index]
        #expect(frame.decoded().stop == nil, "\(name) decodes fully")
        for length in 0..<frame.bytes.count {
            let packet = frame.decoded(prefix: length)
            #expect(packet.stop?.kind == .truncated, "\(name) cut at \(length)")
        }
    }
}
