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
        text.withUTF8Buffer { for byte in $0 { append(byte) } }
    }

    public mutating func append(_ text: String) {
        for byte in text.utf8 { append(byte) }
    }

    /// An address as its `description` reads: an IPv4 one digit by digit, an IPv6 one copied.
    public mutating func append(_ address: IPAddress) {
        switch address {
        case .v4(let v4):
            for index in 0..<4 {
                if index > 0 { append(UInt8(ascii: ".")) }
                append(decimal: Int(v4.rawValue >> UInt32(24 - 8 * index) & 0xFF))
            }
        case .v6(let v6):
            append(v6.description)
        }
    }

    /// `value` in decimal, a minus sign first when negative. The digits are counted first and
    /// written backwards where they go: no scratch copy (a flow's text has ten such numbers).
    /// Digits past the capacity are skipped, so what fits is the number's start.
    public mutating func append(decimal value: Int) {
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
        repeat {
            position -= 1
            if position < buffer.count { buffer[position] = UInt8(truncatingIfNeeded: 48 + magnitude % 10) }
            magnitude /= 10
        } while magnitude > 0
        count = min(count + digits, buffer.count)
    }
}
