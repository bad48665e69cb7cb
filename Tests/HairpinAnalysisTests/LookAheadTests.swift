import Foundation
import Testing
import HairpinAnalysis
import HairpinCapture

/// One thread on a mapped capture analyses each record a few records after summing it up, the
/// lines of the tables it will touch asked for meanwhile (`Analysis.LookAhead`), where those
/// tables are large. Turned on and off at any frame, the report is the one of every record
/// consumed as it comes, value for value.
@Suite struct LookAheadTests {
    static let captures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Captures")

    static func analyse(_ path: String, lookAhead: Analysis.LookAhead) throws -> (report: Report, lookAheadFrames: Int) {
        var options = Analysis.Options()
        options.pathsForAllHosts = true
        let run = try ParallelAnalysis.run(paths: [path], reading: .init(), filter: nil, options: options, threads: 1, lookAhead: lookAhead)
        #expect(run.threads == 1)
        return (run.analysis.report(interfaces: run.reader.interfaces.all, anomalies: run.reader.anomalies), run.lookAheadFrames)
    }

    /// On for one frame then off (records held are consumed before the next comes), phases
    /// shorter and longer than the look-ahead, on scenarios where frames' order decides moves,
    /// gateways and paths.
    @Test(arguments: ["vmotion-hsrp-hairpin", "erspan-mirror", "kvm-flip-flop", "vrrp-qemu"], [1, 7, 700])
    func switchingGivesTheSameReport(_ name: String, every frames: Int) throws {
        let path = Self.captures.appendingPathComponent("\(name).pcapng").path
        let plain = try Self.analyse(path, lookAhead: .never)
        let ahead = try Self.analyse(path, lookAhead: .alternating(every: frames))
        #expect(ahead.report == plain.report, "\(name), switching every \(frames) frames")
        #expect(plain.lookAheadFrames == 0)
        // Frames each way: a phase ahead holds eight records before it consumes `frames` (and
        // consumes them after); a phase as they come consumes `frames`.
        let packets = plain.report.capture.packets
        #expect(packets > 4000)
        let share = Double(frames + 8) / Double(2 * frames + 8)
        let measured = Double(ahead.lookAheadFrames) / Double(packets)
        // The last phase may be cut short.
        let tolerance = 0.005 + Double(frames + 8) / Double(packets)
        #expect(abs(measured - share) < tolerance, "\(name): \(ahead.lookAheadFrames) of \(packets) frames ahead, \(share) expected")
    }

    /// Writes `count` Ethernet/IPv4/TCP frames going round `flows` flows, from one capture point.
    static func writeFlows(count: Int, flows: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hairpin-ahead-\(UUID().uuidString).pcap").path
        let writer = try PcapWriter(path: path)
        for index in 0..<count {
            let flow = index % flows
            let host = UInt8(flow % 64)
            var frame: [UInt8] = [0x00, 0x50, 0x56, 0x00, 0x01, host, 0x00, 0x50, 0x56, 0x00, 0x00, host, 0x08, 0x00]
            frame += [0x45, 0x00, 0x00, 0x28, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 10, 0, 0, host, 10, 1, UInt8(flow >> 8), UInt8(flow & 0xFF)]
            let port = 1024 + flow
            frame += [UInt8(port >> 8), UInt8(port & 0xFF), 0x01, 0xBB, 0, 0, 0, UInt8(index & 0xFF), 0, 0, 0, 0, 0x50, 0x10, 0xFF, 0xFF, 0, 0, 0, 0]
            try writer.write(timestamp: 1_700_000_000_000_000_000 + Int64(index) * 10_000, frame: frame)
        }
        try writer.flush()
        return path
    }

    /// Beyond 2,048 live flows the flow table's lines are asked for ahead, from the first review
    /// (after 4,096 frames) on; a few flows at one point never are.
    @Test func manyFlowsTurnItOn() throws {
        let many = try Self.writeFlows(count: 20_000, flows: 5_000)
        defer { try? FileManager.default.removeItem(atPath: many) }
        let plain = try Self.analyse(many, lookAhead: .never)
        let measured = try Self.analyse(many, lookAhead: .whereTablesAreLarge)
        #expect(plain.report.capture.packets == 20_000)
        #expect(plain.report.flows.tracked == 5_000)
        #expect(measured.report == plain.report)
        #expect(measured.lookAheadFrames == 20_000 - 4_096)

        let few = try Self.writeFlows(count: 20_000, flows: 64)
        defer { try? FileManager.default.removeItem(atPath: few) }
        let fewFlows = try Self.analyse(few, lookAhead: .whereTablesAreLarge)
        #expect(fewFlows.report == (try Self.analyse(few, lookAhead: .never)).report)
        #expect(fewFlows.lookAheadFrames == 0)
    }

    /// A second capture point makes every frame's copy digest looked up in a table: the hairpin
    /// scenario's frames after the first review are all looked ahead of.
    @Test func copiesFromSeveralPointsTurnItOn() throws {
        let path = Self.captures.appendingPathComponent("vmotion-hsrp-hairpin.pcapng").path
        let plain = try Self.analyse(path, lookAhead: .never)
        let measured = try Self.analyse(path, lookAhead: .whereTablesAreLarge)
        #expect(measured.report == plain.report)
        #expect(measured.lookAheadFrames == plain.report.capture.packets - 4_096)
    }

    /// Real captures written by others: out of order (read again through the reorder window),
    /// damaged, cut short, pcap and pcapng of many interfaces. Looking ahead on and off every
    /// three frames gives the report of every record consumed as it comes, or the same error.
    @Test(.enabled(if: RealCaptures.available, "needs ../shared/captures/real: skipped"),
          arguments: RealCaptures.files(in: ["arp", "corrupt", "encap", "fhrp", "formats", "mixed"]))
    func realCapturesGiveTheSameReport(_ file: String) throws {
        let path = RealCaptures.root.appendingPathComponent(file).path
        let plain = Result { try Self.analyse(path, lookAhead: .never) }
        let ahead = Result { try Self.analyse(path, lookAhead: .alternating(every: 3)) }
        switch (plain, ahead) {
        case let (.success(plain), .success(ahead)):
            #expect(ahead.report == plain.report, "\(file)")
            #expect(plain.lookAheadFrames == 0)
            // Not a stream (every real capture is read mapped): some frames were looked ahead of.
            if plain.report.capture.packets > 3 { #expect(ahead.lookAheadFrames > 0, "\(file)") }
        case let (.failure(plain), .failure(ahead)):
            #expect("\(ahead)" == "\(plain)", "\(file)")
        default:
            Issue.record("\(file): one way failed, the other did not")
        }
    }
}
