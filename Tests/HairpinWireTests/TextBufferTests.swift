import Testing
import HairpinWire

@Suite struct TextBufferTests {
    /// Pieces written past the initial capacity: the buffer grows and keeps what it held.
    @Test func growsPastItsCapacityAndKeepsEveryByte() {
        let buffer = TextBuffer(capacity: 64)
        var expected = ""
        for value in stride(from: -1_000_000_007, through: 1_000_000_007, by: 12_345_679) {
            buffer.append(decimal: value)
            buffer.append(" ")
            buffer.append(MACAddress(rawValue: UInt64(bitPattern: Int64(value))))
            buffer.append(UInt8(ascii: ";"))
            expected += "\(value) \(MACAddress(rawValue: UInt64(bitPattern: Int64(value))));"
        }
        buffer.append(IPAddress.v6(IPv6Address(high: 0x2001_0db8_0000_0000, low: 1)))
        expected += "2001:db8::1"
        #expect(buffer.count == expected.utf8.count)
        #expect(buffer.string == expected)
        buffer.removeLast(11)
        #expect(buffer.string == String(expected.dropLast(11)))
        buffer.removeAll()
        #expect(buffer.count == 0 && buffer.string.isEmpty)
    }

    /// Zero-padded decimals, on the short way (fits its width) and the long one (does not).
    @Test func paddedDecimalsHaveTheirWidth() {
        let buffer = TextBuffer()
        for (value, width, text) in [(0, 2, "00"), (7, 2, "07"), (59, 2, "59"), (123, 2, "123"), (5, 9, "000000005"),
                                     (999_999_999, 9, "999999999"), (1_000_000_000, 9, "1000000000"), (42, 0, "42"), (3, 1, "3")] {
            buffer.removeAll()
            buffer.write(room: 20) { $0.append(decimal: value, width: width) }
            #expect(buffer.string == text, "\(value) in \(width) digits")
        }
    }

    /// tcpdump's letters, in its order, for every combination of the eight flags.
    @Test func tcpFlagLettersFollowTcpdump() {
        for flags in 0...255 {
            let bits = UInt8(flags)
            var expected = ""
            for (bit, letter) in [(0x02, "S"), (0x01, "F"), (0x04, "R"), (0x08, "P"), (0x20, "U"), (0x40, "E"), (0x80, "W"), (0x10, ".")]
            where bits & UInt8(bit) != 0 {
                expected += letter
            }
            let buffer = TextBuffer()
            buffer.write(room: 8) { $0.append(tcpFlags: bits) }
            #expect(buffer.string == (expected.isEmpty ? "none" : expected))
        }
    }
}
