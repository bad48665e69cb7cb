/// Writes ASCII text into the bytes of a string being made (`String(unsafeUninitializedCapacity:
/// initializingUTF8With:)`): numbers and pieces of text without a string made for each piece and
/// appended, as interpolation does. What does not fit in the capacity is left out.
public struct TextBytes {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    /// Bytes written so far: what the string's initializer returns.
    public private(set) var count = 0

    public init(_ buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

    @inline(__always)
    public mutating func append(_ byte: UInt8) {
        guard count < buffer.count else { return }
        buffer[count] = byte
        count += 1
    }

    public mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// `text`'s bytes (a literal such as " <-> " passed here is a `String`), copied whole.
    public mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }

    /// `bytes` with one check of room where they fit whole; where they do not, as many as fit.
    @inline(__always)
    public mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        guard count &+ bytes.count <= buffer.count, let start = buffer.baseAddress, let from = bytes.baseAddress else {
            for byte in bytes { append(byte) }
            return
        }
        // To a destination fixed before the loop: a store through the buffer cannot then be taken
        // to change the `count` it indexes from.
        let to = start + count
        for index in 0..<bytes.count { to[index] = from[index] }
        count &+= bytes.count
    }

    /// An address as its `description` reads: an IPv4 one byte by byte, an IPv6 one copied.
    public mutating func append(_ address: IPAddress) {
        switch address {
        case .v4(let v4):
            guard count &+ 15 <= buffer.count, let start = buffer.baseAddress else {
                for index in 0..<4 {
                    if index > 0 { append(UInt8(ascii: ".")) }
                    append(decimal: Int(v4.rawValue >> UInt32(24 - 8 * index) & 0xFF))
                }
                return
            }
            // Room for the longest: each byte's digits written without a check of their own.
            var position = start + count
            for index in 0..<4 {
                if index > 0 {
                    position.pointee = UInt8(ascii: ".")
                    position += 1
                }
                let byte = v4.rawValue >> UInt32(24 - 8 * index) & 0xFF
                if byte >= 100 {
                    let hundreds = byte / 100
                    position.pointee = UInt8(truncatingIfNeeded: 48 + hundreds)
                    Self.writePair(byte - hundreds * 100, at: position + 1)
                    position += 3
                } else if byte >= 10 {
                    Self.writePair(byte, at: position)
                    position += 2
                } else {
                    position.pointee = UInt8(truncatingIfNeeded: 48 + byte)
                    position += 1
                }
            }
            count = position - start
        case .v6(let v6):
            append(v6.description)
        }
    }

    /// A layer path as its `description` reads: the layers' names joined by `>`.
    public mutating func append(_ path: LayerPath) {
        for index in 0..<path.count {
            if index > 0 { append(UInt8(ascii: ">")) }
            if let layer = path.layer(at: index) { append(layer.description) }
        }
    }

    /// A MAC address as its `description` reads: six lower-case hex pairs joined by colons.
    public mutating func append(_ mac: MACAddress) {
        for index in 0..<6 {
            if index > 0 { append(UInt8(ascii: ":")) }
            append(hexByte: mac.byte(index))
        }
    }

    /// `byte` as two lower-case hex digits.
    public mutating func append(hexByte byte: UInt8) {
        append(Self.hexDigit(byte >> 4))
        append(Self.hexDigit(byte & 0xF))
    }

    @inline(__always)
    private static func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? 48 + value : 87 + value }

    /// `value` (not negative) in decimal with at least `width` digits, zeros in front: the
    /// fields of a time of day, the nine digits of its fraction. Where it has no more digits
    /// than `width` (at most 10), they are written backwards two at a time, without counting them.
    public mutating func append(decimal value: Int, width: Int) {
        guard value >= 0, width <= 10, value < Self.powersOfTen[width], count &+ width <= buffer.count, let start = buffer.baseAddress else {
            appendPadded(value, width: width)
            return
        }
        var rest = UInt64(truncatingIfNeeded: value)
        var position = start + count + width
        var left = width
        while left >= 2 {
            position -= 2
            Self.writePair(UInt32(truncatingIfNeeded: rest % 100), at: position)
            rest /= 100
            left -= 2
        }
        if left == 1 { (position - 1).pointee = UInt8(truncatingIfNeeded: 48 + rest) }
        count &+= width
    }

    private static let powersOfTen: [Int] = (0...10).map { power in (0..<power).reduce(1) { result, _ in result * 10 } }

    /// `append(decimal:width:)` for a value longer than `width`, or where it may not fit.
    @inline(never)
    private mutating func appendPadded(_ value: Int, width: Int) {
        var digits = 1
        var bound = 10
        while value >= bound && digits < 19 {
            digits += 1
            bound &*= 10
        }
        for _ in digits..<max(digits, width) { append(UInt8(ascii: "0")) }
        append(decimal: value)
    }

    /// TCP flag letters as tcpdump prints them: S F R P U E W, `.` for ACK; "none" for none.
    public mutating func append(tcpFlags flags: UInt8) {
        let start = count
        if flags & 0x02 != 0 { append(UInt8(ascii: "S")) }
        if flags & 0x01 != 0 { append(UInt8(ascii: "F")) }
        if flags & 0x04 != 0 { append(UInt8(ascii: "R")) }
        if flags & 0x08 != 0 { append(UInt8(ascii: "P")) }
        if flags & 0x20 != 0 { append(UInt8(ascii: "U")) }
        if flags & 0x40 != 0 { append(UInt8(ascii: "E")) }
        if flags & 0x80 != 0 { append(UInt8(ascii: "W")) }
        if flags & 0x10 != 0 { append(UInt8(ascii: ".")) }
        if count == start { append("none" as StaticString) }
    }

    /// `value` in decimal, a minus sign first when negative. The numbers of a flow's text
    /// (address bytes, ports, VLANs) take a short way, inlined: digits counted by comparisons and
    /// written two at a time from a table, without a check per digit (a report of 100,000 flows
    /// of one size, each one's text written to be compared, with the literals' and the addresses'
    /// short ways: 1,590 -> 1,283 instructions a frame of the capture).
    @inline(__always)
    public mutating func append(decimal value: Int) {
        guard value >= 0 && value < 100_000 && count &+ 5 <= buffer.count, let start = buffer.baseAddress else {
            appendAnyDecimal(value)
            return
        }
        var rest = UInt32(truncatingIfNeeded: value)
        let digits = rest < 10 ? 1 : rest < 100 ? 2 : rest < 1_000 ? 3 : rest < 10_000 ? 4 : 5
        var position = start + count + digits
        while rest >= 100 {
            position -= 2
            Self.writePair(rest % 100, at: position)
            rest /= 100
        }
        if rest >= 10 {
            Self.writePair(rest, at: position - 2)
        } else {
            (position - 1).pointee = UInt8(truncatingIfNeeded: 48 + rest)
        }
        count &+= digits
    }

    /// "00" to "99", two bytes a number.
    private static let digitPairs: StaticString = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

    @inline(__always)
    private static func writePair(_ pair: UInt32, at position: UnsafeMutablePointer<UInt8>) {
        let from = digitPairs.utf8Start + Int(pair) &* 2
        position[0] = from[0]
        position[1] = from[1]
    }

    /// `append(decimal:)` for any value, or where its digits may not fit. The digits are counted
    /// first and written backwards where they go: no scratch copy. Digits past the capacity are
    /// skipped, so what fits is the number's start.
    @inline(never)
    private mutating func appendAnyDecimal(_ value: Int) {
        if value < 0 { append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits = 1
        // An Int's magnitude is below 10^19, the largest power of ten a UInt holds: the bound
        // never overflows.
        var bound: UInt = 10
        while magnitude >= bound {
            digits += 1
            bound &*= 10
        }
        var position = count + digits
        // Two digits at a time where both fit, as the short way writes them.
        while magnitude >= 100 && position <= buffer.count, let start = buffer.baseAddress {
            position -= 2
            Self.writePair(UInt32(truncatingIfNeeded: magnitude % 100), at: start + position)
            magnitude /= 100
        }
        repeat {
            position -= 1
            if position < buffer.count { buffer[position] = UInt8(truncatingIfNeeded: 48 + magnitude % 10) }
            magnitude /= 10
        } while magnitude > 0
        count = min(count + digits, buffer.count)
    }
}
