import Foundation
import Testing
@testable import HairpinSynth
import HairpinTestSupport

enum TsharkRun {
    static func run(_ arguments: [String]) throws -> String { try Tshark.run(arguments).output }

    /// Distinct rows of the given fields for frames matching `filter`.
    static func fields(_ file: String, filter: String, _ names: [String]) throws -> Set<String> {
        let text = try run(["-n", "-r", file, "-Y", filter, "-T", "fields"] + names.flatMap { ["-e", $0] })
        return Set(text.split(separator: "\n").map(String.init))
    }
}

/// Every generated capture opens in tshark without warnings, and tshark reads the FHRP, ERSPAN
/// and RARP fields as the scenario set them. TCP sequence analysis is off: a frame seen on
/// several capture points of one file is the same segment several times, which tshark's
/// per-connection analysis (blind to interfaces) would call a retransmission.
@Suite(.enabled(if: Tshark.path != nil, "tshark is not installed (make test installs it): skipped"))
struct TsharkViewTests {
    @Test(arguments: BuiltinScenarios.all.map(\.name), [0.1, 10])
    func opensWithoutWarnings(_ name: String, scale: Double) throws {
        let generated = try Generated(name, scale: scale)
        defer { generated.remove() }
        let report = try TsharkRun.run(["-r", generated.path, "-o", "tcp.analyze_sequence_numbers:FALSE", "-q", "-z", "expert,warn"])
        var warnings = report.split(separator: "\n").filter { $0.first == " " && $0.contains(where: \.isNumber) }.map(String.init)
        // GLBP's gateway answers the same virtual IP with each host's own forwarder MAC, by design.
        if name == "glbp-split" { warnings.removeAll { $0.contains("Duplicate IP address configured (10.100.0.1)") } }
        #expect(warnings.isEmpty, Comment(rawValue: warnings.joined(separator: "\n")))
        let frames = try TsharkRun.run(["-r", generated.path, "-T", "fields", "-e", "frame.number"]).split(separator: "\n").count
        #expect(frames == generated.framesWritten.reduce(0, +))
    }

    @Test func hsrpFieldsAreTheScenarios() throws {
        let generated = try Generated("vmotion-hsrp-hairpin")
        defer { generated.remove() }
        let rows = try TsharkRun.fields(generated.path, filter: "hsrp.opcode == 0", ["eth.src", "ip.src", "hsrp.state", "hsrp.group", "hsrp.priority", "hsrp.virt_ip"])
        #expect(rows == ["00:00:0c:07:ac:0a\t10.100.0.2\t16\t10\t110\t10.100.0.1", "00:1b:54:a2:00:01\t10.100.0.3\t8\t10\t100\t10.100.0.1"])
    }

    @Test func glbpFieldsAreTheScenarios() throws {
        let generated = try Generated("glbp-split")
        defer { generated.remove() }
        let rows = try TsharkRun.fields(generated.path, filter: "glbp", ["glbp.group", "glbp.ownerid", "glbp.hello.vgstate", "glbp.hello.virtualipv4",
                                                                          "glbp.reqresp.forwarder", "glbp.reqresp.virtualmac"])
        #expect(rows == ["1\t00:1b:54:a1:00:01\t32\t10.100.0.1\t1\t00:07:b4:00:01:01", "1\t00:1b:54:b1:00:01\t16\t10.100.0.1\t2\t00:07:b4:00:01:02"])
    }

    @Test func vrrpFieldsAndChecksumsAreRight() throws {
        let generated = try Generated("vrrp-qemu")
        defer { generated.remove() }
        let rows = try TsharkRun.fields(generated.path, filter: "vrrp", ["eth.src", "ip.src", "ip.ttl", "vrrp.version", "vrrp.virt_rtr_id",
                                                                          "vrrp.prio", "vrrp.ip_addr", "vrrp.checksum.status"])
        #expect(rows == ["00:00:5e:00:01:14\t10.100.0.2\t255\t3\t20\t200\t10.100.0.1\t1"])
    }

    @Test func vxlanFieldsAreTheScenarios() throws {
        let generated = try Generated("vxlan-overlay")
        defer { generated.remove() }
        // The opening SYN of each overlay transfer: the underlay's tag, end points and port, the
        // VNI, the tenants' MACs and addresses.
        let syns = try TsharkRun.fields(generated.path, filter: "vxlan && tcp.flags.syn == 1 && tcp.flags.ack == 0",
                                        ["frame.interface_name", "vlan.id", "ip.src", "ip.dst", "udp.dstport", "vxlan.vni", "eth.src", "tcp.dstport"])
        #expect(syns == ["dci\t200\t10.200.0.12,172.16.0.1\t10.200.0.22,172.16.0.2\t4789\t5001\t00:50:56:6a:00:02,00:50:56:f0:00:01\t443",
                         "esx-a1-uplink\t200\t10.200.0.12,172.16.1.1\t10.200.0.11,172.16.1.2\t4789\t5001\t00:50:56:6a:00:02,00:50:56:f0:01:01\t5201"])
        // The UDP checksum is left out, as tunnel end points send it over IPv4.
        #expect(try TsharkRun.fields(generated.path, filter: "vxlan", ["udp.checksum"]) == ["0x0000"])
    }

    /// The overlay scenario with its transfer within dc-a in Geneve instead (`encapsulation:`).
    static let geneveOverlay = BuiltinScenarios.yaml(named: "vxlan-overlay")!
        .replacingOccurrences(of: "mtu: 1450, vni: 5001}", with: "mtu: 1450, vni: 5001, encapsulation: geneve}")

    @Test func geneveFieldsAreTheScenarios() throws {
        #expect(Self.geneveOverlay.contains("encapsulation: geneve"))
        let generated = try Generated("geneve-overlay", yaml: Self.geneveOverlay)
        defer { generated.remove() }
        let syns = try TsharkRun.fields(generated.path, filter: "geneve && tcp.flags.syn == 1 && tcp.flags.ack == 0",
                                        ["frame.interface_name", "vlan.id", "ip.src", "udp.dstport", "geneve.vni", "geneve.proto_type",
                                         "geneve.option.class", "geneve.flags.critical", "eth.src", "tcp.dstport"])
        #expect(syns == ["esx-a1-uplink\t200\t10.200.0.12,172.16.1.1\t6081\t0x001389\t0x6558\t0x0104\t0\t00:50:56:6a:00:02,00:50:56:f0:01:01\t5201"])
        // The transfer across the DCI stays in VXLAN.
        #expect(try TsharkRun.fields(generated.path, filter: "vxlan && tcp.flags.syn == 1 && tcp.flags.ack == 0", ["tcp.dstport"]) == ["443"])
        let report = try TsharkRun.run(["-r", generated.path, "-o", "tcp.analyze_sequence_numbers:FALSE", "-q", "-z", "expert,warn"])
        let warnings = report.split(separator: "\n").filter { $0.first == " " && $0.contains(where: \.isNumber) }
        #expect(warnings.isEmpty, Comment(rawValue: warnings.joined(separator: "\n")))
    }

    @Test func rarpAndErspanFieldsAreTheScenarios() throws {
        let generated = try Generated("erspan-mirror")
        defer { generated.remove() }
        let rarps = try TsharkRun.fields(generated.path, filter: "arp.opcode == 3", ["erspan.spanid", "vlan.id", "arp.src.hw_mac", "arp.dst.hw_mac", "arp.src.proto_ipv4"])
        // Flooded from esx-b1 (capture point 2, session 2) to every port, the DCI included.
        #expect(rarps.contains("2\t100\t00:50:56:aa:bb:01\t00:50:56:aa:bb:01\t0.0.0.0"))
        #expect(rarps.contains("5\t100\t00:50:56:aa:bb:01\t00:50:56:aa:bb:01\t0.0.0.0"))
    }
}
