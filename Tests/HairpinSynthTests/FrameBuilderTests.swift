import Testing
import HairpinWire
@testable import HairpinSynth

private func decode(_ frame: [UInt8]) -> DecodedPacket {
    frame.withUnsafeBytes { Decoder().decode($0, linkType: .ethernet) }
}

/// The one's-complement sum over `bytes` (plus a pseudo-header) folds to 0xFFFF when the
/// checksum inside is right.
private func checksumHolds(_ bytes: ArraySlice<UInt8>, pseudo: InternetChecksum = InternetChecksum()) -> Bool {
    var sum = pseudo
    sum.add(bytes)
    return sum.value == 0
}

@Suite struct FrameBuilderTests {
    let vm = MACAddress("00:50:56:aa:bb:01")!

    @Test func tcpSegmentChecksumsAreRight() throws {
        let source = IPAddress("10.0.0.1")!, destination = IPAddress("10.0.0.2")!
        let payload = (0..<1000).map { UInt8(truncatingIfNeeded: $0) }
        let tcp = TransportSegment.tcp(source: source, destination: destination, sourcePort: 40000, destinationPort: 8000,
                                       sequence: 1, acknowledgment: 2, flags: 0x18, window: 100, payload: payload)
        #expect(checksumHolds(tcp[...], pseudo: .pseudoHeader(source: source, destination: destination, protocol: 6, length: tcp.count)))
        // The precomputed-payload path gives the same segment.
        var sum = InternetChecksum()
        sum.add(payload)
        let fast = TransportSegment.tcp(source: source, destination: destination, sourcePort: 40000, destinationPort: 8000,
                                        sequence: 1, acknowledgment: 2, flags: 0x18, window: 100, payload: payload, payloadSum: sum)
        #expect(fast == tcp)
        let ip = IPPacket.ipv4(source: IPv4Address("10.0.0.1")!, destination: IPv4Address("10.0.0.2")!, protocol: 6, payload: tcp)
        #expect(checksumHolds(ip[0..<20]))
        let frame = EthernetFrame.frame(destination: .broadcast, source: vm, vlans: [100, 200], etherType: 0x0800, payload: ip)
        let packet = decode(frame)
        #expect(packet.vlans.all.map(\.id) == [100, 200])
        #expect(packet.vlans[0].tpid == 0x88A8)
        #expect(packet.destinationPort == 8000)
        #expect(packet.payloadLength == 1000)
        #expect(packet.stop == nil)
    }

    @Test func rarpMatchesTheHypervisorShape() {
        let frame = AnnouncementFrames.hypervisorRARP(vm: vm, vlans: [100])
        #expect(frame.count == 64)
        let packet = decode(frame)
        #expect(packet.destinationMAC == .broadcast)
        #expect(packet.arp?.opcode == 3)
        #expect(packet.arp?.isRARPEtherType == true)
        #expect(packet.arp?.senderMAC == vm)
        #expect(packet.arp?.targetMAC == vm)
        #expect(packet.arp?.senderIP == IPv4Address(rawValue: 0))
    }

    @Test func unsolicitedNeighborAdvertisement() {
        let address = IPv6Address("2001:db8::50")!
        let linkLocal = AnnouncementFrames.linkLocal(for: vm)
        #expect(linkLocal.description == "fe80::250:56ff:feaa:bb01")
        let frame = AnnouncementFrames.unsolicitedNA(mac: vm, address: address, linkLocal: linkLocal, vlans: [])
        let packet = decode(frame)
        #expect(packet.neighborDiscovery?.target == address)
        #expect(packet.neighborDiscovery?.override == true)
        #expect(packet.neighborDiscovery?.solicited == false)
        #expect(packet.neighborDiscovery?.targetLinkLayer == vm)
        #expect(packet.ttl == 255)
        let icmp = frame[(14 + 40)...]
        #expect(checksumHolds(icmp, pseudo: .pseudoHeader(source: .v6(linkLocal), destination: IPAddress("ff02::1")!, protocol: 58, length: icmp.count)))
    }

    @Test func fhrpMessagesHaveTheirLayouts() {
        let v1 = HSRPMessage.version1(opcode: .hello, state: .active, priority: 110, group: 10, virtualIP: IPv4Address("10.0.0.1")!)
        #expect(v1.count == 20)
        #expect(Array(v1[0..<8]) == [0, 0, 16, 3, 10, 110, 10, 0])
        #expect(Array(v1[8..<13]) == Array("cisco".utf8))
        let v2 = HSRPMessage.version2(opcode: .hello, state: .standby, group: 300, identifier: vm, priority: 90,
                                      virtualIP: IPAddress("10.0.0.1")!)
        #expect(v2.count == 42 + 10)
        #expect(Array(v2[0..<5]) == [1, 40, 2, 0, 5])
        #expect(Array(v2[6..<8]) == [0x01, 0x2C])
        let glbp = GLBPMessage.hello(group: 1020, owner: vm, state: .active, priority: 120, virtualIP: IPv4Address("10.0.0.1")!,
                                     forwarders: [.init(number: 1, state: .active, priority: 120, weight: 100,
                                                        virtualMAC: VirtualMAC.glbp(group: 1020, forwarder: 1))])
        #expect(glbp.count == 12 + 28 + 20)
        #expect(VirtualMAC.glbp(group: 1020, forwarder: 1).description == "00:07:b4:03:fc:01")
        #expect(VirtualMAC.kind(of: MACAddress("00:07:b4:03:fc:01")!) == .glbp(group: 1020, forwarder: 1))
        #expect(VirtualMAC.kind(of: MACAddress("00:00:0c:9f:f0:0a")!) == .hsrpV2(group: 10))
        #expect(VirtualMAC.kind(of: MACAddress("00:00:5e:00:02:2d")!) == .vrrp(vrid: 45, ipv6: true))
        let vrrp2 = VRRPMessage.version2(vrid: 42, priority: 100, addresses: [IPv4Address("10.0.0.1")!])
        #expect(checksumHolds(vrrp2[...]))
        let source = IPAddress("10.0.0.2")!
        let vrrp3 = VRRPMessage.version3(vrid: 44, priority: 200, addresses: [IPAddress("10.0.0.1")!], source: source)
        #expect(checksumHolds(vrrp3[...], pseudo: .pseudoHeader(source: source, destination: IPAddress("224.0.0.18")!, protocol: 112, length: vrrp3.count)))
    }

    @Test func erspanWrapDecodesToTheMirroredFrame() {
        let inner = AnnouncementFrames.hypervisorRARP(vm: vm, vlans: [100])
        for typeIII in [false, true] {
            let session = ERSPANEncapsulation.Session(id: 7, sourceMAC: MACAddress("00:de:ad:00:00:01")!, destinationMAC: MACAddress("00:de:ad:00:00:ff")!,
                                                      sourceIP: IPv4Address("192.0.2.1")!, destinationIP: IPv4Address("192.0.2.100")!,
                                                      index: 5, typeIII: typeIII)
            let packet = decode(ERSPANEncapsulation.wrap(inner, session: session, sequence: 99, egress: true))
            #expect(packet.tunnel?.kind == (typeIII ? .erspanIII : .erspanII))
            #expect(packet.tunnel?.greSequence == 99)
            #expect(packet.erspan?.sessionID == 7)
            #expect(packet.arp?.targetMAC == vm)
            #expect(packet.vlans.innermostId == 100)
        }
    }

    @Test func overlayWrapsDecodeToTheTenantFrame() {
        let tcp = TransportSegment.tcp(source: .v4(IPv4Address(172, 16, 3, 1)), destination: .v4(IPv4Address(172, 16, 3, 2)), sourcePort: 50_003,
                                       destinationPort: 443, sequence: 7, acknowledgment: 0, flags: 0x02, window: 0xFFFF)
        let ip = IPPacket.ipv4(source: IPv4Address(172, 16, 3, 1), destination: IPv4Address(172, 16, 3, 2), protocol: 6, payload: tcp)
        let tenant = MACAddress("00:50:56:f0:03:01")!, other = MACAddress("00:50:56:f0:03:02")!
        let inner = EthernetFrame.frame(destination: other, source: tenant, etherType: 0x0800, payload: ip)
        let port = OverlayTunnel.sourcePort(innerSourcePort: 50_003, innerDestinationPort: 443)
        #expect(port >= 49_152)
        // Outer Ethernet with its tag, IPv4, UDP, then VXLAN (8 bytes) or Geneve with its option (16).
        for (encapsulation, headers, udpPort) in [(OverlayTunnel.Encapsulation.vxlan, 54, 4789), (.geneve, 62, 6081)] {
            let tunnel = OverlayTunnel(sourceMAC: MACAddress("00:50:56:6a:00:02")!, destinationMAC: MACAddress("00:50:56:6b:00:02")!, vlan: 200,
                                       sourceIP: IPv4Address(10, 200, 0, 12), destinationIP: IPv4Address(10, 200, 0, 22), vni: 0xABCDEF,
                                       encapsulation: encapsulation)
            let frame = tunnel.wrap(inner, sourcePort: port)
            #expect(frame.count == headers + inner.count)
            #expect(Array(frame[headers...]) == inner)
            #expect(checksumHolds(frame[18..<38]))
            #expect(Int(frame[40]) << 8 | Int(frame[41]) == udpPort)
            let packet = decode(frame)
            #expect(packet.stop == nil)
            #expect(packet.tunnel?.kind == (encapsulation == .vxlan ? .vxlan : .geneve))
            #expect(packet.tunnel?.outerSource == .v4(IPv4Address(10, 200, 0, 12)))
            #expect(packet.tunnel?.outerDestination == .v4(IPv4Address(10, 200, 0, 22)))
            #expect(packet.vni == 0xABCDEF)
            #expect(packet.sourceMAC == tenant && packet.destinationMAC == other)
            #expect(packet.vlans.innermostId == nil)
            #expect(packet.sourceIP == .v4(IPv4Address(172, 16, 3, 1)))
            #expect(packet.sourcePort == 50_003 && packet.destinationPort == 443)
            #expect(packet.tcpFlags == 0x02)
            // The way back swaps the outer ends, keeps the underlay's tag, the VNI and the encapsulation.
            #expect(tunnel.reversed.reversed == tunnel)
            #expect(tunnel.reversed.sourceIP == tunnel.destinationIP && tunnel.reversed.vni == tunnel.vni && tunnel.reversed.vlan == 200)
            #expect(tunnel.reversed.encapsulation == encapsulation)
        }
    }
}

@Suite struct FHRPDecoderTests {
    let router = MACAddress("00:1b:54:a1:00:01")!

    private func udpFrame(_ payload: [UInt8], source: IPAddress, destination: IPAddress, port: UInt16, sourceMAC: MACAddress) -> [UInt8] {
        let udp = TransportSegment.udp(source: source, destination: destination, sourcePort: port, destinationPort: port, payload: payload)
        let ip = IPPacket.packet(source: source, destination: destination, protocol: 17, ttl: 1, payload: udp)
        return EthernetFrame.frame(destination: .broadcast, source: sourceMAC, vlans: [100], etherType: IPPacket.etherType(source), payload: ip)
    }

    @Test func hsrpVersionsComeFromDestinationAndPort() {
        let v1 = HSRPMessage.version1(opcode: .coup, state: .speak, priority: 120, group: 7, virtualIP: IPv4Address("10.0.0.1")!)
        let p1 = decode(udpFrame(v1, source: IPAddress("10.0.0.2")!, destination: IPAddress("224.0.0.2")!, port: 1985, sourceMAC: router))
        #expect(p1.fhrp?.kind == .hsrp1)
        #expect(p1.fhrp?.opcode == 1)
        #expect(p1.fhrp?.state == .speak)
        #expect(p1.fhrp?.group == 7)
        #expect(p1.fhrp?.authenticationText == "cisco")
        // The same bytes to 224.0.0.102 are read as version 2 TLVs, not guessed from the version byte.
        let v2 = HSRPMessage.version2(opcode: .hello, state: .active, group: 300, identifier: router, priority: 150, virtualIP: IPAddress("10.0.0.1")!)
        let p2 = decode(udpFrame(v2, source: IPAddress("10.0.0.2")!, destination: IPAddress("224.0.0.102")!, port: 1985, sourceMAC: router))
        #expect(p2.fhrp?.kind == .hsrp2)
        #expect(p2.fhrp?.group == 300)
        #expect(p2.fhrp?.identifier == router)
        #expect(p2.fhrp?.state == .active)
        #expect(p2.fhrp?.helloMilliseconds == 3000)
        let v6 = HSRPMessage.version2(opcode: .hello, state: .standby, group: 1, identifier: router, priority: 90, virtualIP: IPAddress("fe80::1")!)
        let p6 = decode(udpFrame(v6, source: IPAddress("fe80::2")!, destination: IPAddress("ff02::66")!, port: 2029, sourceMAC: router))
        #expect(p6.fhrp?.kind == .hsrp6)
        #expect(p6.fhrp?.virtualIP == IPAddress("fe80::1"))
        // Port 1985 to some other address is not HSRP.
        let other = decode(udpFrame(v1, source: IPAddress("10.0.0.2")!, destination: IPAddress("10.0.0.9")!, port: 1985, sourceMAC: router))
        #expect(other.fhrp == nil)
    }

    @Test func glbpForwarders() {
        let message = GLBPMessage.hello(group: 1, owner: router, state: .active, priority: 120, virtualIP: IPv4Address("10.0.0.1")!,
                                        forwarders: [.init(number: 1, state: .active, priority: 120, weight: 100, virtualMAC: VirtualMAC.glbp(group: 1, forwarder: 1)),
                                                     .init(number: 2, state: .listen, priority: 120, weight: 50, virtualMAC: VirtualMAC.glbp(group: 1, forwarder: 2))])
        let packet = decode(udpFrame(message, source: IPAddress("10.0.0.2")!, destination: IPAddress("224.0.0.102")!, port: 3222, sourceMAC: router))
        let fhrp = packet.fhrp
        #expect(fhrp?.kind == .glbp)
        #expect(fhrp?.state == .active)
        #expect(fhrp?.identifier == router)
        #expect(fhrp?.forwarders.map(\.number) == [1, 2])
        #expect(fhrp?.forwarders.map(\.state) == [.active, .listen])
        #expect(fhrp?.forwarders.last?.weight == 50)
        #expect(fhrp?.forwarders.first?.virtualMAC.description == "00:07:b4:00:01:01")
    }

    @Test func vrrpAddressCountIsNeverTrusted() {
        var message = VRRPMessage.version2(vrid: 42, priority: 100, addresses: [IPv4Address("10.0.0.1")!, IPv4Address("10.0.0.2")!])
        message[3] = 200   // claims 200 addresses
        let ip = IPPacket.ipv4(source: IPv4Address("10.0.0.3")!, destination: IPv4Address("224.0.0.18")!, protocol: 112, ttl: 255, payload: message)
        let packet = decode(EthernetFrame.frame(destination: .broadcast, source: VirtualMAC.vrrp(vrid: 42), etherType: 0x0800, payload: ip))
        #expect(packet.fhrp?.kind == .vrrp2)
        #expect(packet.fhrp?.addressCount == 200)
        #expect(packet.fhrp?.addressesPresent == 4)   // the two addresses and the 8 authentication bytes read as two more
        #expect(packet.stop?.name == "truncated_vrrp")
        let v3 = VRRPMessage.version3(vrid: 44, priority: 0, intervalCentiseconds: 100, addresses: [IPAddress("10.0.0.1")!], source: IPAddress("10.0.0.3")!)
        let ip3 = IPPacket.ipv4(source: IPv4Address("10.0.0.3")!, destination: IPv4Address("224.0.0.18")!, protocol: 112, ttl: 255, payload: v3)
        let resign = decode(EthernetFrame.frame(destination: .broadcast, source: VirtualMAC.vrrp(vrid: 44), etherType: 0x0800, payload: ip3))
        #expect(resign.fhrp?.kind == .vrrp3)
        #expect(resign.fhrp?.state == .disabled)
        #expect(resign.fhrp?.helloMilliseconds == 1000)
    }
}
