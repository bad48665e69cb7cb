import HairpinWire

/// How a pcapng interface counts time (`if_tsresol`): 10^-n or 2^-n seconds per unit.
public enum TimestampResolution: Sendable, Equatable, CustomStringConvertible {
    case decimal(exponent: UInt8)
    case binary(exponent: UInt8)

    public static let microseconds = TimestampResolution.decimal(exponent: 6)
    public static let nanoseconds = TimestampResolution.decimal(exponent: 9)

    init(optionByte: UInt8) {
        self = optionByte & 0x80 != 0 ? .binary(exponent: optionByte & 0x7F) : .decimal(exponent: optionByte)
    }

    public var description: String {
        switch self {
        case .decimal(let exponent):
            switch exponent {
            case 0: "1 s"
            case 3: "1 ms"
            case 6: "1 µs"
            case 9: "1 ns"
            case 12: "1 ps"
            default: "1e-\(exponent) s"
            }
        case .binary(let exponent): "2^-\(exponent) s"
        }
    }

    /// Converts a count of units to nanoseconds; nil when it does not fit in Int64.
    @inline(__always)
    func nanoseconds(fromUnits units: UInt64) -> Int64? {
        switch self {
        case .decimal(let exponent):
            if exponent == 9 { return units <= UInt64(Int64.max) ? Int64(units) : nil }
            if exponent < 9 {
                let (product, overflow) = units.multipliedReportingOverflow(by: powerOfTen(9 - Int(exponent)))
                return overflow || product > UInt64(Int64.max) ? nil : Int64(product)
            }
            if exponent - 9 > 19 { return 0 }
            let quotient = units / powerOfTen(Int(exponent) - 9)
            return quotient <= UInt64(Int64.max) ? Int64(quotient) : nil
        case .binary(let exponent):
            // units * 10^9 / 2^exponent with a 128-bit intermediate.
            let (high, low) = units.multipliedFullWidth(by: 1_000_000_000)
            let shift = Int(exponent)
            let value: UInt64
            if shift == 0 {
                guard high == 0 else { return nil }
                value = low
            } else if shift >= 64 {
                value = shift >= 128 ? 0 : high >> (shift - 64)
            } else {
                guard high >> shift == 0 else { return nil }
                value = (high << (64 - shift)) | (low >> shift)
            }
            return value <= UInt64(Int64.max) ? Int64(value) : nil
        }
    }
}

@inline(__always)
func powerOfTen(_ exponent: Int) -> UInt64 {
    var value: UInt64 = 1
    for _ in 0..<exponent { value &*= 10 }
    return value
}

/// Direction of a packet relative to the capturing interface, when the capture says.
public enum Direction: UInt8, Sendable, BitwiseCopyable, Codable {
    case unknown = 0, inbound = 1, outbound = 2

    /// The direction in a pcapng packet block's `epb_flags` (its two low bits).
    @inline(__always)
    init(pcapngFlags flags: UInt32) { self = Direction(rawValue: UInt8(flags & 3)) ?? .unknown }

    public var name: String {
        switch self {
        case .unknown: "unknown"
        case .inbound: "in"
        case .outbound: "out"
        }
    }
}

/// One capture point: a pcapng interface, or the single interface of a pcap file (or of each
/// pcap header in a concatenated file). `id` is global: distinct across sections and files.
public struct CaptureInterface: Sendable, Equatable {
    public let id: Int
    /// Index of the input (file) in the run, and its name as given.
    public let fileIndex: Int
    public let file: String
    /// pcapng section (0-based) and the interface id inside it; 0 and 0 for pcap.
    public let section: Int
    public let localId: Int
    public let linkType: LinkType
    /// Raw link-type word bits above the type (pcap FCS bits), kept for display.
    public let linkTypeFlags: UInt32
    public let snaplen: UInt32
    public var name: String?
    public var description: String?
    public var hardware: String?
    public var speedBitsPerSecond: UInt64?
    public var transmitSpeedBitsPerSecond: UInt64?
    public var receiveSpeedBitsPerSecond: UInt64?
    public var resolution: TimestampResolution
    public var timestampOffsetSeconds: Int64
    /// Bytes of FCS at the end of each frame, when the capture says (pcap FCS bits, if_fcslen).
    public var fcsLength: Int?
    public var filter: String?
    public var operatingSystem: String?
    /// Last Interface Statistics Block values, when present.
    public var statistics: InterfaceStatistics?

    init(id: Int, fileIndex: Int, file: String, section: Int, localId: Int, linkType: LinkType,
         linkTypeFlags: UInt32 = 0, snaplen: UInt32, resolution: TimestampResolution) {
        self.id = id
        self.fileIndex = fileIndex
        self.file = file
        self.section = section
        self.localId = localId
        self.linkType = linkType
        self.linkTypeFlags = linkTypeFlags
        self.snaplen = snaplen
        self.resolution = resolution
        timestampOffsetSeconds = 0
    }

    /// The name to show: if_name, else if_description, else a stable made-up one.
    public var displayName: String {
        if let name, !name.isEmpty { return name }
        if let description, !description.isEmpty { return description }
        return "if\(id)"
    }
}

/// Counters from a pcapng Interface Statistics Block (the last one seen wins).
public struct InterfaceStatistics: Sendable, Equatable {
    public var timestamp: Int64?
    public var received: UInt64?
    public var dropped: UInt64?
    public var filterAccepted: UInt64?
    public var osDropped: UInt64?
    public var delivered: UInt64?
}

/// The interfaces of a whole run, in the order they were met.
public final class InterfaceTable {
    public private(set) var all: [CaptureInterface] = []

    public init() {}

    func add(_ make: (Int) -> CaptureInterface) -> Int {
        let id = all.count
        all.append(make(id))
        return id
    }

    func update(_ id: Int, _ change: (inout CaptureInterface) -> Void) { change(&all[id]) }

    public subscript(id: Int) -> CaptureInterface { all[id] }
    /// `self[id].displayName`, without copying the interface's other fields (a printed packet's
    /// line read it).
    public func displayName(of id: Int) -> String { all[id].displayName }
    public var count: Int { all.count }
}
