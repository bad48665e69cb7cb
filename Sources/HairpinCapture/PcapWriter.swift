#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import HairpinWire

/// Writes a classic pcap file (native byte order, microsecond or nanosecond magic) through a
/// buffer, cutting frames to the snapshot length while keeping their original length.
public final class PcapWriter {
    public let path: String
    public let nanosecond: Bool
    public let snaplen: Int
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private static let flushThreshold = 1 << 20

    public init(path: String, linkType: LinkType = .ethernet, snaplen: Int = 262_144, nanosecond: Bool = true) throws(CaptureError) {
        self.path = path
        self.nanosecond = nanosecond
        self.snaplen = snaplen
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if descriptor < 0 { throw CaptureError(.cannotOpen(errno: currentErrno), file: path, offset: 0) }
        buffer.reserveCapacity(Self.flushThreshold + 65_536)
        append32(nanosecond ? 0xA1B2_3C4D : 0xA1B2_C3D4)
        append16(2)
        append16(4)
        append32(0)
        append32(0)
        append32(UInt32(snaplen))
        append32(UInt32(linkType.rawValue))
    }

    deinit {
        try? flush()
        close(descriptor)
    }

    /// Appends one frame; `originalLength` defaults to the frame's own length.
    public func write(timestamp: Int64, frame: UnsafeRawBufferPointer, originalLength: Int? = nil) throws(CaptureError) {
        let captured = min(frame.count, snaplen)
        let seconds = timestamp / 1_000_000_000
        let fraction = timestamp % 1_000_000_000
        append32(UInt32(truncatingIfNeeded: seconds))
        append32(UInt32(nanosecond ? fraction : fraction / 1000))
        append32(UInt32(captured))
        append32(UInt32(originalLength ?? frame.count))
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: frame[0..<captured]))
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    public func write(timestamp: Int64, frame: [UInt8], originalLength: Int? = nil) throws(CaptureError) {
        try withFrameBytes(frame) { bytes throws(CaptureError) in try write(timestamp: timestamp, frame: bytes, originalLength: originalLength) }
    }

    public func flush() throws(CaptureError) {
        try writeAll(buffer, to: descriptor, path: path)
        buffer.removeAll(keepingCapacity: true)
    }

    private func append16(_ value: UInt16) { withUnsafeBytes(of: value) { buffer.append(contentsOf: $0) } }
    private func append32(_ value: UInt32) { withUnsafeBytes(of: value) { buffer.append(contentsOf: $0) } }
}
