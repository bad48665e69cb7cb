import Benchmark
import Foundation
import HairpinAnalysis
import HairpinCapture
import HairpinWire

/// Reading every record of a generated capture of exactly one million frames: with
/// `scalingFactor: .mega` the throughput column reads as packets per second and the malloc
/// count per iteration, divided by a million, is allocations per packet.
let packetsPerFile = 1_000_000

/// A deterministic Ethernet/IPv4/TCP frame of `length` bytes.
func tcpFrame(length: Int, index: Int) -> [UInt8] {
    var frame = [UInt8](repeating: 0, count: length)
    frame.replaceSubrange(0..<14, with: [0, 0x50, 0x56, 0, 0, 2, 0, 0x50, 0x56, 0, 0, 1, 0x08, 0x00])
    frame.replaceSubrange(14..<24, with: [0x45, 0, UInt8((length - 14) >> 8), UInt8((length - 14) & 0xFF), 0, 0, 0x40, 0, 64, 6])
    frame.replaceSubrange(26..<34, with: [10, 0, 0, 1, 10, 0, UInt8(index >> 8 & 0xFF), UInt8(index & 0xFF)])
    frame.replaceSubrange(34..<38, with: [0x9C, 0x40, 0x1F, 0x40])
    return frame
}

/// Writes (once per run) a pcap of one million frames of `length` bytes into the temporary folder.
func generatedCapture(frameLength: Int) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("hairpin-bench-\(frameLength).pcap").path
    let expectedSize = 24 + packetsPerFile * (16 + frameLength)
    if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size == expectedSize { return path }
    do {
        let writer = try PcapWriter(path: path, snaplen: 65_535)
        let frames = (0..<256).map { tcpFrame(length: frameLength, index: $0) }
        for index in 0..<packetsPerFile {
            try writer.write(timestamp: 1_700_000_000_000_000_000 + Int64(index) * 1_000, frame: frames[index & 255])
        }
        try writer.flush()
    } catch {
        fatalError("cannot write \(path): \(error)")
    }
    return path
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident, .custom("bytes/s", polarity: .prefersLarger)],
        timeUnits: .milliseconds,
        scalingFactor: .mega,
        maxDuration: .seconds(10),
        maxIterations: 20,
        thresholds: [.mallocCountTotal: .init(absolute: [.p90: 50])]
    )

    for frameLength in [64, 1514] {
        let path = generatedCapture(frameLength: frameLength)
        let fileBytes = 24 + packetsPerFile * (16 + frameLength)
        for (label, window) in [("reorder-500ms", Int64(500_000_000)), ("no-reorder", Int64(0))] {
            Benchmark("read-pcap-\(frameLength)B-\(label)") { benchmark in
                let started = ContinuousClock.now
                blackHole(try Throughput.run(.read, paths: [path], reorderWindow: window).checksum)
                // File bytes per second (shown in millions, like the throughput), for comparison with `cat`.
                let elapsed = ContinuousClock.now - started
                let nanoseconds = Int(elapsed.components.seconds) * 1_000_000_000 + Int(elapsed.components.attoseconds / 1_000_000_000)
                if nanoseconds > 0 {
                    benchmark.measurement(.custom("bytes/s", polarity: .prefersLarger),
                                          Int(Double(fileBytes) * 1e9 / Double(nanoseconds)))
                }
            }
        }
        Benchmark("decode-pcap-\(frameLength)B") { _ in
            blackHole(try Throughput.run(.decode, paths: [path]).checksum)
        }
        Benchmark("analyze-pcap-\(frameLength)B") { _ in
            blackHole(try Throughput.run(.analyze, paths: [path]).checksum)
        }
    }
}
