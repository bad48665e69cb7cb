#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import HairpinWire

/// Writes a pcapng file in this machine's byte order: one section, one Interface Description
/// Block per capture point (name, description, speed, nanosecond or microsecond resolution),
/// and Enhanced Packet Blocks carrying the direction in `epb_flags`. Frames longer than an
/// interface's snapshot length are cut, their original length kept.
public final class PcapngWriter {
    public struct Interface: Sendable {
        public var name: String
        public var description: String?
        public var linkType: LinkType
        public var snaplen: Int
        public var speedBitsPerSecond: UInt64?
        public var nanosecond: Bool

        public init(name: String, description: String? = nil, linkType: LinkType = .ethernet, snaplen: Int = 262_144,
                    speedBitsPerSecond: UInt64? = nil, nanosecond: Bool = true) {
            self.name = name
            self.description = description
            self.linkType = linkType
            self.snaplen = snaplen
            self.speedBitsPerSecond = speedBitsPerSecond
            self.nanosecond = nanosecond
        }
    }

    public let path: String
    public private(set) var interfaces: [Interface] = []
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private static let flushThreshold = 1 << 20

    private enum Option {
        static let end: UInt16 = 0
        static let name: UInt16 = 2
        static let description: UInt16 = 3
        static let speed: UInt16 = 8
        static let resolution: UInt16 = 9
        static let userApplication: UInt16 = 4
        static let flags: UInt16 = 2
    }

    public init(path: String, application: String = "hairpin") throws(CaptureError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if descriptor < 0 { throw CaptureError(.cannotOpen(errno: currentErrno), file: path, offset: 0) }
        buffer.reserveCapacity(Self.flushThreshold + 65_536)
        block(type: 0x0A0D_0D0A) { body in
            Self.append32(0x1A2B_3C4D, to: &body)
            Self.append16(1, to: &body)
            Self.append16(0, to: &body)
            Self.append64(UInt64.max, to: &body)  // section length unknown
            Self.option(Option.userApplication, Array(application.utf8), to: &body)
            Self.option(Option.end, [], to: &body)
        }
    }

    deinit {
        try? flush()
        close(descriptor)
    }

    /// Adds an interface; returns its id for `write`.
    @discardableResult
    public func addInterface(_ interface: Interface) -> Int {
        interfaces.append(interface)
        block(type: 1) { body in
            Self.append16(interface.linkType.rawValue, to: &body)
            Self.append16(0, to: &body)
            Self.append32(UInt32(clamping: interface.snaplen), to: &body)
            Self.option(Option.name, Array(interface.name.utf8), to: &body)
            if let description = interface.description { Self.option(Option.description, Array(description.utf8), to: &body) }
            if let speed = interface.speedBitsPerSecond {
                var value: [UInt8] = []
                Self.append64(speed, to: &value)
                Self.option(Option.speed, value, to: &body)
            }
            Self.option(Option.resolution, [interface.nanosecond ? 9 : 6], to: &body)
            Self.option(Option.end, [], to: &body)
        }
        return interfaces.count - 1
    }

    /// Appends one frame seen on `interface` at `timestamp` (ns since the epoch).
    public func write(interface: Int, timestamp: Int64, frame: UnsafeRawBufferPointer, originalLength: Int? = nil,
                      direction: Direction = .unknown) throws(CaptureError) {
        let settings = interfaces[interface]
        let captured = min(frame.count, settings.snaplen)
        let units = UInt64(max(0, settings.nanosecond ? timestamp : timestamp / 1000))
        block(type: 6) { body in
            Self.append32(UInt32(interface), to: &body)
            Self.append32(UInt32(truncatingIfNeeded: units >> 32), to: &body)
            Self.append32(UInt32(truncatingIfNeeded: units), to: &body)
            Self.append32(UInt32(captured), to: &body)
            Self.append32(UInt32(clamping: originalLength ?? frame.count), to: &body)
            body.append(contentsOf: UnsafeRawBufferPointer(rebasing: frame[0..<captured]))
            while body.count % 4 != 0 { body.append(0) }
            if direction != .unknown {
                var flags: [UInt8] = []
                Self.append32(UInt32(direction.rawValue), to: &flags)
                Self.option(Option.flags, flags, to: &body)
                Self.option(Option.end, [], to: &body)
            }
        }
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    public func write(interface: Int, timestamp: Int64, frame: [UInt8], originalLength: Int? = nil,
                      direction: Direction = .unknown) throws(CaptureError) {
        try withFrameBytes(frame) { bytes throws(CaptureError) in
            try write(interface: interface, timestamp: timestamp, frame: bytes, originalLength: originalLength, direction: direction)
        }
    }

    public func flush() throws(CaptureError) {
        try writeAll(buffer, to: descriptor, path: path)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Frames a block: type, total length, body padded to 4, total length again.
    private func block(type: UInt32, _ fill: (inout [UInt8]) -> Void) {
        let start = buffer.count
        Self.append32(type, to: &buffer)
        Self.append32(0, to: &buffer)
        fill(&buffer)
        while (buffer.count - start) % 4 != 0 { buffer.append(0) }
        let total = UInt32(buffer.count - start + 4)
        Self.append32(total, to: &buffer)
        withUnsafeBytes(of: total) { bytes in
            for index in 0..<4 { buffer[start + 4 + index] = bytes[index] }
        }
    }

    private static func option(_ code: UInt16, _ value: [UInt8], to body: inout [UInt8]) {
        append16(code, to: &body)
        append16(UInt16(value.count), to: &body)
        body.append(contentsOf: value)
        while body.count % 4 != 0 { body.append(0) }
    }

    private static func append16(_ value: UInt16, to bytes: inout [UInt8]) { withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) } }
    private static func append32(_ value: UInt32, to bytes: inout [UInt8]) { withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) } }
    private static func append64(_ value: UInt64, to bytes: inout [UInt8]) { withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) } }
}
