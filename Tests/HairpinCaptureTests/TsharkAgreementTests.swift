import Foundation
import Testing
@testable import HairpinCapture
import HairpinWire
import HairpinTestSupport

/// tshark's view of a capture, one row of fields per frame.
enum TsharkFields {
    static let fields = [
        "eth.src", "eth.dst", "sll.src.eth", "ieee8021ah.csrc", "ieee8021ah.cdst", "vlan.id", "ieee8021ad.id",
        "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "ip.proto", "ipv6.nxt", "ipv6.hopopts.nxt", "ipv6.dstopts.nxt",
        "ipv6.routing.nxt", "ipv6.fraghdr.nxt", "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport", "frame.protocols",
    ]

    struct Row {
        var values: [String: [String]]
        func all(_ names: String...) -> [String] { names.flatMap { values[$0] ?? [] } }
        var protocols: String { values["frame.protocols"]?.first ?? "" }
    }

    /// nil when tshark fails outright on the file (there is nothing to compare).
    static func rows(_ file: String) throws -> [Row]? {
        let (status, text) = try Tshark.run(["-n", "-r", file, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,", "-E", "separator=\t"]
            + fields.flatMap { ["-e", $0] })
        if status != 0 && text.isEmpty { return nil }
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            var values: [String: [String]] = [:]
            for (index, name) in fields.enumerated() where index < cells.count && !cells[index].isEmpty {
                values[name] = cells[index].split(separator: ",").map(String.init)
            }
            return Row(values: values)
        }
    }
}

/// For every real capture outside corrupt/, Hairpin's decode agrees with tshark's frame by
/// frame on MACs, VLAN ids, IP addresses, IP protocol and ports. The decode describes the
/// innermost frame; tshark lists every occurrence, so each value Hairpin gives must be among
/// tshark's, and a value tshark has that Hairpin lacks is allowed only where Hairpin says why
/// (an anomaly, a fragment, a tunnel whose inner frame lacks it, ICMP quoting, ARP).
@Suite(.enabled(if: SharedCaptures.available && Tshark.path != nil,
                "needs ../shared/captures/real and tshark (make test installs it): skipped"))
struct TsharkAgreementTests {
    /// A field tshark does not know makes it print nothing at all: guard against comparing nothing.
    @Test func tsharkAcceptsTheFieldList() throws {
        let rows = try #require(try TsharkFields.rows(SharedCaptures.root.appendingPathComponent("encap/vxlan.pcap").path))
        #expect(rows.count == 10)
        #expect(rows[0].all("eth.src") == ["36:dc:85:1e:b3:40", "00:16:3e:37:f6:04"])
    }

    @Test(arguments: SharedCaptures.readable)
    func decodeAgreesWithTshark(_ entry: SharedCaptures.Entry) throws {
        let path = SharedCaptures.path(entry)
        guard var rows = try TsharkFields.rows(path), !rows.isEmpty else { return }
        let reader = try CaptureReader(paths: [path], options: .init(reorderWindow: 0))
        let decoder = Decoder()
        var packets: [DecodedPacket] = []
        while let record = try reader.next() { packets.append(decoder.decode(record.bytes, linkType: record.linkType)) }
        if reader.fileInfos.first?.customBlocks ?? 0 > 0 {
            // tshark shows custom blocks as frames of bare "data".
            rows.removeAll { $0.protocols == "data" && $0.all("eth.src", "ip.src").isEmpty }
        }
        var disagreements: [String] = []
        for (index, (packet, row)) in zip(packets, rows).enumerated() {
            if row.protocols.contains("_ws.malformed") { continue }
            let problems = Self.compare(packet, with: row)
            if !problems.isEmpty && disagreements.count < 5 {
                disagreements.append("frame \(index + 1): " + problems.joined(separator: "; ") + " | tshark \(row.protocols) | hairpin \(packet.layers)")
            }
        }
        #expect(disagreements.isEmpty, Comment(rawValue: "\(entry.file):\n" + disagreements.joined(separator: "\n")))
    }

    static func compare(_ packet: DecodedPacket, with row: TsharkFields.Row) -> [String] {
        var problems: [String] = []
        let unsupported = packet.stop?.kind == .unsupported
        let fragment = packet.fragmentOffset != 0 || packet.moreFragments
        let tunnel = packet.tunnel != nil
        // Did tshark decode the tunnel we entered? If not, our outer addresses are what it shows.
        let tsharkSkippedTunnel: Bool = {
            guard let kind = packet.tunnel?.kind else { return false }
            let name: String = switch kind {
            case .vxlan, .vxlanGPE: "vxlan"
            case .geneve: "geneve"
            case .gre: "gre"
            case .erspanI, .erspanII, .erspanIII: "gre"
            case .ipInIP: "ip"
            case .pbb: "ieee8021ah"
            case .fabricPath: "cfp"
            }
            let after = row.protocols.split(separator: ":")
            return !after.contains(Substring(name)) || (name == "ip" && after.filter { $0 == "ip" || $0 == "ipv6" }.count < 2)
        }()
        // tshark 4.0 stops at some headers that Hairpin (and tcpdump) read past, such as the
        // Arista timestamp: beyond them there is nothing of tshark's to compare.
        let tsharkStoppedEarly = packet.sourceIP != nil && !row.protocols.split(separator: ":").contains { $0 == "ip" || $0 == "ipv6" }
        if tsharkStoppedEarly { return [] }
        let allowedMissing = packet.stop != nil || fragment || tunnel || packet.icmp != nil || packet.arp != nil
        let tsharkLayers = Set(row.protocols.split(separator: ":").map(String.init))
        func check(_ name: String, _ ours: String?, _ theirs: [String], outer: String? = nil, layers: [String] = []) {
            // tshark saw the layer but not this field: it judged the header short (FCS assumed, say).
            if theirs.isEmpty && layers.contains(where: tsharkLayers.contains) { return }
            if let ours {
                if theirs.contains(ours) || unsupported { return }
                if tsharkSkippedTunnel, outer == nil || theirs.contains(outer!) { return }
                problems.append("\(name) \(ours) not in \(theirs)")
            } else if !theirs.isEmpty && !allowedMissing {
                problems.append("\(name) missing, tshark \(theirs)")
            }
        }
        let macs = row.all("eth.src", "sll.src.eth", "ieee8021ah.csrc")
        check("src_mac", packet.sourceMAC?.description, macs)
        check("dst_mac", packet.destinationMAC?.description, row.all("eth.dst", "ieee8021ah.cdst"))
        check("src_ip", packet.sourceIP?.description, row.all("ip.src", "ipv6.src"), outer: packet.tunnel?.outerSource?.description,
              layers: ["ip", "ipv6"])
        check("dst_ip", packet.destinationIP?.description, row.all("ip.dst", "ipv6.dst"), outer: packet.tunnel?.outerDestination?.description,
              layers: ["ip", "ipv6"])
        if !fragment {
            check("src_port", packet.sourcePort.map { String($0) }, row.all("tcp.srcport", "udp.srcport"))
            check("dst_port", packet.destinationPort.map { String($0) }, row.all("tcp.dstport", "udp.dstport"))
        }
        let tsharkVLANs = Set(row.all("vlan.id", "ieee8021ad.id"))
        for tag in packet.vlans.all where !tsharkVLANs.contains(String(tag.id)) && !unsupported && !tsharkSkippedTunnel {
            problems.append("vlan \(tag.id) not in \(tsharkVLANs.sorted())")
        }
        if let proto = packet.ipProtocol, !tunnel, packet.icmp == nil {
            let theirs = row.all("ip.proto", "ipv6.nxt", "ipv6.hopopts.nxt", "ipv6.dstopts.nxt", "ipv6.routing.nxt", "ipv6.fraghdr.nxt")
            if !theirs.isEmpty && !theirs.contains(String(proto)) { problems.append("ip_proto \(proto) not in \(theirs)") }
        }
        return problems
    }
}
