import Foundation
import HairpinCapture
import Testing

/// A mapped file hands its pages back behind the reader: every record of a file several
/// release steps long still reads back exactly as written, with the reorder window on and off.
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
        for window in [Int64(0), 500_000_000] {
            let reader = try CaptureReader(paths: [path], options: .init(reorderWindow: window))
            var index = 0
            while let record = try reader.next() {
                let head = record.bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self).bigEndian
                let tail = record.bytes.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self).bigEndian
                if head != UInt32(index) || tail != UInt32(index) || record.bytes.count != length {
                    Issue.record("record \(index) read back as \(head)/\(tail), \(record.bytes.count) bytes (window \(window))")
                    break
                }
                index += 1
            }
            #expect(index == frames, "window \(window)")
        }
    }
}
