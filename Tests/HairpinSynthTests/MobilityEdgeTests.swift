import Foundation
import Testing
import HairpinAnalysis
import HairpinCapture
import HairpinSynth
import HairpinWire

/// Location edge cases on hand-built two-point captures: NIC teaming is no move, a flooded
/// broadcast seen first somewhere is no home, and a real move still is one.
struct MobilityEdgeTests {
    let vm = MACAddress("00:50:56:aa:bb:07")!
    let gateway = MACAddress("00:00:0c:07:ac:0a")!
    let second = 1_000_000_000 as Int64
    let start = 1_767_261_600 * 1_000_000_000 as Int64

    /// A unicast frame from the VM to the gateway, distinct per `sequence`.
    func unicast(_ sequence: Int) -> [UInt8] {
        let tcp = TransportSegment.tcp(source: IPAddress("10.100.0.70")!, destination: IPAddress("198.51.100.20")!, sourcePort: 33000,
                                       destinationPort: 443, sequence: UInt32(sequence), acknowledgment: 1, flags: 0x10, window: 512)
        let ip = IPPacket.packet(source: IPAddress("10.100.0.70")!, destination: IPAddress("198.51.100.20")!, protocol: 6, ttl: 64,
                                 payload: tcp)
        return EthernetFrame.frame(destination: gateway, source: vm, vlans: [100], etherType: 0x0800, payload: ip)
    }

    /// Writes `frames` (interface, time offset, bytes) to a two-interface pcapng and analyses it.
    func analyse(_ frames: [(Int, Int64, [UInt8])]) throws -> Report {
        try HandBuiltCapture.analyse(frames, interfaces: ["esx-a1-uplink", "esx-b1-uplink"], start: start)
    }

    @Test func teamingIsNoMove() throws {
        // Frames leave on either uplink of a team, alternating, for ten seconds.
        let report = try analyse((0..<200).map { ($0 % 2, Int64($0) * 50_000_000, unicast($0)) })
        #expect(report.moves.isEmpty)
    }

    @Test func aMoveHoldsAndKeepsItsTime() throws {
        var frames = (0..<40).map { (0, Int64($0) * 100_000_000, unicast($0)) }
        frames += (40..<80).map { (1, Int64($0) * 100_000_000, unicast($0)) }
        let report = try analyse(frames)
        #expect(report.moves.count == 1)
        #expect(report.moves.first?.timeNs == start + 4 * second)
        #expect(report.moves.first?.from.interface == 0)
        #expect(report.moves.first?.to.interface == 1)
        #expect(report.moves.first?.ips == ["10.100.0.70"])
        #expect(report.moves.first?.flipFlops == 0)
        #expect(report.moves.first?.announcement == nil)
    }

    @Test func copiesOnAnotherPointAreNotSightings() throws {
        // Every frame from point 0 is also seen at point 1 2 ms later (a DCI mirror): no move.
        var frames = (0..<60).map { (0, Int64($0) * 100_000_000, unicast($0)) }
        frames += (0..<60).map { (1, Int64($0) * 100_000_000 + 2_000_000, unicast($0)) }
        let report = try analyse(frames)
        #expect(report.moves.isEmpty)
        // A RARP flooded from point 1 and copied to 0: one announcement, where it was sent.
        let rarp = AnnouncementFrames.hypervisorRARP(vm: vm, vlans: [100])
        let flooded = try analyse(frames + [(1, 7 * second, rarp), (0, 7 * second + 1_500_000, rarp)])
        #expect(flooded.announcements.map(\.interface) == [1])
        #expect(flooded.announcements.first?.kind == "rarp")
        #expect(flooded.announcements.first?.frames == 1)
    }
}

/// Hand-built captures: frames written to a pcapng with one interface per name, then analysed.
enum HandBuiltCapture {
    /// `frames` are (interface index, time offset from `start`, bytes).
    static func analyse(_ frames: [(Int, Int64, [UInt8])], interfaces: [String], start: Int64,
                        options: Analysis.Options = Analysis.Options()) throws -> Report {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hairpin-hand-\(UUID().uuidString).pcapng").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let writer = try PcapngWriter(path: path)
            let ids = interfaces.map { writer.addInterface(.init(name: $0)) }
            for (point, offset, bytes) in frames.sorted(by: { $0.1 < $1.1 }) {
                try writer.write(interface: ids[point], timestamp: start + offset, frame: bytes)
            }
            try writer.flush()
        }
        let reader = try CaptureReader(paths: [path])
        let analysis = Analysis(options: options)
        while let record = try reader.next() { analysis.consume(record) }
        return analysis.report(interfaces: reader.interfaces.all, anomalies: reader.anomalies)
    }
}
