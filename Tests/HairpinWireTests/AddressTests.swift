import Testing
import HairpinWire

@Suite struct AddressTests {
    @Test func macTextRoundTrips() throws {
        let mac = try #require(MACAddress("00:50:56:AA:bb:01"))
        #expect(mac.description == "00:50:56:aa:bb:01")
        #expect(mac.oui == 0x005056)
        #expect(!mac.isMulticast)
        #expect(MACAddress.broadcast.isBroadcast)
        #expect(MACAddress("01:00:5e:00:00:12")?.isMulticast == true)
        #expect(MACAddress("00:50:56") == nil)
        #expect(MACAddress("00:50:56:aa:bb:zz") == nil)
        let bytes: [UInt8] = [0x00, 0x00, 0x0c, 0x07, 0xac, 0x0a]
        let loaded = bytes.withUnsafeBytes { MACAddress(loadingFrom: $0.baseAddress!) }
        #expect(loaded.description == "00:00:0c:07:ac:0a")
    }

    @Test func ipv4TextRoundTrips() throws {
        #expect(IPv4Address("10.20.0.11")?.description == "10.20.0.11")
        #expect(IPv4Address("224.0.0.2")?.isMulticast == true)
        #expect(IPv4Address("10.20.0") == nil)
        #expect(IPv4Address("10.20.0.256") == nil)
        #expect(IPv4Address("10.020.0.1") == nil)
    }

    @Test(arguments: [
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:0db8:0000:0000:0000:0000:0002:0001", "2001:db8::2:1"),
        ("ff02::66", "ff02::66"),
        ("::", "::"),
        ("::1", "::1"),
        ("fe80::", "fe80::"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
    ])
    func ipv6CanonicalText(input: String, canonical: String) throws {
        let address = try #require(IPv6Address(input))
        #expect(address.description == canonical)
        #expect(IPv6Address(canonical) == address)
    }

    @Test func ipv6RejectsMalformedText() {
        #expect(IPv6Address("1::2::3") == nil)
        #expect(IPv6Address("1:2:3:4:5:6:7") == nil)
        #expect(IPv6Address("12345::") == nil)
        #expect(IPv6Address("ff02::66")?.isMulticast == true)
        #expect(IPv6Address("fe80::1")?.isLinkLocal == true)
    }
}

@Suite struct ProtocolSummaryTests {
    func summary(_ linkType: LinkType, _ bytes: [UInt8]) -> ProtocolSummary {
        bytes.withUnsafeBytes { ProtocolSummary(linkType: linkType, bytes: $0) }
    }

    @Test func walksTagsToTheTransport() {
        var frame: [UInt8] = Array(repeating: 0, count: 12) + [0x88, 0xA8, 0, 100, 0x81, 0x00, 0, 20, 0x08, 0x00]
        frame += [0x45] + Array(repeating: 0, count: 8) + [6] + Array(repeating: 0, count: 10)
        let result = summary(.ethernet, frame)
        #expect(result.vlanTags == 2)
        #expect(result.etherType == 0x0800)
        #expect(result.ipProtocol == 6)
        #expect(result.path == "eth>vlan>vlan>ipv4>tcp")
    }

    @Test func everyTruncationStopsWithoutReadingPastTheEnd() {
        var frame: [UInt8] = Array(repeating: 0, count: 12) + [0x86, 0xDD, 0x60] + Array(repeating: 0, count: 3)
        frame += [0, 8, 0, 64] + Array(repeating: 0, count: 32)  // next header hop-by-hop
        frame += [17, 0] + Array(repeating: 0, count: 6)
        for cut in 0...frame.count {
            let result = summary(.ethernet, Array(frame.prefix(cut)))
            if cut == frame.count {
                #expect(result.ipProtocol == 17)
                #expect(!result.truncated)
            } else if cut < 14 + 40 {
                #expect(result.truncated)
                #expect(result.ipProtocol == nil)
            }
        }
    }

    @Test func linuxCookedAndRawLinkTypes() {
        var sll2: [UInt8] = [0x08, 0x06] + Array(repeating: 0, count: 18)
        sll2 += Array(repeating: 0, count: 28)
        #expect(summary(.linuxSLL2, sll2).path == "sll>arp")
        let raw6: [UInt8] = [0x60, 0, 0, 0, 0, 0, 58, 64] + Array(repeating: 0, count: 32)
        #expect(summary(.raw, raw6).path == "raw>ipv6>icmpv6")
        let null4: [UInt8] = [2, 0, 0, 0, 0x45, 0, 0, 0, 0, 0, 0, 0, 0, 17] + Array(repeating: 0, count: 10)
        #expect(summary(.null, null4).path == "null>ipv4>udp")
    }
}
