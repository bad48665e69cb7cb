import Foundation
import Testing
import HairpinAnalysis
import HairpinCapture

/// With two threads the reading thread may analyse frames itself for a while (when handing them
/// over costs more than analysing them, `ParallelAnalysis.SoloPolicy`), draining the ring first:
/// switching back and forth at any frame leaves the report the one thread's, value for value.
@Suite struct SoloHandoverTests {
    static let captures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Captures")

    static func analyse(_ path: String, threads: Int, solo: ParallelAnalysis.SoloPolicy) throws -> (report: Report, soloFrames: Int) {
        var options = Analysis.Options()
        options.pathsForAllHosts = true
        let run = try ParallelAnalysis.run(paths: [path], reading: .init(), filter: nil, options: options, threads: threads, solo: solo)
        #expect(run.threads == threads)
        return (run.analysis.report(interfaces: run.reader.interfaces.all, anomalies: run.reader.anomalies), run.soloFrames)
    }

    /// Every frame alone then a batch through the ring; phases not a multiple of the batch; a
    /// whole ring each way.
    @Test(arguments: ["vmotion-hsrp-hairpin", "erspan-mirror", "kvm-flip-flop", "vrrp-qemu"], [1, 700, 4096])
    func switchingGivesTheOneThreadReport(_ name: String, every frames: Int) throws {
        let path = Self.captures.appendingPathComponent("\(name).pcapng").path
        let one = try Self.analyse(path, threads: 1, solo: .never)
        let two = try Self.analyse(path, threads: 2, solo: .alternating(every: frames))
        #expect(two.report == one.report, "\(name), switching every \(frames) frames")
        #expect(two.report.capture.packets > 4000)
        // Half the frames, give or take the phases through the ring rounded up to whole batches.
        #expect(two.soloFrames > 0 && two.soloFrames < one.report.capture.packets, "\(name): \(two.soloFrames) frames alone")
    }

    @Test func neverLeavesEveryFrameToTheAnalysingThread() throws {
        let path = Self.captures.appendingPathComponent("glbp-split.pcapng").path
        let one = try Self.analyse(path, threads: 1, solo: .never)
        let two = try Self.analyse(path, threads: 2, solo: .never)
        #expect(two.report == one.report)
        #expect(two.soloFrames == 0)
    }

    /// A capture long enough for the measured choice to run (a warm-up of 16,384 frames, 32,768
    /// through the ring, 4,096 alone): each way is tried, whichever wins, and the report does not
    /// change.
    @Test func measuredChoiceGivesTheOneThreadReport() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hairpin-solo-\(UUID().uuidString).pcap").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try PcapWriter(path: path)
        for index in 0..<64_000 {
            // Ethernet, IPv4, TCP: 64 hosts, one flow of eight to the vMotion port.
            let host = UInt8(index % 64)
            var frame: [UInt8] = [0x00, 0x50, 0x56, 0x00, 0x01, host, 0x00, 0x50, 0x56, 0x00, 0x00, host, 0x08, 0x00]
            frame += [0x45, 0x00, 0x00, 0x28, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 10, 0, 0, host, 10, 0, 1, host]
            let port = index % 8 == 0 ? 8000 : 40_000 + index % 8
            frame += [0xC3, 0x50, UInt8(port >> 8), UInt8(port & 0xFF), 0, 0, 0, UInt8(index & 0xFF), 0, 0, 0, 0, 0x50, 0x10, 0xFF, 0xFF, 0, 0, 0, 0]
            try writer.write(timestamp: 1_700_000_000_000_000_000 + Int64(index) * 10_000, frame: frame)
        }
        try writer.flush()
        let one = try Self.analyse(path, threads: 1, solo: .never)
        let two = try Self.analyse(path, threads: 2, solo: .measured)
        #expect(one.report.capture.packets == 64_000)
        #expect(two.report == one.report)
        // The reading thread tried a few thousand frames alone at least once.
        #expect(two.soloFrames >= 4096)
    }
}
