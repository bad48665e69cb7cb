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

    /// Every octet length in every position, the longest text (15 bytes) and the shortest.
    @Test func ipv4TextIsDottedDecimal() {
        let octets: [UInt8] = [0, 7, 9, 10, 42, 99, 100, 199, 255]
        for a in octets {
            for b in octets {
                let address = IPv4Address(a, b, 255 - a, b / 3)
                #expect(address.description == "\(a).\(b).\(255 - a).\(b / 3)")
                #expect(IPv4Address(address.description) == address)
            }
        }
        #expect(IPv4Address(rawValue: .max).description == "255.255.255.255")
        #expect(IPv4Address(rawValue: 0).description == "0.0.0.0")
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
