import Foundation
import Testing
@testable import HairpinAnalysis
import HairpinCapture

/// With two threads over one mapped file, the reading thread may leave batches of frames
/// unsummed (`ParallelAnalysis.UnsummedPolicy`): the analysing thread sums those up and decodes
/// them itself, from the mapped bytes. Whichever batches it leaves, the report is the one
/// thread's, value for value; with a stream or three threads it leaves none.
@Suite struct UnsummedFramesTests {
    static func analyse(_ path: String, threads: Int, unsummed: ParallelAnalysis.UnsummedPolicy, allHosts: Bool,
                        solo: ParallelAnalysis.SoloPolicy = .never) throws -> (report: Report, unsummedFrames: Int) {
        var options = Analysis.Options()
        options.pathsForAllHosts = allHosts
        let run = try ParallelAnalysis.run(paths: [path], reading: .init(), filter: nil, options: options, threads: threads,
                                           solo: solo, unsummed: unsummed)
        #expect(run.threads == threads)
        return (run.analysis.report(interfaces: run.reader.interfaces.all, anomalies: run.reader.anomalies), run.unsummedFrames)
    }

    /// Every other batch left unsummed, with the path tracker reading few packets (common frames'
    /// packets kept back) and following every host (every packet decoded).
    @Test(arguments: ["vmotion-hsrp-hairpin", "erspan-mirror", "kvm-flip-flop", "vrrp-qemu", "glbp-split"], [false, true])
    func unsummedBatchesGiveTheOneThreadReport(_ name: String, allHosts: Bool) throws {
        let path = SoloHandoverTests.captures.appendingPathComponent("\(name).pcapng").path
        let one = try Self.analyse(path, threads: 1, unsummed: .never, allHosts: allHosts)
        let two = try Self.analyse(path, threads: 2, unsummed: .alternating, allHosts: allHosts)
        #expect(two.report == one.report, "\(name), all hosts: \(allHosts)")
        let packets = one.report.capture.packets
        #expect(packets > 4000)
        // Half the batches, give or take the last one.
        #expect(two.unsummedFrames >= (packets - FrameRing.batchSize) / 2 - FrameRing.batchSize
                    && two.unsummedFrames <= packets / 2 + FrameRing.batchSize, "\(name): \(two.unsummedFrames) of \(packets)")
    }

    /// The reading thread also analysing frames itself now and then (`SoloPolicy`): the ring is
    /// drained first, unsummed frames with it.
    @Test func unsummedBatchesAndFramesAloneGiveTheOneThreadReport() throws {
        let path = SoloHandoverTests.captures.appendingPathComponent("vmotion-hsrp-hairpin.pcapng").path
        let one = try Self.analyse(path, threads: 1, unsummed: .never, allHosts: false)
        let two = try Self.analyse(path, threads: 2, unsummed: .alternating, allHosts: false, solo: .alternating(every: 1500))
        #expect(two.report == one.report)
        #expect(two.unsummedFrames > 0 && two.unsummedFrames < one.report.capture.packets / 2)
    }

    /// Where no frame may be left unsummed: the policy says never; three threads, whose two
    /// analysing threads both read every slot, neither summing it up for the other.
    @Test(arguments: [("erspan-mirror", 2, ParallelAnalysis.UnsummedPolicy.never), ("vmotion-hsrp-hairpin", 3, .alternating)])
    func noFrameLeftUnsummed(_ name: String, threads: Int, unsummed: ParallelAnalysis.UnsummedPolicy) throws {
        let path = SoloHandoverTests.captures.appendingPathComponent("\(name).pcapng").path
        let one = try Self.analyse(path, threads: 1, unsummed: .never, allHosts: false)
        let many = try Self.analyse(path, threads: threads, unsummed: unsummed, allHosts: false)
        #expect(many.report == one.report, "\(name), \(threads) threads")
        #expect(many.unsummedFrames == 0)
    }

    /// A stream's buffer is reused at once: its frames' bytes are gone by the time the analysing
    /// thread would read them, so every frame is summed up where it is read.
    @Test func aStreamLeavesNoFrameUnsummed() throws {
        let path = SoloHandoverTests.captures.appendingPathComponent("kvm-flip-flop.pcapng").path
        let streamed = try StreamedRingTests.throughPipe(path) { try Self.analyse($0, threads: 2, unsummed: .alternating, allHosts: false) }
        let one = try Self.analyse(path, threads: 1, unsummed: .never, allHosts: false)
        #expect(streamed.unsummedFrames == 0)
        #expect(streamed.report.capture.packets == one.report.capture.packets)
        #expect(streamed.report.migrations == one.report.migrations)
    }
}
