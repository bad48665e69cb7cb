import HairpinWire

/// Left/right aligned columns for terminal output.
public struct TextTable {
    public enum Alignment: Sendable { case left, right }

    public var headers: [String]
    public var alignments: [Alignment]
    public private(set) var rows: [[String]] = []

    public init(_ columns: [(String, Alignment)]) {
        headers = columns.map(\.0)
        alignments = columns.map(\.1)
    }

    public mutating func add(_ row: [String]) { rows.append(row) }

    public func render(indent: String = "  ") -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() where index < widths.count {
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                let isLast = index == cells.count - 1
                parts.append(alignments[index] == .right ? pad + cell : (isLast ? cell : cell + pad))
            }
            return indent + parts.joined(separator: "  ")
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }
}

/// Human-readable quantities.
public enum Units {
    /// 1.23 Gbit/s style, decimal prefixes as network engineers use them.
    public static func bitsPerSecond(_ value: Double) -> String { scaled(value, unit: "bit/s") }

    public static func bytes(_ value: Int64) -> String {
        value < 1000 ? "\(value) B" : scaled(Double(value), unit: "B")
    }

    public static func scaled(_ value: Double, unit: String) -> String {
        let prefixes = ["", "k", "M", "G", "T", "P"]
        var scaled = value
        var index = 0
        while abs(scaled) >= 1000 && index < prefixes.count - 1 {
            scaled /= 1000
            index += 1
        }
        return "\(fixed(scaled, digits: index == 0 ? 0 : 2)) \(prefixes[index])\(unit)"
    }

    /// Fixed-point text without Foundation's formatters.
    public static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "-" }
        let factor = Double(powerOfTen(digits))
        let rounded = (abs(value) * factor).rounded()
        let whole = Int64(rounded / factor)
        let fraction = Int64(rounded) - whole * Int64(factor)
        let sign = value < 0 && rounded != 0 ? "-" : ""
        if digits == 0 { return sign + String(whole) }
        let fractionText = String(fraction)
        return sign + String(whole) + "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
    }

    private static func powerOfTen(_ exponent: Int) -> Int64 {
        var value: Int64 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// UTC time with nanoseconds: 2026-11-26 14:03:07.123456789
    public static func timestamp(_ nanoseconds: Int64) -> String {
        String(unsafeUninitializedCapacity: TextBytes.longestTimestamp) { buffer in
            var text = TextBytes(buffer)
            text.append(timestamp: nanoseconds)
            return text.count
        }
    }

    /// 1.500 s, 12.3 ms style durations.
    public static func duration(_ nanoseconds: Int64) -> String {
        let value = Double(nanoseconds)
        if abs(value) >= 1e9 { return fixed(value / 1e9, digits: 3) + " s" }
        if abs(value) >= 1e6 { return fixed(value / 1e6, digits: 3) + " ms" }
        if abs(value) >= 1e3 { return fixed(value / 1e3, digits: 3) + " µs" }
        return "\(nanoseconds) ns"
    }
}

extension TextBytes {
    /// Bytes of the longest `append(timestamp:)`: a five-digit year with its sign.
    static let longestTimestamp = 36

    /// `YYYY-MM-DD HH:MM:SS.nnnnnnnnn` in UTC (`Units.timestamp`).
    mutating func append(timestamp nanoseconds: Int64) {
        let seconds = nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds - 999_999_999) / 1_000_000_000
        let fraction = nanoseconds - seconds * 1_000_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        append(decimal: Int(year))
        append(UInt8(ascii: "-"))
        append(decimal: Int(month), width: 2)
        append(UInt8(ascii: "-"))
        append(decimal: Int(day), width: 2)
        append(UInt8(ascii: " "))
        append(decimal: Int(secondOfDay / 3600), width: 2)
        append(UInt8(ascii: ":"))
        append(decimal: Int(secondOfDay / 60 % 60), width: 2)
        append(UInt8(ascii: ":"))
        append(decimal: Int(secondOfDay % 60), width: 2)
        append(UInt8(ascii: "."))
        append(decimal: Int(fraction), width: 9)
    }
}
