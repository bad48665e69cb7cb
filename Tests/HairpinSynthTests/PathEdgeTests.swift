import Foundation
import Testing
import HairpinAnalysis
import HairpinCapture
import HairpinSynth
import HairpinWire

/// Path-analysis cases no scenario shows, on hand-built captures.
struct PathEdgeTests {
    let vm = MACAddress("00:50:56:aa:bb:07")!
    let gateway = MACAddress("00:00:0c:07:ac:0a")!
    let router = MACAddress("00:1b:54:b1:00:01")!
    let second = 1_000_000_000 as Int64
    let start = 1_767_261_600 * 1_000_000_000 as Int64

    func frame(from source: MACAddress, to destination: MACAddress, _ sequence: Int, outbound: Bool) -> [UInt8] {
        let (vmIP, peerIP) = (IPAddress("10.100.0.70")!, IPAddress("198.51.100.20")!)
        let tcp = TransportSegment.tcp(source: outbound ? vmIP : peerIP, destination: outbound ? peerIP : vmIP, sourcePort: outbound ? 33000 : 443,
                                       destinationPort: outbound ? 443 : 33000, sequence: UInt32(sequence), acknowledgment: 1, flags: 0x10, window: 512)
        let ip = IPPacket.packet(source: outbound ? vmIP : peerIP, destination: outbound ? peerIP : vmIP, protocol: 6, ttl: 64, payload: tcp)
        return EthernetFrame.frame(destination: destination, source: source, vlans: [100], etherType: 0x0800, payload: ip)
    }

    /// The VM talks through its gateway from point 0 for 4 s, then from point 1 (a move, with
    /// an ESXi RARP), `seconds` in all; the router's replies reach it where it is.
    func conversation(seconds: Int = 10) -> [(Int, Int64, [UInt8])] {
        var frames: [(Int, Int64, [UInt8])] = []
        for step in 0..<(seconds * 10) {
            let time = Int64(step) * 100_000_000, place = time < 4 * second ? 0 : 1
            frames.append((place, time, frame(from: vm, to: gateway, step, outbound: true)))
            frames.append((place, time + 2_000_000, frame(from: router, to: vm, step, outbound: false)))
        }
        frames.append((1, 4 * second - 1_000_000, AnnouncementFrames.hypervisorRARP(vm: vm, vlans: [100])))
        return frames
    }

    @Test func aDepartureThatCameToNothingGivesTheFramesBackToTheMove() throws {
        // Moved at 4 s and settled at 9 s; one frame at the old place at 10.05 s begins a
        // departure there, which ends at the VM's first frame at the new place more than the
        // debounce (5 s) after it, at 15.1 s: from then on the frames are the move's again
        // (they were the abandoned departure's to the end of the capture).
        let stray = 10 * second + 50_000_000, resumed = 15 * second + 100_000_000
        // One frame of the VM at its old place at `stray`: a copy the copy table missed, or a brief visit.
        let frames = conversation(seconds: 20) + [(0, stray, frame(from: vm, to: gateway, 100_000, outbound: true))]
        // The conversation's frames at the new place (not the RARP before them) while followed by the move.
        func bytes(from source: MACAddress) -> Int {
            frames.filter { $0.0 == 1 && $0.1 >= 4 * second && MACAddress($0.2[6], $0.2[7], $0.2[8], $0.2[9], $0.2[10], $0.2[11]) == source && ($0.1 < stray || $0.1 >= resumed) }
                .reduce(0) { $0 + $1.2.count }
        }
        for threads in [1, 2] {
            let report = try HandBuiltCapture.analyse(frames.map { ($0.0, $0.1, $0.2, Direction.unknown) }, interfaces: ["esx-a1-uplink", "esx-b1-uplink"],
                                                      start: start, threads: threads)
            let path = try #require(report.paths.first)
            #expect(path.vmMAC == vm.description)
            #expect(path.timeNs == start + 4 * second - 1_000_000)
            #expect(path.flows.count == 1)
            #expect(path.flows.first?.outboundBytes == bytes(from: vm), "threads \(threads)")
            #expect(path.flows.first?.returnBytes == bytes(from: router), "threads \(threads)")
            #expect(path.inbound.forwarders.map(\.bytes) == [bytes(from: router)])
        }
    }

    @Test func framesStillReachingTheOldPlaceAreFlooding() throws {
        // From 7 s on, the router's frames to the VM are flooded to its old place as well.
        var frames = conversation()
        let flooded = (70..<100).map { (0, Int64($0) * 100_000_000 + 2_000_000, frame(from: router, to: vm, $0, outbound: false)) }
        frames += flooded
        let report = try HandBuiltCapture.analyse(frames, interfaces: ["esx-a1-uplink", "esx-b1-uplink"], start: start)
        let path = try #require(report.paths.first)
        #expect(report.moves.first?.timeNs == start + 4 * second - 1_000_000)
        #expect(path.floodBytes == flooded.reduce(0) { $0 + $1.2.count })
        let evidence = try #require(path.floodEvidence)
        #expect(evidence.interface == 0)
        #expect(evidence.frames == flooded.count)
        #expect(evidence.firstNs == start + 7 * second + 2_000_000)
        // Without a DCI capture and a topology nothing places the paths.
        #expect(path.outbound.verdict == "unknown")
        #expect(path.inbound.forwarders.map(\.mac) == [router.description])

        let quiet = try HandBuiltCapture.analyse(conversation(), interfaces: ["esx-a1-uplink", "esx-b1-uplink"], start: start)
        #expect(quiet.paths.first?.floodBytes == 0)
        #expect(quiet.paths.first?.floodEvidence == nil)
        #expect(quiet.paths.first?.limitations.contains { $0.contains("one-direction mirror") } == false)
        // Mirrored one way only, the new place shows the VM's frames and none of the replies.
        let oneWay = try HandBuiltCapture.analyse(conversation().filter { $0.0 == 0 || MACAddress($0.2[6], $0.2[7], $0.2[8], $0.2[9], $0.2[10], $0.2[11]) == vm },
                                                  interfaces: ["esx-a1-uplink", "esx-b1-uplink"], start: start)
        #expect(oneWay.paths.first?.limitations.contains { $0.hasPrefix("the VM's place shows only its outbound frames") } == true)
    }

    @Test func clockOffsetsComeFromCopiesSeenBothWays() throws {
        // Point 1's clock runs 0.5 ms ahead; every frame crosses between the points in 2 ms.
        let skew: Int64 = 500_000, latency: Int64 = 2_000_000
        var frames: [(Int, Int64, [UInt8])] = []
        for step in 0..<50 {
            let time = Int64(step) * 100_000_000
            let request = frame(from: vm, to: gateway, step, outbound: true)
            frames.append((0, time, request))
            frames.append((1, time + latency + skew, request))
            let reply = frame(from: router, to: vm, step, outbound: false)
            frames.append((1, time + 10_000_000 + skew, reply))
            frames.append((0, time + 10_000_000 + latency, reply))
        }
        let report = try HandBuiltCapture.analyse(frames, interfaces: ["a", "b"], start: start)
        let pair = try #require(report.clockPairs.first)
        #expect(report.clockPairs.count == 1)
        #expect(pair.a.interface == 0 && pair.b.interface == 1)
        #expect(pair.aToBNs == latency + skew)
        #expect(pair.bToANs == latency - skew)
        #expect(pair.offsetNs == skew)
        #expect(pair.oneWayNs == latency)
        #expect(pair.samples == 100)
    }

    @Test func aRealGatewayMACIsAStaticOrAnycastGateway() throws {
        // No FHRP: the VM's off-subnet frames go to the router's own MAC; a third capture point
        // (the DCI) sees other traffic but none of the VM's.
        let anycastMAC = MACAddress("00:1c:73:00:00:99")!
        var frames: [(Int, Int64, [UInt8])] = []
        for step in 0..<100 {
            let time = Int64(step) * 100_000_000, place = time < 4 * second ? 0 : 1
            frames.append((place, time, frame(from: vm, to: anycastMAC, step, outbound: true)))
            frames.append((place, time + 2_000_000, frame(from: anycastMAC, to: vm, step, outbound: false)))
            frames.append((2, time + 5_000_000, frame(from: MACAddress("00:50:56:cc:00:01")!, to: router, step, outbound: true)))
        }
        frames.append((1, 4 * second - 1_000_000, AnnouncementFrames.hypervisorRARP(vm: vm, vlans: [100])))
        let interfaces = ["esx-a1-uplink", "esx-b1-uplink", "dci"]
        let plain = try HandBuiltCapture.analyse(frames, interfaces: interfaces, start: start)
        let path = try #require(plain.paths.first)
        #expect(path.gateway?.protocol == "static")
        #expect(path.gateway?.virtualMAC == anycastMAC.description)
        #expect(path.outbound.forwarders.map(\.mac) == [anycastMAC.description])
        #expect(path.inbound.forwarders.map(\.mac) == [anycastMAC.description])

        var options = Analysis.Options()
        options.topology = try Topology.parse("""
            sites: [{id: A}, {id: B}]
            segments:
              - {id: web, members: [{site: A, vlan: 100}, {site: B, vlan: 100}], subnets: [10.100.0.0/24],
                 gateway: {protocol: anycast, vip: 10.100.0.1}}
            capture_points:
              - {match: {if_name: esx-a1-uplink}, site: A, role: server}
              - {match: {if_name: esx-b1-uplink}, site: B, role: server}
              - {match: {if_name: dci}, role: dci}
            """, file: "anycast.yaml")
        let placed = try #require(try HandBuiltCapture.analyse(frames, interfaces: interfaces, start: start, options: options).paths.first)
        #expect(placed.gateway?.protocol == "anycast")
        #expect(placed.outbound.verdict == "local")
        #expect(placed.outbound.confidence == "proven")
        #expect(placed.outbound.reason.hasPrefix("anycast gateway"))
        #expect(placed.inbound.verdict == "local")
        #expect(placed.outbound.forwarders.first?.ip == "10.100.0.1")
    }

    /// A VM that never moves lives at site B (point 0) and routes through a gateway across the
    /// DCI (point 1): a request and its reply every 100 ms, each seen at both points.
    func stayingHost(steps: Int) -> [(Int, Int64, [UInt8])] {
        var frames: [(Int, Int64, [UInt8])] = []
        for step in 0..<steps {
            let time = Int64(step) * 100_000_000
            let request = frame(from: vm, to: gateway, step, outbound: true)
            frames += [(0, time, request), (1, time + 1_500_000, request)]
            let reply = frame(from: router, to: vm, step, outbound: false)
            frames += [(1, time + 10_000_000, reply), (0, time + 11_500_000, reply)]
        }
        return frames
    }

    /// The topology of `stayingHost`: point 0 at site B, point 1 the DCI.
    func stayOptions() throws -> Analysis.Options {
        var options = Analysis.Options()
        options.topology = try Topology.parse("""
            sites: [{id: A}, {id: B}]
            capture_points:
              - {match: {if_name: esx-b1-uplink}, site: B, role: server}
              - {match: {if_name: dci}, role: dci}
            """, file: "stay.yaml")
        return options
    }

    @Test func aStrayFrameOfAHostThatStaysIsNoSecondPath() throws {
        // The staying host for 20 s, with one frame of it seen first at
        // the DCI at 10.05 s: a departure there that came to nothing at 15.1 s. Its frames go
        // back to the stay from then on, and the departure gives no path of its own.
        let stray = 10 * second + 50_000_000, resumed = 15 * second + 100_000_000
        let frames = stayingHost(steps: 200) + [(1, stray, frame(from: vm, to: gateway, 100_000, outbound: true))]
        var options = try stayOptions()
        options.pathsForAllHosts = true
        let report = try HandBuiltCapture.analyse(frames, interfaces: ["esx-b1-uplink", "dci"], start: start, options: options)
        #expect(report.moves.isEmpty)
        #expect(report.paths.map(\.vmMAC) == [vm.description])
        let path = try #require(report.paths.first)
        #expect(path.timeNs == start)
        let followed = frames.filter { $0.0 == 1 && $0.2[6] == 0x00 && $0.2[11] == 0x07 && ($0.1 < stray || $0.1 >= resumed) }
        #expect(path.outbound.bytes == followed.reduce(0) { $0 + $1.2.count })
    }

    @Test func aPlaceNeverDepartedToEndsNoWatch() throws {
        // A frame of the staying host at the DCI at the very time of its first sighting: a new
        // place before its home was established, so no departure; when that place is dropped
        // (5 s on), the watch of the host's stay, begun at the same time, goes on.
        let frames = stayingHost(steps: 100) + [(1, 0, frame(from: vm, to: gateway, 100_001, outbound: true))]
        var options = try stayOptions()
        options.pathsForAllHosts = true
        let report = try HandBuiltCapture.analyse(frames, interfaces: ["esx-b1-uplink", "dci"], start: start, options: options)
        #expect(report.moves.isEmpty)
        #expect(report.paths.map(\.vmMAC) == [vm.description])
        #expect(report.paths.first?.outbound.bytes == frames.filter { $0.0 == 1 && $0.2[6] == 0x00 && $0.2[11] == 0x07 }.reduce(0) { $0 + $1.2.count })
    }

    @Test func hostsThatStayCanBeAskedFor() throws {
        let frames = stayingHost(steps: 60)
        var options = try stayOptions()
        let interfaces = ["esx-b1-uplink", "dci"]
        #expect(try HandBuiltCapture.analyse(frames, interfaces: interfaces, start: start, options: options).paths.isEmpty)
        options.pathsForAllHosts = true
        let report = try HandBuiltCapture.analyse(frames, interfaces: interfaces, start: start, options: options)
        #expect(report.paths.count == 1)
        let path = try #require(report.paths.first)
        #expect(path.vmMAC == vm.description && path.move == nil && path.place.interface == 0 && path.toSite == "B")
        #expect(path.outbound.verdict == "hairpin" && path.outbound.confidence == "proven")
        #expect(path.outbound.bytes == frames.filter { $0.0 == 1 && $0.2[6] == 0x00 && $0.2[11] == 0x07 }.reduce(0) { $0 + $1.2.count })
        #expect(path.inbound.verdict == "hairpin")
        #expect(path.floodBytes == 0)
        // With room to follow one MAC only, the router's departure is not followed, and said so.
        options.paths.maximumFollowedMACs = 1
        let cramped = try HandBuiltCapture.analyse(frames, interfaces: interfaces, start: start, options: options)
        #expect(cramped.paths.first?.limitations.contains("1 frames or departures were not followed: the path tables were full") == true)
        options.paths.maximumFollowedMACs = 4096
        // A frame to the all-zero MAC (as some captures hold) is followed by nobody.
        let zero = frame(from: vm, to: MACAddress(rawValue: 0), 999, outbound: true)
        let withZero = try HandBuiltCapture.analyse(frames + [(0, 7 * second, zero)], interfaces: interfaces, start: start, options: options)
        #expect(withZero.paths.count == 1)
    }
}
