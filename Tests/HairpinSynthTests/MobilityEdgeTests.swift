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

    /// A unicast frame from the VM's MAC to the gateway with the source address 10.100.1.`host`:
    /// what a router forwarding many hosts' traffic sends.
    func forwarded(_ sequence: Int, host: Int) -> [UInt8] {
        let source = IPAddress("10.100.1.\(host)")!, destination = IPAddress("198.51.100.20")!
        let tcp = TransportSegment.tcp(source: source, destination: destination, sourcePort: 33000, destinationPort: 443,
                                       sequence: UInt32(sequence), acknowledgment: 1, flags: 0x10, window: 512)
        let ip = IPPacket.packet(source: source, destination: destination, protocol: 6, ttl: 64, payload: tcp)
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

    @Test func aMACSourcingManyAddressesStaysHomeAndStillMoves() throws {
        // More source addresses than a host's (a router's MAC): every frame another one. At home
        // it stays home whatever address it sources; seen only at the other point it moves, as
        // a MAC of one address does, and names none of its addresses.
        let home = (0..<400).map { (0, Int64($0) * 10_000_000, forwarded($0, host: $0 % 50 + 1)) }
        #expect(try analyse(home).moves.isEmpty)
        let away = (400..<800).map { (1, Int64($0) * 10_000_000, forwarded($0, host: $0 % 50 + 1)) }
        let report = try analyse(home + away)
        #expect(report.moves.count == 1)
        #expect(report.moves.first?.timeNs == start + 4 * second)
        #expect(report.moves.first?.from.interface == 0)
        #expect(report.moves.first?.to.interface == 1)
        #expect(report.moves.first?.ips == [])
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

    @Test func aStreamWithMoreFramesInFlightThanTheCopyTableHoldsIsNoMove() throws {
        // 60,000 frames 2 us apart, each seen again at point 1 30 ms later: 15,000 wait for their
        // copies at any time, as many as the table's 16,384 slots in sets of four cannot keep.
        // The table grows; the copies are found and the host stays home, on one and two threads.
        let count = 60_000
        var frames = (0..<count).map { (0, Int64($0) * 2_000, unicast($0), Direction.unknown) }
        frames += (0..<count).map { (1, Int64($0) * 2_000 + 30_000_000, unicast($0), Direction.unknown) }
        for threads in [1, 2] {
            let report = try HandBuiltCapture.analyse(frames, interfaces: ["esx-a1-uplink", "esx-b1-uplink"], start: start, threads: threads)
            #expect(report.moves.isEmpty)
            let pair = try #require(report.clockPairs.first)
            #expect(report.clockPairs.count == 1)
            // Copies missed while the table grew: at most 1%.
            #expect(pair.samples > count * 99 / 100, "threads \(threads): \(pair.samples) copies found")
            #expect(pair.aToBNs == 30_000_000)
        }
    }

    /// Four seconds at point 0, then four at point 1, the second half with `direction`.
    func movingHalves(secondHalf direction: Direction) -> [(Int, Int64, [UInt8], Direction)] {
        (0..<40).map { (0, Int64($0) * 100_000_000, unicast($0), Direction.inbound) }
            + (40..<80).map { (1, Int64($0) * 100_000_000, unicast($0), direction) }
    }

    @Test func theRecordsDirectionDecidesWhoSourcedAFrameWhenAskedTo() throws {
        // At a switch port, "outbound" frames were sent towards the attached device: the VM's
        // frames seen so at point 1 were sourced elsewhere, so they are no sighting there.
        var port = Analysis.Options()
        port.directionMeaning = .switchPort
        var host = Analysis.Options()
        host.directionMeaning = .host
        for threads in [1, 2] {
            let outbound = movingHalves(secondHalf: .outbound)
            #expect(try HandBuiltCapture.analyse(outbound, interfaces: names, start: start, threads: threads).moves.count == 1,
                    "directions ignored: a move")
            #expect(try HandBuiltCapture.analyse(outbound, interfaces: names, start: start, options: port, threads: threads).moves.isEmpty)
            // Captured on the hosts, "outbound" is what the host sent and "inbound" came from elsewhere.
            #expect(try HandBuiltCapture.analyse(outbound, interfaces: names, start: start, options: host, threads: threads).moves.isEmpty,
                    "the first half, inbound, never placed the VM at point 0")
            let inbound = (0..<40).map { (0, Int64($0) * 100_000_000, unicast($0), Direction.outbound) }
                + (40..<80).map { (1, Int64($0) * 100_000_000, unicast($0), Direction.outbound) }
            let moved = try HandBuiltCapture.analyse(inbound, interfaces: names, start: start, options: host, threads: threads)
            #expect(moved.moves.map(\.to.interface) == [1])
        }
    }

    @Test func framesMirroredOnEgressAreNoSightings() throws {
        // The VM's frames at point 1 come in an ERSPAN III session: mirrored as they entered the
        // monitored port they place the VM there (a move); as they left it, not.
        let session = ERSPANEncapsulation.Session(id: 7, sourceMAC: MACAddress("00:de:ad:00:00:01")!, destinationMAC: MACAddress("00:de:ad:00:00:ff")!,
                                                  sourceIP: IPv4Address("192.0.2.1")!, destinationIP: IPv4Address("192.0.2.100")!,
                                                  index: 5, typeIII: true)
        func mirrored(egress: Bool) -> [(Int, Int64, [UInt8], Direction)] {
            (0..<40).map { (0, Int64($0) * 100_000_000, unicast($0), Direction.unknown) }
                + (40..<80).map { (1, Int64($0) * 100_000_000, ERSPANEncapsulation.wrap(unicast($0), session: session, sequence: UInt32($0), egress: egress),
                                   Direction.unknown) }
        }
        for threads in [1, 2] {
            let ingress = try HandBuiltCapture.analyse(mirrored(egress: false), interfaces: names, start: start, threads: threads)
            #expect(ingress.moves.map(\.to.session) == [7])
            #expect(try HandBuiltCapture.analyse(mirrored(egress: true), interfaces: names, start: start, threads: threads).moves.isEmpty)
        }
    }

    let names = ["esx-a1-uplink", "esx-b1-uplink"]
}

/// Hand-built captures: frames written to a pcapng with one interface per name, then analysed.
enum HandBuiltCapture {
    /// `frames` are (interface index, time offset from `start`, bytes).
    static func analyse(_ frames: [(Int, Int64, [UInt8])], interfaces: [String], start: Int64,
                        options: Analysis.Options = Analysis.Options()) throws -> Report {
        try analyse(frames.map { ($0.0, $0.1, $0.2, Direction.unknown) }, interfaces: interfaces, start: start, options: options, threads: 1)
    }

    /// Frames with their records' directions, analysed on `threads` threads.
    static func analyse(_ frames: [(Int, Int64, [UInt8], Direction)], interfaces: [String], start: Int64,
                        options: Analysis.Options = Analysis.Options(), threads: Int) throws -> Report {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hairpin-hand-\(UUID().uuidString).pcapng").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let writer = try PcapngWriter(path: path)
            let ids = interfaces.map { writer.addInterface(.init(name: $0)) }
            for (point, offset, bytes, direction) in frames.sorted(by: { $0.1 < $1.1 }) {
                try writer.write(interface: ids[point], timestamp: start + offset, frame: bytes, direction: direction)
            }
            try writer.flush()
        }
        let run = try ParallelAnalysis.run(paths: [path], reading: .init(), filter: nil, options: options, threads: threads)
        #expect(run.threads == threads)
        return run.analysis.report(interfaces: run.reader.interfaces.all, anomalies: run.reader.anomalies)
    }
}
