import Foundation
import Testing
@testable import HairpinCapture
import HairpinTestSupport
import HairpinWire

/// HSRP, GLBP and VRRP fields decoded from every FHRP capture (and the HSRP inside an ERSPAN
/// capture) agree with tshark's, frame by frame and field by field.
@Suite(.enabled(if: SharedCaptures.available && Tshark.path != nil, "needs ../shared/captures/real and tshark: skipped"))
struct FHRPAgreementTests {
    static let files: [String] = {
        let folder = SharedCaptures.root.appendingPathComponent("fhrp")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasSuffix(".txt") }.sorted()
        return names.map { "fhrp/\($0)" } + ["encap/erspan-type-ii-2.pcap"]
    }()

    static let fields = [
        "frame.protocols", "hsrp.opcode", "hsrp.state", "hsrp.hellotime", "hsrp.holdtime", "hsrp.priority", "hsrp.group", "hsrp.virt_ip",
        "hsrp.adv.activegrp", "hsrp.adv.passivegrp",
        "hsrp2.opcode", "hsrp2.state", "hsrp2.group", "hsrp2.identifier", "hsrp2.priority", "hsrp2.hellotime", "hsrp2.holdtime",
        "hsrp2.virt_ip", "hsrp2.virt_ip_v6", "hsrp2.active_groups", "hsrp2.passive_groups",
        "glbp.group", "glbp.ownerid", "glbp.hello.vgstate", "glbp.hello.priority", "glbp.hello.helloint", "glbp.hello.holdint",
        "glbp.hello.virtualipv4", "glbp.reqresp.forwarder", "glbp.reqresp.vfstate", "glbp.reqresp.virtualmac",
        "vrrp.version", "vrrp.virt_rtr_id", "vrrp.prio", "vrrp.addr_count", "vrrp.adver_int", "vrrp.short_adver_int",
        "vrrp.ip_addr", "vrrp.ipv6_addr",
    ]

    @Test(arguments: files)
    func fhrpFieldsAgreeWithTshark(_ file: String) throws {
        let path = SharedCaptures.root.appendingPathComponent(file).path
        guard let rows = try Tshark.fieldRows(path, Self.fields) else { return }
        let reader = try CaptureReader(paths: [path], options: .init(reorderWindow: 0))
        let decoder = Decoder()
        var index = 0
        var compared = 0
        var problems: [String] = []
        while let record = try reader.next() {
            defer { index += 1 }
            guard index < rows.count else { break }
            let row = rows[index]
            let protocols = row["frame.protocols"] ?? ""
            let packet = decoder.decode(record.bytes, linkType: record.linkType)
            let names = protocols.split(separator: ":")
            let tsharkHas = names.contains("hsrp") || names.contains("glbp") || names.contains("vrrp")
            if protocols.contains("_ws.malformed") || !tsharkHas { continue }
            guard let fhrp = packet.fhrp else {
                if packet.stop == nil { problems.append("frame \(index + 1): tshark decodes \(protocols), Hairpin nothing") }
                continue
            }
            compared += 1
            var expected: [(String, String, String)] = []   // (name, ours, tshark)
            func check(_ name: String, _ ours: String, _ field: String) { expected.append((name, ours, row[field] ?? "")) }
            switch fhrp.kind {
            case .hsrp1:
                check("opcode", "\(fhrp.opcode)", "hsrp.opcode")
                if fhrp.opcode == 3 {
                    check("active groups", fhrp.activeGroups.map(String.init) ?? "", "hsrp.adv.activegrp")
                    check("passive groups", fhrp.passiveGroups.map(String.init) ?? "", "hsrp.adv.passivegrp")
                } else {
                    check("state", "\(fhrp.rawState)", "hsrp.state")
                    check("hello", "\((fhrp.helloMilliseconds ?? 0) / 1000)", "hsrp.hellotime")
                    check("hold", "\((fhrp.holdMilliseconds ?? 0) / 1000)", "hsrp.holdtime")
                    check("priority", "\(fhrp.priority)", "hsrp.priority")
                    check("group", "\(fhrp.group)", "hsrp.group")
                    check("vip", fhrp.virtualIP?.description ?? "", "hsrp.virt_ip")
                }
            case .hsrp2, .hsrp6:
                if fhrp.identifier != nil {
                    check("opcode", "\(fhrp.opcode)", "hsrp2.opcode")
                    check("state", "\(fhrp.rawState)", "hsrp2.state")
                    check("group", "\(fhrp.group)", "hsrp2.group")
                    check("identifier", fhrp.identifier?.description ?? "", "hsrp2.identifier")
                    check("priority", "\(fhrp.priority)", "hsrp2.priority")
                    check("hello", fhrp.helloMilliseconds.map(String.init) ?? "", "hsrp2.hellotime")
                    check("hold", fhrp.holdMilliseconds.map(String.init) ?? "", "hsrp2.holdtime")
                    check("vip", fhrp.virtualIP?.description ?? "", fhrp.kind == .hsrp6 ? "hsrp2.virt_ip_v6" : "hsrp2.virt_ip")
                }
                if let active = fhrp.activeGroups {
                    check("active groups", "\(active)", "hsrp2.active_groups")
                    check("passive groups", fhrp.passiveGroups.map(String.init) ?? "", "hsrp2.passive_groups")
                }
            case .glbp:
                check("group", "\(fhrp.group)", "glbp.group")
                check("owner", fhrp.identifier?.description ?? "", "glbp.ownerid")
                if !(row["glbp.hello.vgstate"] ?? "").isEmpty {
                    check("vg state", "\(fhrp.rawState)", "glbp.hello.vgstate")
                    check("priority", "\(fhrp.priority)", "glbp.hello.priority")
                    check("hello", fhrp.helloMilliseconds.map(String.init) ?? "", "glbp.hello.helloint")
                    check("hold", fhrp.holdMilliseconds.map(String.init) ?? "", "glbp.hello.holdint")
                    check("vip", fhrp.virtualIP?.description ?? "", "glbp.hello.virtualipv4")
                }
                check("forwarders", fhrp.forwarders.map { "\($0.number)" }.joined(separator: ","), "glbp.reqresp.forwarder")
                check("vmacs", fhrp.forwarders.map(\.virtualMAC.description).joined(separator: ","), "glbp.reqresp.virtualmac")
            case .vrrp2, .vrrp3:
                check("version", fhrp.kind == .vrrp2 ? "2" : "3", "vrrp.version")
                check("vrid", "\(fhrp.group)", "vrrp.virt_rtr_id")
                check("priority", "\(fhrp.priority)", "vrrp.prio")
                check("count", "\(fhrp.addressCount)", "vrrp.addr_count")
                if fhrp.kind == .vrrp2 {
                    check("interval", "\((fhrp.helloMilliseconds ?? 0) / 1000)", "vrrp.adver_int")
                } else {
                    check("interval", "\((fhrp.helloMilliseconds ?? 0) / 10)", "vrrp.short_adver_int")
                }
                let v6: Bool = if case .v6 = packet.sourceIP { true } else { false }
                check("addresses", fhrp.virtualIPs.map(\.description).joined(separator: ","), v6 ? "vrrp.ipv6_addr" : "vrrp.ip_addr")
            case .carp:
                continue
            }
            for (name, ours, theirs) in expected where ours != theirs && problems.count < 8 {
                problems.append("frame \(index + 1) \(fhrp.kind.name) \(name): Hairpin \(ours), tshark \(theirs)")
            }
        }
        #expect(problems.isEmpty, Comment(rawValue: "\(file):\n" + problems.joined(separator: "\n")))
        if file.hasPrefix("fhrp/") && !file.contains("carp") { #expect(compared > 0, "\(file): nothing compared") }
    }
}

/// Fuzzed and cut VRRP frames decode without reading past the captured bytes: the addresses
/// kept never exceed what the frame holds, and a claim beyond it is a truncation.
@Suite(.enabled(if: SharedCaptures.available, "../shared/captures/real is absent: skipped"))
struct MalformedVRRPTests {
    @Test(arguments: ["corrupt/vrrp-vrrp_print-oobr.pcap", "corrupt/vrrp-vrrp_print-oobr-2.pcap", "corrupt/VRRP_Malformed_DoS.cap"])
    func shortAddressListsAreNotOverRead(_ file: String) throws {
        let reader = try CaptureReader(paths: [SharedCaptures.root.appendingPathComponent(file).path])
        let decoder = Decoder()
        var seen = 0
        while let record = try reader.next() {
            let packet = decoder.decode(record.bytes, linkType: record.linkType)
            guard let fhrp = packet.fhrp, let transport = packet.networkOffset.map({ $0 + 20 }) else { continue }
            seen += 1
            let width = { if case .v6 = packet.sourceIP { return 16 } else { return 4 } }()
            #expect(8 + fhrp.addressesPresent * width <= record.bytes.count - transport)
            if fhrp.addressesPresent < fhrp.addressCount { #expect(packet.stop?.kind == .truncated) }
        }
        _ = seen
    }
}
