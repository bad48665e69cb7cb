import Foundation
import HairpinCapture
import Testing

/// A mapped file hands its pages back behind the reader: every record of a file several
/// release steps long still reads back exactly as written, with the reorder window on and off,
/// and a record kept from the start still reads back at the end.
@Suite struct MappedReleaseTests {
    @Test func recordsReadBackIntactPastTheReleasedPages() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hairpin-release-\(UUID().uuidString).pcap").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let frames = 170_000, length = 1514
        do {
            let writer = try PcapWriter(path: path, snaplen: 65_535)
            var frame = [UInt8](repeating: 0, count: length)
            for index in 0..<frames {
                // Each frame carries its index in its first and last bytes.
                withUnsafeBytes(of: UInt32(index).bigEndian) { frame.replaceSubrange(0..<4, with: $0); frame.replaceSubrange((length - 4)..<length, with: $0) }
                try writer.write(timestamp: 1_700_000_000_000_000_000 + Int64(index) * 100_000, frame: frame)
            }
            try writer.flush()
        }
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0) > 250_000_000)
        /// Records read back intact, or the first that was not.
        @Sendable func readAll(_ reader: CaptureReader) throws -> (count: Int, failure: String?) {
            var index = 0
            while let record = try reader.next() {
                let head = record.bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self).bigEndian
                let tail = record.bytes.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self).bigEndian
                if head != UInt32(index) || tail != UInt32(index) || record.bytes.count != length {
                    return (index, "record \(index) read back as \(head)/\(tail), \(record.bytes.count) bytes")
                }
                index += 1
            }
            return (index, nil)
        }
        for window in [Int64(0), 500_000_000] {
            let result = try readAll(try CaptureReader(paths: [path], options: .init(reorderWindow: window)))
            #expect(result.failure == nil, "window \(window)")
            #expect(result.count == frames, "window \(window)")
        }
        // A record kept while the reader goes on, as another thread analysing behind the reader
        // keeps it, still reads back once every page before the end was handed back.
        let reader = try CaptureReader(paths: [path], options: .init(reorderWindow: 0))
        var kept: Record?
        var count = 0
        while let record = try reader.next() {
            if count == 1000 { kept = record }
            count += 1
        }
        #expect(count == frames)
        #expect(kept?.bytes.count == length)
        // Index 1000 is 0x3e8: a page read back as zeros would not pass.
        #expect(kept?.bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self).bigEndian == 1000)
        #expect(kept?.bytes.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self).bigEndian == 1000)
    }
}
