import Benchmark
import Foundation
import HairpinAnalysis
import HairpinCapture
import HairpinSynth
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
    // TCP header of 20 bytes with ACK set, so the decoder walks a well-formed segment.
    frame.replaceSubrange(46..<48, with: [0x50, 0x10])
    return frame
}

/// Writes (once per run) a pcap of one million frames of `length` bytes into the temporary folder.
func generatedCapture(frameLength: Int) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("hairpin-bench-tcp-\(frameLength).pcap").path
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

/// A built-in scenario of `hairpin synth` at benchmark scale, written once per run: the mixes
/// of real traffic (VLAN tags, jumbo migration frames, HSRP, RARP; ERSPAN II in erspan-mirror).
func synthesizedCapture(_ name: String, scale: Double) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("hairpin-bench-\(name)-x\(Int(scale)).pcapng").path
    if FileManager.default.fileExists(atPath: path) { return path }
    do {
        let scenario = try Scenario.parse(yaml: BuiltinScenarios.yaml(named: name)!)
        let synthesizer = try Synthesizer(scenario: scenario, options: .init(scale: scale))
        _ = try synthesizer.run(into: .pcapng(try PcapngWriter(path: path + ".partial")))
        try FileManager.default.moveItem(atPath: path + ".partial", toPath: path)
    } catch {
        fatalError("cannot write \(path): \(error)")
    }
    return path
}

/// Drops `path` from the page cache and reads it back with read(), once before a benchmark's
/// iterations: how a file came into the page cache decides what mapping it costs. Written on the
/// machine (as the benchmark writes its captures) or faulted in through a mapping, a file is held
/// in small pages; read sequentially, in large folios, where mapping it costs the kernel almost
/// nothing. The 9014-byte capture was read 1.3-1.5 M frames/s in the first state and 15-19 M in
/// the second, by the same code, so a threshold check passed or failed by how the file had last
/// been read. Now every run measures the second state, as a capture copied from elsewhere is
/// first read (`FROM_DISK=1` in compare.sh).
func settleInPageCache(_ path: String) {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { return }
    defer { close(descriptor) }
    // Written pages must be on disk before they can be dropped.
    _ = fdatasync(descriptor)
    _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
    let chunk = 1 << 20
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 4096)
    defer { buffer.deallocate() }
    while read(descriptor, buffer, chunk) > 0 {}
}

/// A benchmark of one pass over `path`, settled in the page cache first (`settleInPageCache`).
func passBenchmark(_ name: String, path: String, configuration: Benchmark.Configuration = Benchmark.defaultConfiguration,
                   _ closure: @escaping (Benchmark) throws -> Void) {
    Benchmark(name, configuration: configuration, closure: closure, setup: { settleInPageCache(path) })
}

/// Records a pass's packets and file bytes per second (in millions, like the throughput
/// column), for captures whose packet count is not the scaling factor.
func measure(_ benchmark: Benchmark, fileBytes: Int, _ pass: () throws -> Throughput.Pass) rethrows {
    let started = ContinuousClock.now
    let result = try pass()
    blackHole(result.checksum)
    let elapsed = ContinuousClock.now - started
    let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
    guard nanoseconds > 0 else { return }
    benchmark.measurement(.custom("bytes/s", polarity: .prefersLarger), Int(Double(fileBytes) * 1e9 / nanoseconds))
    benchmark.measurement(.custom("packets/s", polarity: .prefersLarger), Int(Double(result.records) * 1e9 / nanoseconds))
}

/// How far a run may fall from the p90 values committed in Thresholds/<toolchain> before
/// `make bench-check` fails: at most a thousand more allocations per pass (one more per packet
/// is hundreds of thousands), speeds and memory within a quarter (the machine is noisy).
func tolerances() -> [BenchmarkMetric: BenchmarkThresholds] { [
    .mallocCountTotal: .init(absolute: [.p90: 1_000]),
    .throughput: .init(relative: [.p90: 25]),
    .wallClock: .init(relative: [.p90: 35]),
    .peakMemoryResident: .init(relative: [.p90: 25]),
    .custom("bytes/s", polarity: .prefersLarger): .init(relative: [.p90: 25]),
    .custom("packets/s", polarity: .prefersLarger): .init(relative: [.p90: 25]),
] }

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident, .custom("bytes/s", polarity: .prefersLarger),
                  .custom("packets/s", polarity: .prefersLarger)],
        timeUnits: .milliseconds,
        scalingFactor: .mega,
        maxDuration: .seconds(10),
        maxIterations: 20,
        thresholds: tolerances()
    )

    // One million frames of one size: 64 (packet rate), 1514 (Ethernet MTU), 9014 (jumbo, as vMotion sends).
    for frameLength in [64, 1514, 9014] {
        let path = generatedCapture(frameLength: frameLength)
        let fileBytes = 24 + packetsPerFile * (16 + frameLength)
        for (label, window) in [("reorder-500ms", Int64(500_000_000)), ("no-reorder", Int64(0))] {
            passBenchmark("read-pcap-\(frameLength)B-\(label)", path: path) { benchmark in
                try measure(benchmark, fileBytes: fileBytes) { try Throughput.run(.read, paths: [path], reorderWindow: window) }
            }
        }
        passBenchmark("decode-pcap-\(frameLength)B", path: path) { benchmark in
            try measure(benchmark, fileBytes: fileBytes) { try Throughput.run(.decode, paths: [path]) }
        }
        passBenchmark("decode-pcap-\(frameLength)B-2-threads", path: path) { benchmark in
            try measure(benchmark, fileBytes: fileBytes) { try Throughput.run(.decode, paths: [path], threads: 2) }
        }
        passBenchmark("analyze-pcap-\(frameLength)B", path: path) { benchmark in
            try measure(benchmark, fileBytes: fileBytes) { try Throughput.run(.analyze, paths: [path]) }
        }
        // Reading and decoding on one thread, the trackers on another (`hairpin analyze`'s default on two cores).
        passBenchmark("analyze-pcap-\(frameLength)B-2-threads", path: path) { benchmark in
            try measure(benchmark, fileBytes: fileBytes) { try Throughput.run(.analyze, paths: [path], threads: 2) }
        }
    }

    // Mixed traffic from the scenario generator: its packet count is not a million, so read
    // the packets/s and bytes/s columns (the throughput column counts whole passes).
    for (name, scale) in [("vmotion-hsrp-hairpin", 60.0), ("erspan-mirror", 60.0), ("vxlan-overlay", 60.0)] {
        let path = synthesizedCapture(name, scale: scale)
        let fileBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        for stage in Throughput.Stage.allCases {
            passBenchmark("\(stage.rawValue)-synth-\(name)", path: path, configuration: .init(scalingFactor: .one, thresholds: tolerances())) { benchmark in
                try measure(benchmark, fileBytes: fileBytes) { try Throughput.run(stage, paths: [path]) }
            }
        }
    }
}
