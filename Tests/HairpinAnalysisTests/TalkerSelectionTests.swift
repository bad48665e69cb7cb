import Testing
import HairpinWire
@testable import HairpinAnalysis

@Suite struct TalkerSelectionTests {
    private func key(_ index: Int) -> FlowKey {
        FlowKey(lowAddressHigh: 0, lowAddressLow: UInt64(0x0A00_0000 + index * 37 % 1000), highAddressHigh: 0, highAddressLow: 0xC633_6414,
                lowPort: UInt16(truncatingIfNeeded: 1024 + index), highPort: 443, ipProtocol: 6, isIPv6: false, segment: 0)
    }

    /// The selection keeps what sorting every flow by bytes, then text, and taking the first
    /// `wanted` gives, whatever order the flows come in: with few distinct sizes most flows tie,
    /// in their text "10.0.0.100" before "10.0.0.99".
    @Test(arguments: [1, 5, 40])
    func keepsWhatSortingAllWouldTake(wanted: Int) {
        var generator = SystemRandomNumberGenerator()
        for sizes in [1, 3, 1000] {
            let flows = (0..<2_000).map { (key: key($0), bytes: 64 * (1 + Int.random(in: 0..<sizes, using: &generator))) }
            var selection = TalkerSelection(wanted: wanted)
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: FlowKey.longestText) { scratch in
                for flow in flows.shuffled() { selection.offer(bytes: flow.bytes, key: flow.key, scratch: scratch) }
            }
            let expected = flows.map { (text: $0.key.endpointsText, bytes: $0.bytes) }
                .sorted { $0.bytes != $1.bytes ? $0.bytes > $1.bytes : $0.text < $1.text }.prefix(wanted)
            let kept = selection.talkers()
            #expect(kept.map(\.text) == expected.map(\.text), "sizes \(sizes), wanted \(wanted)")
            #expect(kept.map(\.bytes) == expected.map(\.bytes))
        }
    }

    /// The text written byte by byte reads as the interpolated one it replaced, for every kind
    /// of key: ports or not, a protocol number, a VLAN or a VNI, IPv6.
    @Test func endpointsTextReadsAsInterpolated() throws {
        func interpolated(_ key: FlowKey) -> String {
            let proto = key.ipProtocol == 6 ? "tcp" : key.ipProtocol == 17 ? "udp" : "ip-\(key.ipProtocol)"
            let segment = key.segment == 0 ? "" : key.segment & 0x0100_0000 != 0 ? " vni \(key.segment & 0xFF_FFFF)" : " vlan \(key.segment)"
            if key.ipProtocol == 6 || key.ipProtocol == 17 {
                return "\(key.lowAddress):\(key.lowPort) <-> \(key.highAddress):\(key.highPort) \(proto)\(segment)"
            }
            return "\(key.lowAddress) <-> \(key.highAddress) \(proto)\(segment)"
        }
        let longest = try #require(IPv6Address("fe80:1234:5678:9abc:def0:1234:5678:9abc"))
        var keys: [FlowKey] = []
        for proto: UInt8 in [6, 17, 1, 47, 255] {
            for segment: UInt32 in [0, 1, 4094, 0x0100_0000, 0x01FF_FFFF] {
                keys.append(FlowKey(lowAddressHigh: 0, lowAddressLow: 0x0A00_0001, highAddressHigh: 0, highAddressLow: 0xFFFF_FFFF,
                                    lowPort: 0, highPort: 65535, ipProtocol: proto, isIPv6: false, segment: segment))
                keys.append(FlowKey(lowAddressHigh: longest.high, lowAddressLow: longest.low, highAddressHigh: longest.high,
                                    highAddressLow: longest.low, lowPort: 65535, highPort: 65535, ipProtocol: proto, isIPv6: true,
                                    segment: segment))
            }
        }
        for key in keys { #expect(key.endpointsText == interpolated(key)) }
    }

    @Test func textBytesWritesDecimalsAndStopsAtItsCapacity() {
        let text = String(unsafeUninitializedCapacity: 64) { buffer in
            var text = TextBytes(buffer)
            for value in [0, 7, -42, Int.max, Int.min] {
                text.append(decimal: value)
                text.append(" ")
            }
            return text.count
        }
        #expect(text == "0 7 -42 9223372036854775807 -9223372036854775808 ")
        // Every count of digits, at each power of ten and just below it.
        var power = 1
        for digits in 1...18 {
            power *= 10
            for value in [power / 10, power - 1] {
                let written = String(unsafeUninitializedCapacity: 24) { buffer in
                    var text = TextBytes(buffer)
                    text.append(decimal: value)
                    return text.count
                }
                #expect(written == String(value), "\(digits) digits")
            }
        }
        let cut = String(unsafeUninitializedCapacity: 5) { buffer in
            var text = TextBytes(buffer)
            text.append(decimal: 1_234_567)
            return text.count
        }
        #expect(cut == "12345")
    }

    @Test func textBytesWritesEveryIPv4ByteAndLiteralsAsTheyRead() {
        // Each byte value in each place, beside values of one, two and three digits.
        for value in UInt32(0)...255 {
            for place in 0..<4 {
                let raw = (0x0A63_C801 & ~(0xFF << UInt32(8 * place))) | value << UInt32(8 * place)
                let address = IPv4Address(rawValue: raw)
                let expected = (0..<4).map { String(raw >> UInt32(24 - 8 * $0) & 0xFF) }.joined(separator: ".")
                #expect(address.description == expected)
            }
        }
        // Short of room: what fits, as byte by byte.
        for capacity in 0...16 {
            let written = String(unsafeUninitializedCapacity: capacity) { buffer in
                var text = TextBytes(buffer)
                text.append(.v4(IPv4Address(rawValue: 0xC0A8_6401)))
                text.append(" <-> ")
                return text.count
            }
            #expect(written == String("192.168.100.1 <-> ".prefix(capacity)), "capacity \(capacity)")
        }
    }

    @Test func wantingNoneKeepsNone() {
        var selection = TalkerSelection(wanted: 0)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: FlowKey.longestText) { scratch in
            selection.offer(bytes: 100, key: key(1), scratch: scratch)
        }
        #expect(selection.talkers().isEmpty)
    }
}
