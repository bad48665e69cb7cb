import Foundation
@testable import HairpinCapture

/// Little helpers that lay out capture files byte by byte, in either byte order, so each
/// header variant can be tested without a writer that might share the reader's mistakes.
struct ByteWriter {
    var bytes: [UInt8] = []
    var bigEndian = false

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u16(_ value: UInt16) {
        let ordered = bigEndian ? value.bigEndian : value.littleEndian
        withUnsafeBytes(of: ordered) { bytes.append(contentsOf: $0) }
    }
    mutating func u32(_ value: UInt32) {
        let ordered = bigEndian ? value.bigEndian : value.littleEndian
        withUnsafeBytes(of: ordered) { bytes.append(contentsOf: $0) }
    }
    mutating func u64(_ value: UInt64) {
        let ordered = bigEndian ? value.bigEndian : value.littleEndian
        withUnsafeBytes(of: ordered) { bytes.append(contentsOf: $0) }
    }
    mutating func raw(_ value: [UInt8]) { bytes.append(contentsOf: value) }
    mutating func pad() { while bytes.count % 4 != 0 { bytes.append(0) } }
}

struct PcapBuilder {
    var writer = ByteWriter()
    let nanosecond: Bool
    let recordExtra: Int

    init(bigEndian: Bool = false, nanosecond: Bool = false, modified: Bool = false, major: UInt16 = 2,
         minor: UInt16 = 4, snaplen: UInt32 = 65535, linkType: UInt32 = 1) {
        writer.bigEndian = bigEndian
        self.nanosecond = nanosecond
        recordExtra = modified ? 8 : 0
        writer.u32(modified ? 0xA1B2_CD34 : nanosecond ? 0xA1B2_3C4D : 0xA1B2_C3D4)
        writer.u16(major)
        writer.u16(minor)
        writer.u32(0)
        writer.u32(0)
        writer.u32(snaplen)
        writer.u32(linkType)
    }

    mutating func record(seconds: UInt32, fraction: UInt32, frame: [UInt8], original: Int? = nil) {
        writer.u32(seconds)
        writer.u32(fraction)
        writer.u32(UInt32(frame.count))
        writer.u32(UInt32(original ?? frame.count))
        if recordExtra > 0 {
            writer.u32(3)       // ifindex
            writer.u16(0x0800)  // protocol
            writer.u8(0)        // packet type
            writer.u8(0)
        }
        writer.raw(frame)
    }

    var bytes: [UInt8] { writer.bytes }
}

struct PcapngBuilder {
    var bytes: [UInt8] = []
    var bigEndian = false

    private mutating func block(_ type: UInt32, _ body: (inout ByteWriter) -> Void) {
        var inner = ByteWriter(bigEndian: bigEndian)
        body(&inner)
        inner.pad()
        var outer = ByteWriter(bigEndian: bigEndian)
        let total = UInt32(12 + inner.bytes.count)
        outer.u32(type)
        outer.u32(total)
        outer.raw(inner.bytes)
        outer.u32(total)
        bytes += outer.bytes
    }

    static func option(_ writer: inout ByteWriter, _ code: UInt16, _ value: [UInt8]) {
        writer.u16(code)
        writer.u16(UInt16(value.count))
        writer.raw(value)
        writer.pad()
    }

    static func text(_ value: String) -> [UInt8] { Array(value.utf8) }

    func ordered(_ value: UInt64) -> [UInt8] {
        withUnsafeBytes(of: bigEndian ? value.bigEndian : value.littleEndian) { Array($0) }
    }

    mutating func section(bigEndian: Bool, major: UInt16 = 1, minor: UInt16 = 0, hardware: String? = nil) {
        self.bigEndian = bigEndian
        block(0x0A0D_0D0A) { writer in
            writer.u32(0x1A2B_3C4D)
            writer.u16(major)
            writer.u16(minor)
            writer.u64(UInt64.max)
            if let hardware {
                Self.option(&writer, 2, Self.text(hardware))
                Self.option(&writer, 0, [])
            }
        }
    }

    mutating func interface(linkType: UInt16 = 1, snaplen: UInt32 = 0, name: String? = nil,
                            description: String? = nil, speed: UInt64? = nil, tsresol: UInt8? = nil,
                            tsoffset: Int64? = nil) {
        let speedBytes = speed.map(ordered)
        let offsetBytes = tsoffset.map { ordered(UInt64(bitPattern: $0)) }
        block(1) { writer in
            writer.u16(linkType)
            writer.u16(0)
            writer.u32(snaplen)
            if let name { Self.option(&writer, 2, Self.text(name)) }
            if let description { Self.option(&writer, 3, Self.text(description)) }
            if let speedBytes { Self.option(&writer, 8, speedBytes) }
            if let tsresol { Self.option(&writer, 9, [tsresol]) }
            if let offsetBytes { Self.option(&writer, 14, offsetBytes) }
            Self.option(&writer, 0, [])
        }
    }

    /// `endOfOptions`: the options end with opt_endofopt (some writers stop at the block's end).
    mutating func enhanced(interface: UInt32, units: UInt64, frame: [UInt8], original: Int? = nil,
                           flags: UInt32? = nil, capturedOverride: UInt32? = nil, comment: String? = nil, endOfOptions: Bool = true) {
        let flagBytes: [UInt8]? = flags.map { value in
            withUnsafeBytes(of: bigEndian ? value.bigEndian : value.littleEndian) { Array($0) }
        }
        block(6) { writer in
            writer.u32(interface)
            writer.u32(UInt32(units >> 32))
            writer.u32(UInt32(truncatingIfNeeded: units))
            writer.u32(capturedOverride ?? UInt32(frame.count))
            writer.u32(UInt32(original ?? frame.count))
            writer.raw(frame)
            writer.pad()
            if let comment { Self.option(&writer, 1, Array(comment.utf8)) }
            if let flagBytes { Self.option(&writer, 2, flagBytes) }
            if (flagBytes != nil || comment != nil) && endOfOptions { Self.option(&writer, 0, []) }
        }
    }

    mutating func simple(frame: [UInt8], original: Int? = nil) {
        block(3) { writer in
            writer.u32(UInt32(original ?? frame.count))
            writer.raw(frame)
        }
    }

    mutating func obsolete(interface: UInt16, units: UInt64, frame: [UInt8]) {
        block(2) { writer in
            writer.u16(interface)
            writer.u16(0)
            writer.u32(UInt32(units >> 32))
            writer.u32(UInt32(truncatingIfNeeded: units))
            writer.u32(UInt32(frame.count))
            writer.u32(UInt32(frame.count))
            writer.raw(frame)
        }
    }

    mutating func statistics(interface: UInt32, received: UInt64, dropped: UInt64) {
        let receivedBytes = ordered(received)
        let droppedBytes = ordered(dropped)
        block(5) { writer in
            writer.u32(interface)
            writer.u32(0)
            writer.u32(0)
            Self.option(&writer, 4, receivedBytes)
            Self.option(&writer, 5, droppedBytes)
            Self.option(&writer, 0, [])
        }
    }

    mutating func custom(_ payload: [UInt8]) {
        block(0x0BAD) { writer in
            writer.u32(32473)  // private enterprise number
            writer.raw(payload)
        }
    }

    mutating func rawBlock(_ type: UInt32, body: [UInt8]) {
        block(type) { writer in writer.raw(body) }
    }
}

/// A record copied out of the reader, for assertions.
struct ReadRecord: Equatable {
    var interface: Int
    var timestamp: Int64
    var originalLength: Int
    var bytes: [UInt8]
    var direction: Direction
    var hasTimestamp: Bool
}

struct ReadResult {
    var records: [ReadRecord]
    var interfaces: [CaptureInterface]
    var files: [CaptureFileInfo]
    var anomalies: [Anomaly]
    /// Read assuming time order (`CaptureReader.Options.assumesTimeOrder`), which did not hold.
    var assumedOrderBroken = false

    func anomalyCount(_ kind: AnomalyKind) -> Int {
        anomalies.filter { $0.kind == kind }.map(\.count).reduce(0, +)
    }
}

final class TemporaryFiles {
    let directory: URL

    init() {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("hairpin-tests-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func write(_ bytes: [UInt8], name: String = UUID().uuidString) -> String {
        let url = directory.appendingPathComponent(name)
        _ = FileManager.default.createFile(atPath: url.path, contents: Data(bytes))
        return url.path
    }
}

func readAll(paths: [String], options: CaptureReader.Options = .init()) throws -> ReadResult {
    let reader = try CaptureReader(paths: paths, options: options)
    var records: [ReadRecord] = []
    while let record = try reader.next() {
        records.append(ReadRecord(interface: record.interface, timestamp: record.timestamp,
                                  originalLength: record.originalLength, bytes: Array(record.bytes),
                                  direction: record.direction, hasTimestamp: record.hasTimestamp))
    }
    return ReadResult(records: records, interfaces: reader.interfaces.all, files: reader.fileInfos,
                      anomalies: reader.anomalies, assumedOrderBroken: reader.assumedOrderBroken)
}

/// `readAll` through `forEach`, the loop a mapped file's plain records take (its records proven
/// in order by the scout read from what the scout logged), the frames asked for ahead or not.
func readAllForEach(_ bytes: [UInt8], options: CaptureReader.Options, asksFramesAhead: Bool) throws -> ReadResult {
    let files = TemporaryFiles()
    let reader = try CaptureReader(paths: [files.write(bytes)], options: options)
    reader.asksFramesAhead = asksFramesAhead
    var records: [ReadRecord] = []
    try reader.forEach { record in
        records.append(ReadRecord(interface: record.interface, timestamp: record.timestamp,
                                  originalLength: record.originalLength, bytes: Array(record.bytes),
                                  direction: record.direction, hasTimestamp: record.hasTimestamp))
        return true
    }
    return ReadResult(records: records, interfaces: reader.interfaces.all, files: reader.fileInfos, anomalies: reader.anomalies,
                      assumedOrderBroken: reader.assumedOrderBroken)
}

func readAll(_ bytes: [UInt8], options: CaptureReader.Options = .init()) throws -> ReadResult {
    let files = TemporaryFiles()
    return try readAll(paths: [files.write(bytes)], options: options)
}

func frame(_ length: Int, seed: UInt8 = 1) -> [UInt8] {
    (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(seed)) }
}
