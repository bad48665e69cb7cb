import Foundation
import Testing
@testable import HairpinAnalysis
import HairpinCapture
import HairpinTestSupport
import HairpinWire

/// Every ARP, RARP and NA frame of the real captures in arp/ gets the class that tshark's fields
/// give it under protocols.md 2.7 (tshark's own arp.isgratuitous / isannouncement / isprobe
/// where it has them), and the FHRP routers' GARPs are gateway events, never VM moves.
@Suite(.enabled(if: RealCaptures.available && Tshark.path != nil, "needs ../shared/captures/real and tshark: skipped"))
struct AnnouncementTests {
    static let files = RealCaptures.files(in: ["arp"])
    static let fields = ["eth.src", "eth.dst", "arp.opcode", "arp.src.hw_mac", "arp.dst.hw_mac", "arp.src.proto_ipv4", "arp.dst.proto_ipv4",
                         "arp.isgratuitous", "arp.isannouncement", "arp.isprobe", "icmpv6.type", "icmpv6.nd.na.flag.s", "ipv6.dst"]

    /// The class the tshark fields say, or "" for a frame that announces nothing.
    static func expected(_ row: [String: String]) -> String {
        if let opcode = row["arp.opcode"], !opcode.isEmpty {
            if opcode == "3" || opcode == "4" {
                let source = row["eth.src"]
                let selfAnnounce = opcode == "3" && row["arp.src.hw_mac"] == source && row["arp.dst.hw_mac"] == source
                    && row["arp.src.proto_ipv4"] == "0.0.0.0" && row["arp.dst.proto_ipv4"] == "0.0.0.0" && row["eth.dst"] == "ff:ff:ff:ff:ff:ff"
                return selfAnnounce ? "rarp" : "rarp_other"
            }
            if opcode == "1" && (row["arp.isprobe"] == "1" || row["arp.src.proto_ipv4"] == "0.0.0.0") { return "arp_probe" }
            if row["arp.isannouncement"] == "1" { return "arp_announcement" }
            if row["arp.isgratuitous"] == "1" { return opcode == "1" ? "garp_request" : "garp_reply" }
            return ""
        }
        if row["icmpv6.type"]?.split(separator: ",").contains("136") == true, row["icmpv6.nd.na.flag.s"] == "0",
           row["ipv6.dst"]?.hasPrefix("ff") == true {
            return "unsolicited_na"
        }
        return ""
    }

    @Test(arguments: files)
    func framesAreClassifiedAsTsharkSays(_ file: String) throws {
        let path = RealCaptures.root.appendingPathComponent(file).path
        let rows = try #require(try Tshark.fieldRows(path, Self.fields, occurrence: "f"))
        let reader = try CaptureReader(paths: [path], options: .init(reorderWindow: 0))
        let decoder = Decoder()
        var index = 0
        var classified = 0
        while let record = try reader.next() {
            defer { index += 1 }
            guard index < rows.count else { break }
            let packet = decoder.decode(record.bytes, linkType: record.linkType)
            let ours = withUnsafePointer(to: packet) { AnnouncementKind.classify(PacketView($0))?.kind.rawValue ?? "" }
            #expect(ours == Self.expected(rows[index]), "\(file) frame \(index + 1)")
            if !ours.isEmpty { classified += 1 }
        }
        #expect(index == rows.count)
        let expectedCount = rows.filter { !Self.expected($0).isEmpty }.count
        #expect(classified == expectedCount)
    }

    func report(_ file: String) throws -> Report {
        let reader = try CaptureReader(paths: [RealCaptures.root.appendingPathComponent(file).path], options: .init(reorderWindow: 0))
        let analysis = Analysis()
        while let record = try reader.next() { analysis.consume(record) }
        return analysis.report(interfaces: reader.interfaces.all, anomalies: reader.anomalies)
    }

    @Test func gatewayGARPsAreGatewayEventsNotMoves() throws {
        let hsrp = try report("arp/gratuitous_arp_hsrp.cap")
        // Replies to broadcast and to 01:00:0c:cd:cd:cd 16 ms apart, repeated after 2.8 and 3 s: three bursts of two.
        #expect(hsrp.announcements.map(\.kind) == ["garp_reply", "garp_reply", "garp_reply"])
        #expect(hsrp.announcements.allSatisfy { $0.gateway && $0.mac == "00:00:0c:07:ac:01" && $0.ip == "10.0.0.6" })
        #expect(hsrp.announcements.map(\.frames) == [2, 2, 2])
        #expect(hsrp.announcements.map(\.spacingNs) == [[16_000_000], [16_000_000], [16_000_000]])
        #expect(hsrp.moves.isEmpty)
        let vrrp = try report("arp/cs_firewall_vrrp_gratuitous_arp.pcap")
        // The master's announcements (target MAC zero) at 0, 10, 64.5 and 184.4 s.
        #expect(vrrp.announcements.map(\.kind) == Array(repeating: "arp_announcement", count: 4))
        #expect(vrrp.announcements.map(\.ip) == Array(repeating: "192.168.1.1", count: 4))
        #expect(vrrp.announcements.allSatisfy { $0.gateway })
        #expect(vrrp.moves.isEmpty)
        let periodic = try report("arp/cs_vrrp_periodic_gratuitous_arp_120s.pcapng")
        #expect(periodic.announcements.first?.vlan == 10)
        #expect(periodic.announcements.first?.gateway == true)
        // A host's own announcements and probes are not gateway events; one capture point, no moves.
        let iphone = try report("arp/iphone.pcap")
        #expect(Set(iphone.announcements.map(\.kind)) == ["arp_probe", "arp_announcement"])
        #expect(iphone.announcements.allSatisfy { !$0.gateway })
        #expect(iphone.moves.isEmpty)
    }
}
