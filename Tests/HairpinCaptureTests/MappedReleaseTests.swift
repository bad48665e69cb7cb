import Dispatch
import Foundation
import HairpinCapture
import Testing

/// A mapped file hands its pages back behind the reader: every record of a file several
/// release steps long still reads back exactly as written, with the reorder window on and off,
/// and when two readers share the mapping, one after the other or on two threads at once.
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
        // One reader all the way through, then the other on the same mapping.
        let first = try CaptureReader(paths: [path], options: .init(reorderWindow: 0))
        let second = try CaptureReader(paths: [path], options: .init(reorderWindow: 0), sharing: first)
        for reader in [first, second] {
            let result = try readAll(reader)
            #expect(result.failure == nil && result.count == frames, "shared, in turn: \(result)")
        }
        // Two readers of one mapping on two threads at once.
        final class Outcome: @unchecked Sendable { var result: (count: Int, failure: String?) = (0, "not run") }
        let lead = try CaptureReader(paths: [path])
        let follower = try CaptureReader(paths: [path], sharing: lead)
        let shared = Outcome()
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let handedOver = follower
        DispatchQueue.global().async {
            shared.result = (try? readAll(handedOver)) ?? (0, "threw")
            done.signal()
        }
        let leading = try readAll(lead)
        done.wait()
        #expect(leading.failure == nil && leading.count == frames, "shared, concurrent: \(leading)")
        #expect(shared.result.failure == nil && shared.result.count == frames, "shared, concurrent: \(shared.result)")
    }
}
