import HairpinWire

/// Appends big-endian fields to a byte array: the writing half of the decoder's views.
public struct ByteBuilder {
    public var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func u8(_ value: UInt8) { bytes.append(value) }
    public mutating func u16(_ value: UInt16) { bytes.append(UInt8(value >> 8)); bytes.append(UInt8(truncatingIfNeeded: value)) }
    public mutating func u32(_ value: UInt32) { u16(UInt16(value >> 16)); u16(UInt16(truncatingIfNeeded: value)) }
    public mutating func u64(_ value: UInt64) { u32(UInt32(value >> 32)); u32(UInt32(truncatingIfNeeded: value)) }
    public mutating func mac(_ value: MACAddress) { for index in 0..<6 { bytes.append(value.byte(index)) } }
    public mutating func ipv4(_ value: IPv4Address) { u32(value.rawValue) }
    public mutating func ipv6(_ value: IPv6Address) { u64(value.high); u64(value.low) }
    public mutating func ip(_ value: IPAddress) {
        switch value {
        case .v4(let address): ipv4(address)
        case .v6(let address): ipv6(address)
        }
    }
    public mutating func zeros(_ count: Int) { bytes.append(contentsOf: repeatElement(0, count: count)) }
    public mutating func append(_ other: [UInt8]) { bytes.append(contentsOf: other) }

    /// Writes a 16-bit value at an earlier offset (checksums, lengths).
    public mutating func set16(_ value: UInt16, at offset: Int) {
        bytes[offset] = UInt8(value >> 8)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: value)
    }
}

/// The Internet checksum (RFC 1071): one's-complement sum of 16-bit words.
public struct InternetChecksum {
    private var sum: UInt64 = 0

    public init() {}

    public mutating func add(_ bytes: ArraySlice<UInt8>) {
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            sum &+= UInt64(bytes[index]) << 8 | UInt64(bytes[index + 1])
            index += 2
        }
        if index < bytes.endIndex { sum &+= UInt64(bytes[index]) << 8 }
    }

    public mutating func add(_ bytes: [UInt8]) { add(bytes[...]) }
    public mutating func add16(_ value: UInt16) { sum &+= UInt64(value) }
    public mutating func add32(_ value: UInt32) { sum &+= UInt64(value >> 16) &+ UInt64(value & 0xFFFF) }
    public mutating func add(_ address: IPAddress) {
        switch address {
        case .v4(let v4): add32(v4.rawValue)
        case .v6(let v6):
            add32(UInt32(v6.high >> 32)); add32(UInt32(truncatingIfNeeded: v6.high))
            add32(UInt32(v6.low >> 32)); add32(UInt32(truncatingIfNeeded: v6.low))
        }
    }

    /// Adds another partial sum (a precomputed payload, say).
    public mutating func add(_ other: InternetChecksum) { sum &+= other.sum }

    public var value: UInt16 {
        var folded = sum
        while folded >> 16 != 0 { folded = (folded & 0xFFFF) &+ (folded >> 16) }
        return ~UInt16(folded)
    }

    /// The transport checksum's pseudo-header (RFC 768/793 for IPv4, RFC 8200 for IPv6).
    public static func pseudoHeader(source: IPAddress, destination: IPAddress, protocol number: UInt8, length: Int) -> InternetChecksum {
        var sum = InternetChecksum()
        sum.add(source)
        sum.add(destination)
        sum.add32(UInt32(length))
        sum.add16(UInt16(number))
        return sum
    }
}
