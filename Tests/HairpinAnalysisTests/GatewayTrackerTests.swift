import Foundation
import Testing
import HairpinAnalysis
import HairpinCapture
import HairpinWire

/// The FHRP captures' elections, coups and failovers come out as transitions at the frames
/// where they happen (checked against tshark's state fields by hand, and listed here).
@Suite(.enabled(if: RealCaptures.available, "../shared/captures/real is absent: skipped"))
struct GatewayTrackerTests {
    func report(_ file: String) throws -> Report {
        let reader = try CaptureReader(paths: [RealCaptures.root.appendingPathComponent(file).path], options: .init(reorderWindow: 0))
        let analysis = Analysis()
        while let record = try reader.next() { analysis.consume(record) }
        return analysis.report(interfaces: reader.interfaces.all, anomalies: reader.anomalies)
    }

    func takeover(_ gateway: Report.Gateway, to member: String) -> Report.Gateway.Transition? {
        gateway.transitions.first { $0.memberIP == member && $0.previousActive != nil && ($0.to == "active" || $0.to == "master") }
    }

    @Test func hsrpCoupHandsTheActiveRoleToTheHigherPriority() throws {
        let gateway = try #require(try report("fhrp/HSRP_coup.pcap").gateways.first)
        #expect(gateway.protocol == "hsrp1")
        #expect(gateway.virtualMACs == ["00:00:0c:07:ac:01"])
        let coup = try #require(takeover(gateway, to: "192.168.0.10"))
        #expect(coup.frame == 27)
        #expect(coup.previousActive == "192.168.0.30")
        #expect(gateway.transitions.contains { $0.frame == 26 && $0.memberIP == "192.168.0.30" && $0.from == "active" && $0.to == "speak" })
        #expect(gateway.active?.ip == "192.168.0.10")
        // The active's real MAC, from its hellos before it was active and its advertisements.
        #expect(gateway.members.first { $0.ip == "192.168.0.10" }?.mac == "c2:01:34:77:00:00")
        #expect(gateway.anomalies.isEmpty)
    }

    @Test func hsrpFailoverAfterTheHoldTime() throws {
        let gateway = try #require(try report("fhrp/HSRP_failover.pcap").gateways.first)
        let failover = try #require(takeover(gateway, to: "192.168.0.30"))
        #expect(failover.frame == 17)
        #expect(failover.previousActive == "192.168.0.10")
        let gap = try #require(failover.gapNs)
        #expect(gap > 9_900_000_000 && gap < 10_100_000_000)
        #expect(gateway.actives.map(\.ip) == ["192.168.0.30"])
    }

    @Test func hsrpElection() throws {
        let gateway = try #require(try report("fhrp/HSRP_election.pcap").gateways.first)
        let elected = try #require(gateway.transitions.first { $0.to == "active" })
        #expect(elected.frame == 11)
        #expect(elected.memberIP == "192.168.0.10")
        #expect(elected.from == "standby")
        #expect(gateway.members.map(\.state) == ["active", "speak", "standby"])
    }

    @Test func vrrpPreemptionMakesTheOldMasterABackup() throws {
        let gateway = try #require(try report("fhrp/VRRP_preempt.cap").gateways.first)
        let preempt = try #require(takeover(gateway, to: "192.168.0.10"))
        #expect(preempt.frame == 8)
        #expect(preempt.previousActive == "192.168.0.30")
        #expect(gateway.members.first { $0.ip == "192.168.0.30" }?.state == "backup")
        #expect(gateway.active?.ip == "192.168.0.10")
        #expect(gateway.anomalies.isEmpty)
    }

    @Test func glbpElectionAndForwarders() throws {
        let gateway = try #require(try report("fhrp/GLBP_election.cap").gateways.first)
        #expect(gateway.protocol == "glbp")
        let avg = try #require(gateway.transitions.first { $0.to == "active" })
        #expect(avg.frame == 22)
        #expect(avg.memberIP == "192.168.0.10")
        #expect(gateway.forwarders.map { "\($0.number) \($0.virtualMAC) \($0.ownerIP)" }
                == ["1 00:07:b4:00:01:01 192.168.0.10", "2 00:07:b4:00:01:02 192.168.0.30", "3 00:07:b4:00:01:03 192.168.0.20"])
        #expect(gateway.members.first { $0.ip == "192.168.0.20" }?.mac == "c2:01:7c:b8:00:00")
    }

    @Test func hsrpForIPv6AndVRRPv3() throws {
        let hsrp6 = try #require(try report("fhrp/hsrp2_ipv6.pcapng").gateways.first)
        #expect(hsrp6.protocol == "hsrp6")
        #expect(hsrp6.vlan == 16)
        #expect(hsrp6.virtualIPs == ["fe80::5:73ff:fea0:10"])
        #expect(hsrp6.active?.mac == "aa:bb:cc:00:01:20")
        let vrrp3 = try report("fhrp/VRRP-V3-IPv6.pcap").gateways
        #expect(vrrp3.first?.protocol == "vrrp3")
        #expect(vrrp3.first?.virtualIPs.first == "fe80::254")
    }

    @Test func ipOwnerGivingUpItsAddressResignsAndIsFlagged() throws {
        // The IP owner (priority 255) loses its address: it advertises from 0.0.0.0 at priority 100
        // (frame 13), resigns with priority 0 from its own MAC (frame 14), and .253 takes over (frame 15).
        let gateway = try #require(try report("fhrp/cs_vrrp_priority0_and_255_ip_owner.pcap").gateways.first)
        #expect(gateway.protocol == "vrrp2")
        #expect(gateway.members.first { $0.ip == "192.168.10.254" }?.priority == 255)
        #expect(gateway.transitions.contains { $0.frame == 14 && $0.memberIP == "0.0.0.0" && $0.to == "resigned" })
        let handover = try #require(takeover(gateway, to: "192.168.10.253"))
        #expect(handover.frame == 15)
        #expect(gateway.active?.ip == "192.168.10.253")
        #expect(gateway.anomalies.contains("resignations 1"))
        #expect(gateway.anomalies.contains("unnumbered_sender at frames 13,14"))
    }

    @Test func forwarderQueryAnswersForAVirtualMACAtATime() throws {
        let reader = try CaptureReader(paths: [RealCaptures.root.appendingPathComponent("fhrp/HSRP_coup.pcap").path])
        let analysis = Analysis()
        var times: [Int64] = []
        while let record = try reader.next() {
            analysis.consume(record)
            times.append(record.timestamp)
        }
        let vmac = MACAddress("00:00:0c:07:ac:01")!
        #expect(analysis.gatewayForwarder(of: vmac, at: times[5])?.ip == IPAddress("192.168.0.30"))
        #expect(analysis.gatewayForwarder(of: vmac, at: times[40])?.ip == IPAddress("192.168.0.10"))
        #expect(analysis.gatewayForwarder(of: MACAddress("00:00:0c:07:ac:09")!, at: times[40]) == nil)
        #expect(analysis.gatewayForwarder(ofVirtualIP: IPAddress("192.168.0.1")!, at: times[5])?.ip == IPAddress("192.168.0.30"))
        #expect(analysis.gatewayForwarder(ofVirtualIP: IPAddress("192.168.0.1")!, at: times[40])?.mac == MACAddress("c2:01:34:77:00:00"))
    }
}
