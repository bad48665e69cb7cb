import Foundation
import Testing
import HairpinAnalysis
import HairpinCapture

/// The read and decode passes of `hairpin bench` give the same counts and checksum when a large
/// pcap file is read in pieces on several threads as on one.
@Suite struct ThroughputTests {
    @Test func piecesOnThreadsGiveTheOneThreadPass() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hairpin-throughput-\(UUID().uuidString).pcap").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try PcapWriter(path: path)
        var frame = [UInt8](repeating: 0, count: 1514)
        // Ethernet, IPv4, TCP: the decoder reads ports, flags and payload of each frame.
        frame[12] = 0x08; frame[14] = 0x45; frame[16] = 0x05; frame[17] = 0xDC; frame[23] = 6
        for index in 0..<20_000 {
            let length = 200 + index * 97 % 1314
            frame[34] = UInt8(truncatingIfNeeded: index >> 8); frame[35] = UInt8(truncatingIfNeeded: index)
            frame[36] = 0x1F; frame[37] = 0x90; frame[46] = 0x50; frame[47] = UInt8(truncatingIfNeeded: index % 64)
            try writer.write(timestamp: 1_700_000_000_000_000_000 + Int64(index) * 1000, frame: Array(frame[..<length]))
        }
        try writer.flush()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(Int64(size) >= ParallelAnalysis.minimumSplitBytes)
        #expect(try CaptureReader.pieces(of: path, count: 2, minimumBytes: ParallelAnalysis.minimumSplitBytes) != nil)
        for stage in [Throughput.Stage.read, .decode] {
            let one = try Throughput.run(stage, paths: [path], threads: 1)
            #expect(one.records == 20_000)
            for threads in [2, 3, 8] {
                let many = try Throughput.run(stage, paths: [path], threads: threads)
                #expect(many.records == one.records, "\(stage) on \(threads) threads")
                #expect(many.capturedBytes == one.capturedBytes && many.originalBytes == one.originalBytes)
                #expect(many.checksum == one.checksum, "\(stage) on \(threads) threads")
            }
        }
    }
}
