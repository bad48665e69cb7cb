/// A 48-bit IEEE MAC address held in the low bits of a `UInt64`, so it is a fixed-size key
/// that hashes and compares as one integer.
public struct MACAddress: Hashable, Comparable, Sendable, BitwiseCopyable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue & 0xFFFF_FFFF_FFFF }

    public init(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8, _ b4: UInt8, _ b5: UInt8) {
        rawValue = UInt64(b0) << 40 | UInt64(b1) << 32 | UInt64(b2) << 24
            | UInt64(b3) << 16 | UInt64(b4) << 8 | UInt64(b5)
    }

    /// Reads six bytes in wire order. The caller guarantees they are there.
    @inlinable
    public init(loadingFrom pointer: UnsafeRawPointer) {
        let high = UInt64(UInt16(bigEndian: pointer.loadUnaligned(as: UInt16.self)))
        let low = UInt64(UInt32(bigEndian: pointer.loadUnaligned(fromByteOffset: 2, as: UInt32.self)))
        rawValue = high << 32 | low
    }

    /// Parses `00:50:56:aa:bb:01` (also with `-` separators).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(whereSeparator: { $0 == ":" || $0 == "-" })
        guard parts.count == 6 else { return nil }
        var value: UInt64 = 0
        for part in parts {
            guard part.count <= 2, let byte = UInt8(part, radix: 16) else { return nil }
            value = value << 8 | UInt64(byte)
        }
        rawValue = value
    }

    public static let broadcast = MACAddress(rawValue: 0xFFFF_FFFF_FFFF)
    public static let zero = MACAddress(rawValue: 0)

    public var isBroadcast: Bool { rawValue == 0xFFFF_FFFF_FFFF }
    /// The I/G bit: group (multicast or broadcast) addresses.
    public var isMulticast: Bool { rawValue & 0x0100_0000_0000 != 0 }
    public var isLocallyAdministered: Bool { rawValue & 0x0200_0000_0000 != 0 }
    public var oui: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 24) }

    public func byte(_ index: Int) -> UInt8 { UInt8(truncatingIfNeeded: rawValue >> (40 - 8 * index)) }

    /// Lower-case hex pairs joined by colons, written straight into the string's own bytes
    /// (17, held without allocating): appended a character at a time, a printed packet's two
    /// MACs cost some 12,800 instructions.
    public var description: String {
        String(unsafeUninitializedCapacity: 17) { buffer in
            var text = TextBytes(buffer)
            text.append(self)
            return text.count
        }
    }

    public static func < (lhs: MACAddress, rhs: MACAddress) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// An IPv4 address as its 32-bit value in host order.
public struct IPv4Address: Hashable, Comparable, Sendable, BitwiseCopyable, CustomStringConvertible {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        rawValue = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    @inlinable
    public init(loadingFrom pointer: UnsafeRawPointer) {
        rawValue = UInt32(bigEndian: pointer.loadUnaligned(as: UInt32.self))
    }

    /// Parses dotted-quad text; rejects leading zeros that would read as octal elsewhere.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII),
                  !(part.count > 1 && part.first == "0"),
                  let octet = UInt8(part) else { return nil }
            value = value << 8 | UInt32(octet)
        }
        rawValue = value
    }

    public var isMulticast: Bool { rawValue >> 28 == 0xE }
    public var isBroadcast: Bool { rawValue == 0xFFFF_FFFF }
    public var isUnspecified: Bool { rawValue == 0 }

    /// Dotted decimal, written straight into the string's own bytes: at most 15, which a string
    /// holds without allocating (interpolating the four numbers cost some 1,700 instructions, a
    /// string made and freed for each).
    public var description: String {
        String(unsafeUninitializedCapacity: 15) { buffer in
            var text = TextBytes(buffer)
            text.append(.v4(self))
            return text.count
        }
    }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// An IPv6 address as two 64-bit halves in host order (`high` holds the first eight bytes).
public struct IPv6Address: Hashable, Comparable, Sendable, BitwiseCopyable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    @inlinable
    public init(loadingFrom pointer: UnsafeRawPointer) {
        high = UInt64(bigEndian: pointer.loadUnaligned(as: UInt64.self))
        low = UInt64(bigEndian: pointer.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    /// The eight 16-bit groups in order.
    public var groups: [UInt16] {
        (0..<8).map { index in
            let half = index < 4 ? high : low
            return UInt16(truncatingIfNeeded: half >> (48 - 16 * (index % 4)))
        }
    }

    /// Parses RFC 4291 text, including `::` compression and a trailing dotted quad.
    public init?(_ text: some StringProtocol) {
        var source = String(text)
        var tail: [UInt16] = []
        if let lastColon = source.lastIndex(of: ":"), source[lastColon...].contains(".") {
            guard let v4 = IPv4Address(source[source.index(after: lastColon)...]) else { return nil }
            tail = [UInt16(v4.rawValue >> 16), UInt16(v4.rawValue & 0xFFFF)]
            source = String(source[...lastColon])
            if source.hasSuffix(":") && !source.hasSuffix("::") { source.removeLast() }
        }
        func parseGroups(_ part: Substring) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard !group.isEmpty, group.count <= 4, let value = UInt16(group, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        var groups: [UInt16]
        if let gap = doubleColon(in: source) {
            let after = source.index(gap, offsetBy: 2)
            guard let head = parseGroups(source[..<gap]),
                  let rest = parseGroups(source[after...]),
                  doubleColon(in: source[after...]) == nil else { return nil }
            let missing = 8 - head.count - rest.count - tail.count
            guard missing >= 1 else { return nil }
            groups = head + Array(repeating: 0, count: missing) + rest + tail
        } else {
            guard let all = parseGroups(Substring(source)) else { return nil }
            groups = all + tail
        }
        guard groups.count == 8 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<4 { high = high << 16 | UInt64(groups[index]) }
        for index in 4..<8 { low = low << 16 | UInt64(groups[index]) }
        self.init(high: high, low: low)
    }

    public var isMulticast: Bool { high >> 56 == 0xFF }
    public var isLinkLocal: Bool { high >> 54 == 0x3FA }
    public var isUnspecified: Bool { high == 0 && low == 0 }

    /// RFC 5952 canonical text: lower case, no leading zeros, the longest run of two or more
    /// zero groups (the first on a tie) as `::`, and IPv4-mapped addresses in dotted form.
    public var description: String {
        let groups = self.groups
        if high == 0, low >> 32 == 0xFFFF {
            return "::ffff:" + IPv4Address(rawValue: UInt32(truncatingIfNeeded: low)).description
        }
        var bestStart = -1, bestLength = 0, runStart = -1
        for index in 0...8 {
            if index < 8 && groups[index] == 0 {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                let length = index - runStart
                if length > bestLength && length >= 2 { bestStart = runStart; bestLength = length }
                runStart = -1
            }
        }
        func hex(_ slice: ArraySlice<UInt16>) -> String {
            slice.map { String($0, radix: 16) }.joined(separator: ":")
        }
        if bestStart < 0 { return hex(groups[...]) }
        return hex(groups[..<bestStart]) + "::" + hex(groups[(bestStart + bestLength)...])
    }

    public static func < (lhs: IPv6Address, rhs: IPv6Address) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

/// Index of the first "::" in `text`.
private func doubleColon<S: StringProtocol>(in text: S) -> S.Index? {
    var index = text.startIndex
    while index < text.endIndex {
        let next = text.index(after: index)
        if next < text.endIndex, text[index] == ":", text[next] == ":" { return index }
        index = next
    }
    return nil
}
