import Foundation
import Testing
import HairpinCapture

/// `hairpin analyze` on the shipped scenario captures: the report is the one beside the
/// capture byte for byte, and it agrees with what the scenario's truth says happened.
@Suite struct AnalyzeCommandTests {
    static let scenarios = ["steady-state", "vmotion-hsrp-hairpin", "vmotion-hsrp-asymmetric", "glbp-split", "vrrp-qemu",
                            "fhrp-isolation", "multi-nic-vmotion", "hyperv-decoys", "erspan-mirror", "kvm-flip-flop", "vxlan-overlay"]

    func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test(arguments: scenarios)
    func reportIsTheGoldenOneAndAgreesWithTheTruth(_ name: String) throws {
        let output = try Hairpin.run(["analyze", "--json", "Captures/\(name).pcapng"])
        #expect(output.status == 0)
        let golden = try Data(contentsOf: Hairpin.packageRoot.appendingPathComponent("Captures/\(name).report.json"))
        #expect(output.stdoutData == golden, "regenerate with: hairpin analyze --json Captures/\(name).pcapng > Captures/\(name).report.json")
        let report = try object(output.stdoutData)
        let truth = try object(try Data(contentsOf: Hairpin.packageRoot.appendingPathComponent("Captures/\(name).truth.json")))
        try Self.compare(report: report, truth: truth, bin: 1_000_000_000)
    }

    /// Migrations: kind, hosts, streams, bytes within 1%, start and end within one bin; uplinks:
    /// bytes per capture point exactly.
    static func compare(report: [String: Any], truth: [String: Any], bin: Int) throws {
        let found = try #require(report["migrations"] as? [[String: Any]])
        let expected = try #require(truth["migrations"] as? [[String: Any]]).sorted { ($0["start_ns"] as? Int ?? 0) < ($1["start_ns"] as? Int ?? 0) }
        #expect(found.count == expected.count, "migrations found \(found.count), expected \(expected.count)")
        for (migration, truth) in zip(found, expected) {
            for key in ["kind", "source_ip", "destination_ip"] { #expect(migration[key] as? String == truth[key] as? String, "\(key)") }
            #expect(migration["streams"] as? Int == truth["streams"] as? Int)
            let bytes = Double(migration["bytes"] as? Int ?? 0), expectedBytes = Double(truth["bytes"] as? Int ?? 1)
            #expect(abs(bytes - expectedBytes) <= 0.01 * expectedBytes, "bytes \(bytes) vs \(expectedBytes)")
            for key in ["start_ns", "end_ns"] {
                #expect(abs((migration[key] as? Int ?? 0) - (truth[key] as? Int ?? 0)) <= bin, "\(key)")
            }
        }
        try compareGateways(report: report, truth: truth)
        try compareMobility(report: report, truth: truth)
        let uplinks = try #require(report["uplinks"] as? [[String: Any]])
        let erspan = uplinks.contains { $0["kind"] as? String == "erspan" }
        for (index, point) in try #require(truth["capture_points"] as? [[String: Any]]).enumerated() {
            let uplink = uplinks.first { erspan ? ($0["session"] as? Int == index + 1) : ($0["name"] as? String == point["name"] as? String) }
            #expect((uplink?["bytes"] as? Int ?? 0) == point["bytes"] as? Int, "\(point["name"] ?? "")")
        }
    }

    /// Announcements and moves: each of the truth's, at its time (within 1 ms: the truth has the
    /// emission, the capture the first copy), kind, MAC, IP, frames, place (when the truth knows
    /// one) and migration; no others that are not gateway events; the migration's VM MACs and
    /// switch-over at the first announcement.
    static func compareMobility(report: [String: Any], truth: [String: Any]) throws {
        // Mirrored over ERSPAN, capture point N is session N + 1.
        func pointOf(_ place: [String: Any]) -> Int? { (place["session"] as? Int).map { $0 - 1 } ?? place["interface"] as? Int }
        func near(_ a: Any?, _ b: Any?) -> Bool { abs((a as? Int ?? 0) - (b as? Int ?? Int.min / 2)) <= 1_000_000 }
        let announcements = (report["announcements"] as? [[String: Any]] ?? []).filter { $0["gateway"] as? Bool != true }
        let expectedAnnouncements = truth["announcements"] as? [[String: Any]] ?? []
        #expect(announcements.count == expectedAnnouncements.count, "announcements \(announcements.count), expected \(expectedAnnouncements.count)")
        for expected in expectedAnnouncements {
            let found = announcements.first { $0["kind"] as? String == expected["kind"] as? String && $0["mac"] as? String == expected["mac"] as? String
                && near($0["time_ns"], expected["time_ns"]) }
            let announcement = try #require(found, "announcement \(expected["kind"] ?? "") \(expected["mac"] ?? "") at \(expected["time_ns"] ?? "")")
            #expect(announcement["ip"] as? String == expected["ip"] as? String)
            #expect(announcement["frames"] as? Int == expected["frames"] as? Int)
            #expect(announcement["vlan"] as? Int == expected["vlan"] as? Int)
            #expect(announcement["migration"] as? Int == expected["migration"] as? Int)
            if let point = expected["interface"] as? Int { #expect(pointOf(announcement) == point) }
        }
        let moves = report["moves"] as? [[String: Any]] ?? []
        let expectedMoves = truth["moves"] as? [[String: Any]] ?? []
        #expect(moves.count == expectedMoves.count, "moves \(moves.map { $0["mac"] ?? "" }), expected \(expectedMoves.count)")
        for expected in expectedMoves {
            let move = try #require(moves.first { $0["mac"] as? String == expected["mac"] as? String }, "move of \(expected["mac"] ?? "")")
            #expect(near(move["time_ns"], expected["time_ns"]), "move time \(move["time_ns"] ?? "") vs \(expected["time_ns"] ?? "")")
            #expect(move["ips"] as? [String] == expected["ips"] as? [String])
            #expect(move["migration"] as? Int == expected["migration"] as? Int)
            #expect(move["flip_flops"] as? Int == expected["flip_flops"] as? Int)
            for side in ["from", "to"] {
                let place = expected[side] as? [String: Any] ?? [:]
                if let point = place["interface"] as? Int { #expect(pointOf(move[side] as? [String: Any] ?? [:]) == point, "\(side)") }
                #expect((move[side] as? [String: Any])?["vlan"] as? Int == place["vlan"] as? Int)
            }
        }
        let migrations = report["migrations"] as? [[String: Any]] ?? []
        for expected in truth["migrations"] as? [[String: Any]] ?? [] {
            guard let migration = migrations.first(where: { $0["id"] as? Int == expected["id"] as? Int }) else { continue }
            #expect(migration["vm_macs"] as? [String] == expected["vm_macs"] as? [String])
            #expect(near(migration["switchover_ns"], expected["switchover_ns"]), "switch-over of migration \(expected["id"] ?? "")")
        }
    }

    /// Gateways: every member that speaks (VRRP backups stay silent) with its real MAC, IP and
    /// role; the active(s); GLBP forwarders with their owners.
    static func compareGateways(report: [String: Any], truth: [String: Any]) throws {
        let found = try #require(report["gateways"] as? [[String: Any]])
        for gateway in try #require(truth["gateways"] as? [[String: Any]]) {
            let match = found.first {
                $0["protocol"] as? String == gateway["protocol"] as? String && $0["group"] as? Int == gateway["group"] as? Int
                    && $0["vlan"] as? Int == gateway["vlan"] as? Int
            }
            let group = try #require(match, "gateway \(gateway["protocol"] ?? "") \(gateway["group"] ?? "") not found")
            #expect(group["virtual_ips"] as? [String] == gateway["virtual_ips"] as? [String])
            #expect(Set(group["virtual_macs"] as? [String] ?? []) == Set(gateway["virtual_macs"] as? [String] ?? []))
            let members = group["members"] as? [[String: Any]] ?? []
            for member in gateway["members"] as? [[String: Any]] ?? [] {
                let role = member["state"] as? String ?? ""
                if role == "backup" || role == "listen" { continue }
                let seen = members.first { $0["ip"] as? String == member["ip"] as? String }
                #expect(seen?["mac"] as? String == member["mac"] as? String, "member \(member["ip"] ?? "")")
                #expect(seen?["state"] as? String == role, "member \(member["ip"] ?? "") state")
                #expect(seen?["priority"] as? Int == member["priority"] as? Int)
            }
            let actives = (group["actives"] as? [[String: Any]] ?? []).compactMap { $0["ip"] as? String }.sorted()
            let expectedActives = (gateway["actives"] as? [[String: Any]] ?? []).compactMap { $0["ip"] as? String }.sorted()
            #expect(actives == expectedActives)
            let forwarders = (group["forwarders"] as? [[String: Any]] ?? []).map { "\($0["number"] ?? "") \($0["virtual_mac"] ?? "") \($0["owner_mac"] ?? "")" }
            let expectedForwarders = (gateway["forwarders"] as? [[String: Any]] ?? []).map { "\($0["number"] ?? "") \($0["virtual_mac"] ?? "") \($0["owner_mac"] ?? "")" }
            #expect(forwarders == expectedForwarders)
            if gateway["isolation"] as? Bool == true {
                #expect((group["anomalies"] as? [String] ?? []).contains { $0.hasPrefix("isolated_actives") })
            }
        }
    }

    /// Also the path verdicts, with and without the topology (PathVerdictTests.compare).
    @Test(arguments: [0.1, 0.5, 3])
    func otherScalesAgreeWithTheirTruth(_ scale: Double) throws {
        let directory = try Hairpin.temporaryDirectory("analyze")
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in Self.scenarios {
            let capture = directory.appendingPathComponent("\(name).pcapng").path
            let truthPath = directory.appendingPathComponent("\(name).json").path
            let topology = directory.appendingPathComponent("\(name).topology.yaml").path
            #expect(try Hairpin.run(["synth", name, "-o", capture, "--truth", truthPath, "--topology", topology, "--scale", "\(scale)"]).status == 0)
            let output = try Hairpin.run(["analyze", "--json", capture])
            let truth = try object(try Data(contentsOf: URL(fileURLWithPath: truthPath)))
            let report = try object(output.stdoutData)
            try Self.compare(report: report, truth: truth, bin: 1_000_000_000)
            try PathVerdictTests.compare(report: report, truth: truth, withTopology: false, name: "\(name) x\(scale)")
            try PathVerdictTests.compare(report: try object(try Hairpin.run(["analyze", "--json", "--topology", topology, capture]).stdoutData),
                                         truth: truth, withTopology: true, name: "\(name) x\(scale)")
        }
    }

    @Test func helpAndMistakesSpeakOfTheCommandAsTheRootDoes() throws {
        // `hairpin analyze` is parsed as a command of its own; what that parse does not take goes
        // through the root command, whose help and messages name it "hairpin analyze".
        let help = try Hairpin.run(["analyze", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: hairpin analyze [<options>] <files> ..."), "\(help.stdout.prefix(300))")
        let unknown = try Hairpin.run(["analyze", "--bogus", "Captures/vrrp-qemu.pcapng"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("Error: Unknown option '--bogus'\nUsage: hairpin analyze [<options>] <files> ..."), "\(unknown.stderr)")
        // A failure of the run itself, reported as before.
        let notACapture = try Hairpin.run(["analyze", "README.md"])
        #expect(notACapture.status == 1)
        #expect(notACapture.stderr.hasPrefix("Error: README.md: offset 0: not a pcap or pcapng capture"), "\(notACapture.stderr)")
    }

    /// A transfer in a VXLAN overlay is one flow of its tenants' addresses on its VNI, counted at
    /// the DCI with the tunnel's headers: every byte the link carried for it.
    @Test func overlayTransferIsATalkerOfItsVNI() throws {
        let report = try object(try Hairpin.run(["analyze", "--json", "Captures/vxlan-overlay.pcapng"]).stdoutData)
        let uplinks = try #require(report["uplinks"] as? [[String: Any]])
        let dci = try #require(uplinks.first { $0["name"] as? String == "dci" })
        let overlay = try #require((dci["top_talkers"] as? [[String: Any]])?.first)
        #expect(overlay["endpoints"] as? String == "172.16.0.1:50000 <-> 172.16.0.2:443 tcp vni 5001")
        // The wire bytes of the DCI's frames to or from UDP 4789, read straight from the records:
        // the DCI (interface 4) carries no other UDP to that port.
        let reader = try CaptureReader(paths: [Hairpin.packageRoot.appendingPathComponent("Captures/vxlan-overlay.pcapng").path])
        var wire = 0
        try reader.forEachFrame(passing: nil) { _, record in
            // Tagged Ethernet and a 20-byte IPv4 header: the UDP destination port at 40.
            if record.interface == 4, record.bytes.count >= 42, record.bytes[40] == 0x12, record.bytes[41] == 0xB5 { wire += record.originalLength }
            return true
        }
        #expect(wire > 24 * 1_048_576)
        #expect(overlay["bytes"] as? Int == wire)
    }

    /// The overlay scenario with its transfer within dc-a in Geneve (`encapsulation: geneve`):
    /// its report agrees with its truth, the transfer a talker of its VNI on esx-a1's uplink.
    @Test func geneveOverlayAgreesWithItsTruth() throws {
        let directory = try Hairpin.temporaryDirectory("geneve")
        defer { try? FileManager.default.removeItem(at: directory) }
        let yaml = try Hairpin.run(["synth", "--print", "vxlan-overlay"]).stdout
            .replacingOccurrences(of: "mtu: 1450, vni: 5001}", with: "mtu: 1450, vni: 5001, encapsulation: geneve}")
        #expect(yaml.contains("encapsulation: geneve"))
        let scenario = directory.appendingPathComponent("geneve-overlay.yaml"), capture = directory.appendingPathComponent("geneve.pcapng")
        let truthPath = directory.appendingPathComponent("geneve.truth.json")
        try yaml.write(to: scenario, atomically: true, encoding: .utf8)
        #expect(try Hairpin.run(["synth", scenario.path, "-o", capture.path, "--truth", truthPath.path]).status == 0)
        let report = try object(try Hairpin.run(["analyze", "--json", capture.path]).stdoutData)
        try Self.compare(report: report, truth: try object(try Data(contentsOf: truthPath)), bin: 1_000_000_000)
        let uplinks = try #require(report["uplinks"] as? [[String: Any]])
        let host = try #require(uplinks.first { $0["name"] as? String == "esx-a1-uplink" })
        let talkers = (host["top_talkers"] as? [[String: Any]] ?? []).compactMap { $0["endpoints"] as? String }
        #expect(talkers.contains("172.16.1.1:50001 <-> 172.16.1.2:5201 tcp vni 5001"), "\(talkers)")
    }

    @Test func decoysAreNotMigrations() throws {
        let report = try object(try Hairpin.run(["analyze", "--json", "Captures/hyperv-decoys.pcapng"]).stdoutData)
        let migrations = try #require(report["migrations"] as? [[String: Any]])
        #expect(migrations.map { $0["kind"] as? String } == ["hyperv"])
        let flows = try #require(report["flows"] as? [String: Any])
        // The 2 KB connection to 8000 was a candidate and was turned down.
        #expect(flows["migration_candidates"] as? Int == 2)
    }

    @Test func textCSVAndOptions() throws {
        let text = try Hairpin.run(["analyze", "Captures/multi-nic-vmotion.pcapng"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("vmotion  10.200.0.11 -> 10.200.0.12        2"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hairpin-csv-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = try Hairpin.run(["analyze", "--csv", directory.path, "--bin", "100ms", "--speed", "esx-a1-vmnic0=1G",
                                   "Captures/multi-nic-vmotion.pcapng"])
        #expect(csv.status == 0)
        let uplinks = try String(contentsOf: directory.appendingPathComponent("uplinks.csv"), encoding: .utf8)
        #expect(uplinks.split(separator: "\n").count == 6)
        #expect(uplinks.contains(",100000000,"))
        let series = try String(contentsOf: directory.appendingPathComponent("uplink_series.csv"), encoding: .utf8)
        #expect(series.split(separator: "\n").count > 50)
        let migrations = try String(contentsOf: directory.appendingPathComponent("migrations.csv"), encoding: .utf8)
        #expect(migrations.contains("vmotion,10.200.0.11,10.200.0.12,2,"))
        // 1 Gbit/s on vmnic0 makes the migration's bins busy.
        let json = try object(try Hairpin.run(["analyze", "--json", "--bin", "10ms", "--speed", "esx-a1-vmnic0=1G",
                                                "Captures/multi-nic-vmotion.pcapng"]).stdoutData)
        let vmnic0 = try #require((json["uplinks"] as? [[String: Any]])?.first)
        #expect(vmnic0["speed_bps"] as? Int == 1_000_000_000)
        let windows = try #require(vmnic0["busy_windows"] as? [[String: Any]])
        #expect(!windows.isEmpty)
        #expect((windows.first?["migration_share"] as? Double ?? 0) > 0.9)
        let bad = try Hairpin.run(["analyze", "--bin", "10us", "Captures/multi-nic-vmotion.pcapng"])
        #expect(bad.status != 0)
    }

    @Test func gatewayTextNamesMembersForwardersAndCapturePoints() throws {
        let text = try Hairpin.run(["analyze", "Captures/glbp-split.pcapng"])
        #expect(text.status == 0)
        let lines = text.stdout.split(separator: "\n").map(String.init)
        let seenOn = "esx-a1-uplink,esx-b1-uplink,ra1-lan,rb1-lan,dci"
        #expect(lines.contains { $0.hasPrefix("    10.100.0.2  00:1b:54:a1:00:01") && $0.contains("active") && $0.hasSuffix(seenOn) })
        #expect(lines.contains { $0.hasPrefix("    10.100.0.4  00:1b:54:b1:00:01") && $0.contains("standby") && $0.hasSuffix(seenOn) })
        #expect(lines.contains("    forwarder 2 00:07:b4:00:01:02 owned by 10.100.0.4 (00:1b:54:b1:00:01)"))
        #expect(lines.contains { $0.hasSuffix("frame 19: 10.100.0.4 unknown -> standby") })
    }

    @Test func recordDirectionsCanSayWhereFramesCameFrom() throws {
        // The scenarios mark frames entering a monitored port inbound: read as a switch port's
        // directions they give the same move; read as a host's, the VM's own frames are skipped.
        func moves(_ direction: String) throws -> [[String: Any]] {
            let output = try Hairpin.run(["analyze", "--json", "--direction", direction, "Captures/vrrp-qemu.pcapng"])
            return try #require(try object(output.stdoutData)["moves"] as? [[String: Any]])
        }
        let plain = try moves("ignore"), port = try moves("port"), host = try moves("host")
        #expect(plain.map { $0["mac"] as? String } == ["52:54:00:aa:bb:01"])
        #expect(port.map { $0["mac"] as? String } == ["52:54:00:aa:bb:01"])
        #expect(port.first?["time_ns"] as? Int == plain.first?["time_ns"] as? Int)
        #expect(!host.contains { $0["mac"] as? String == "52:54:00:aa:bb:01" })
        #expect(try Hairpin.run(["analyze", "--direction", "sideways", "Captures/vrrp-qemu.pcapng"]).status != 0)
    }

    @Test func aTopologyNamesTheSitesOfMoves() throws {
        let directory = try Hairpin.temporaryDirectory("topology")
        defer { try? FileManager.default.removeItem(at: directory) }
        let topology = directory.appendingPathComponent("dc.yaml")
        try """
        sites: [{id: dc-a}, {id: dc-b}]
        capture_points:
          - {match: {if_name: esx-a1-uplink}, site: dc-a, role: server}
          - {match: {if_name: esx-b1-uplink}, site: dc-b, role: server}
          - {match: {if_name: dci}, site: dc-a, role: dci}
        """.write(to: topology, atomically: true, encoding: .utf8)
        for name in ["vmotion-hsrp-hairpin", "vrrp-qemu", "kvm-flip-flop"] {
            let output = try Hairpin.run(["analyze", "--json", "--topology", topology.path, "Captures/\(name).pcapng"])
            #expect(output.status == 0)
            let moves = try #require(try object(output.stdoutData)["moves"] as? [[String: Any]])
            let truth = try object(try Data(contentsOf: Hairpin.packageRoot.appendingPathComponent("Captures/\(name).truth.json")))
            let expected = try #require(truth["moves"] as? [[String: Any]])
            #expect(moves.count == expected.count)
            for (move, want) in zip(moves, expected) {
                for side in ["from", "to"] {
                    #expect((move[side] as? [String: Any])?["site"] as? String == (want[side] as? [String: Any])?["site"] as? String, "\(name) \(side)")
                }
            }
        }
        try "sites: [{id: dc-a}]\ncapture_points:\n  - {match: {if_name: dci}, site: dc-z, role: dci}\n"
            .write(to: topology, atomically: true, encoding: .utf8)
        let bad = try Hairpin.run(["analyze", "--topology", topology.path, "Captures/vrrp-qemu.pcapng"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("dc.yaml:3:35: site 'dc-z' is not declared under sites"))
    }

    @Test func portsAndThresholdsAreConfigurable() throws {
        let report = try object(try Hairpin.run(["analyze", "--json", "--migration-port", "vmotion=8001",
                                                  "Captures/vmotion-hsrp-hairpin.pcapng"]).stdoutData)
        #expect((report["migrations"] as? [Any])?.isEmpty == true)
        let strict = try object(try Hairpin.run(["analyze", "--json", "--min-migration-bytes", "1G",
                                                  "Captures/vmotion-hsrp-hairpin.pcapng"]).stdoutData)
        #expect((strict["migrations"] as? [Any])?.isEmpty == true)
    }

    /// A rate's suffix scales it by a power of ten, in either case for k; any other is an error.
    @Test(arguments: [("1500", 1500), ("2.5k", 2500), ("3K", 3000), ("4M", 4_000_000), ("5G", 5_000_000_000),
                      ("6T", 6_000_000_000_000)])
    func rateSuffixesScale(_ rate: String, _ bitsPerSecond: Int) throws {
        let output = try Hairpin.run(["analyze", "--json", "--speed", "esx-a1-vmnic0=\(rate)", "Captures/multi-nic-vmotion.pcapng"])
        #expect(output.status == 0)
        let vmnic0 = try #require((try object(output.stdoutData)["uplinks"] as? [[String: Any]])?.first)
        #expect(vmnic0["speed_bps"] as? Int == bitsPerSecond)
        let unknown = try Hairpin.run(["analyze", "--speed", "esx-a1-vmnic0=\(rate.dropLast())x", "Captures/multi-nic-vmotion.pcapng"])
        #expect(unknown.status == 64, "\(rate): status \(unknown.status)")
    }

    /// Numbers out of range are usage errors: converted to integers, they trapped (status 132).
    @Test func outOfRangeNumbersAreUsageErrors() throws {
        for arguments in [["--min-migration-bytes", "99999999999999999999"], ["--min-migration-rate", "nan"],
                          ["--speed", "dci=99999999999999999999T"], ["--speed", "dci=0"], ["--busy-threshold", "1.5"],
                          ["--busy-threshold", "nan"]] {
            let output = try Hairpin.run(["analyze"] + arguments + ["Captures/glbp-split.pcapng"])
            #expect(output.status == 64, "\(arguments): status \(output.status)")
            #expect(output.stderr.contains("Error: --"), "\(arguments): \(output.stderr)")
        }
    }
}
