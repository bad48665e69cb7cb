import Foundation
import HairpinTestSupport
import Testing

/// The path verdicts of `hairpin analyze` against each scenario's truth, with the topology file
/// `hairpin synth --topology` writes and without one: verdicts, forwarders and DCI bytes are the
/// truth's wherever the captures prove them; the confidence says which way they were reached.
@Suite struct PathVerdictTests {
    static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func paths(_ report: [String: Any]) -> [[String: Any]] { report["paths"] as? [[String: Any]] ?? [] }

    /// Each truth path against the report's path of the same VM. Without a topology a verdict
    /// the truth calls proven is reached as `strong` (the DCI is recognised from the migration's
    /// path), and one the truth only infers stays unknown.
    static func compare(report: [String: Any], truth: [String: Any], withTopology: Bool, name: String) throws {
        let found = paths(report), expected = paths(truth)
        #expect(found.count == expected.count, "\(name): \(found.count) paths, expected \(expected.count)")
        for want in expected {
            let vm = want["vm_mac"] as? String ?? ""
            let path = try #require(found.first { $0["vm_mac"] as? String == vm }, "\(name): no path for \(vm)")
            let gateway = path["gateway"] as? [String: Any], wantGateway = want["gateway"] as? [String: Any]
            for key in ["protocol", "virtual_mac"] { #expect(gateway?[key] as? String == wantGateway?[key] as? String, "\(name) \(vm) gateway \(key)") }
            #expect(gateway?["group"] as? Int == wantGateway?["group"] as? Int, "\(name) \(vm) group")
            #expect(path["move"] as? Int == want["move"] as? Int, "\(name) \(vm) move")

            let outbound = try #require(path["outbound"] as? [String: Any]), wantOutbound = try #require(want["outbound"] as? [String: Any])
            let ret = try #require(path["return"] as? [String: Any]), wantReturn = try #require(want["return"] as? [String: Any])
            let proven = wantOutbound["confidence"] as? String == "proven"
            #expect(outbound["forwarder_mac"] as? String == wantOutbound["forwarder_mac"] as? String, "\(name) \(vm) outbound forwarder")
            #expect(ret["forwarder_macs"] as? [String] == wantReturn["forwarder_macs"] as? [String], "\(name) \(vm) return forwarders")
            if withTopology || proven {
                #expect(outbound["verdict"] as? String == wantOutbound["verdict"] as? String, "\(name) \(vm) outbound verdict")
                #expect(ret["verdict"] as? String == wantReturn["verdict"] as? String, "\(name) \(vm) return verdict")
                #expect(path["asymmetric"] as? Bool == want["asymmetric"] as? Bool, "\(name) \(vm) asymmetric")
            } else {
                #expect(outbound["verdict"] as? String == "unknown", "\(name) \(vm): nothing in the captures proves the outbound verdict")
                #expect(ret["verdict"] as? String == "unknown", "\(name) \(vm): nothing in the captures proves the return verdict")
            }
            #expect(outbound["bytes"] as? Int == wantOutbound["bytes"] as? Int, "\(name) \(vm) outbound DCI bytes")
            #expect(ret["bytes"] as? Int == wantReturn["bytes"] as? Int, "\(name) \(vm) return DCI bytes")
            let confidence = outbound["confidence"] as? String
            if withTopology {
                #expect(confidence == wantOutbound["confidence"] as? String, "\(name) \(vm) confidence")
                #expect(outbound["forwarder_site"] as? String == wantOutbound["forwarder_site"] as? String, "\(name) \(vm) forwarder site")
                #expect(path["places_from"] as? String == "topology")
            } else {
                #expect(confidence == (proven ? "strong" : "unknown"), "\(name) \(vm) confidence without topology")
                #expect(path["places_from"] as? String == "captures")
                #expect((path["limitations"] as? [String] ?? []).contains { $0.hasPrefix("no topology") })
            }
            // Per flow: each of the VM's conversations with its peer, its gateway's forwarder and
            // the router of its replies, asymmetric when the path is.
            let flows = path["flows"] as? [[String: Any]] ?? []
            #expect(!flows.isEmpty && path["flow_count"] as? Int == flows.count, "\(name) \(vm) flows")
            for flow in flows {
                #expect(flow["forwarder_mac"] as? String == wantOutbound["forwarder_mac"] as? String, "\(name) \(vm) flow forwarder")
                #expect(flow["return_mac"] as? String == (wantReturn["forwarder_macs"] as? [String])?.first, "\(name) \(vm) flow return router")
                #expect(flow["asymmetric"] as? Bool == want["asymmetric"] as? Bool, "\(name) \(vm) flow asymmetric")
            }
            if wantOutbound["verdict"] as? String == "hairpin" {
                #expect(flows.reduce(0) { $0 + ($1["outbound_bytes"] as? Int ?? 0) } == wantOutbound["bytes"] as? Int,
                        "\(name) \(vm): every outbound byte crossed")
            }
            // Trombones: its packets routed back over the DCI into another segment.
            let trombone = path["trombone"] as? [String: Any], wantTrombone = want["trombone"] as? [String: Any]
            if withTopology || proven {
                #expect((trombone == nil) == (wantTrombone == nil), "\(name) \(vm) trombone")
                for key in ["frames", "bytes"] { #expect(trombone?[key] as? Int == wantTrombone?[key] as? Int, "\(name) \(vm) trombone \(key)") }
            }
            #expect(path["asymmetric_flows"] as? Int == (want["asymmetric"] as? Bool == true ? flows.count : 0))
            // Every verdict reached names the frames it rests on.
            for direction in [outbound, ret] where direction["verdict"] as? String != "unknown" && direction["confidence"] as? String != "inferred" {
                let evidence = direction["evidence"] as? [[String: Any]] ?? []
                #expect(!evidence.isEmpty, "\(name) \(vm): a verdict without evidence")
                for item in evidence {
                    #expect((item["first_frame"] as? Int ?? 0) >= 1 && (item["first_frame"] as? Int ?? 0) <= (item["last_frame"] as? Int ?? 0))
                    #expect((item["frames"] as? Int ?? 0) >= 1)
                }
            }
            // The DCI cost per second adds up to the bytes.
            for direction in [outbound, ret] {
                for use in direction["dci"] as? [[String: Any]] ?? [] {
                    #expect((use["bytes_per_second"] as? [Int] ?? []).reduce(0, +) == use["bytes"] as? Int)
                }
            }
        }
    }

    @Test(arguments: AnalyzeCommandTests.scenarios)
    func shippedCapturesGiveTheTruthsVerdicts(_ name: String) throws {
        let truth = try Self.object(try Data(contentsOf: Hairpin.packageRoot.appendingPathComponent("Captures/\(name).truth.json")))
        let plain = try Hairpin.run(["analyze", "--json", "Captures/\(name).pcapng"])
        #expect(plain.status == 0)
        try Self.compare(report: try Self.object(plain.stdoutData), truth: truth, withTopology: false, name: name)
        let placed = try Hairpin.run(["analyze", "--json", "--topology", "Captures/\(name).topology.yaml", "Captures/\(name).pcapng"])
        #expect(placed.status == 0, "\(placed.stderr)")
        try Self.compare(report: try Self.object(placed.stdoutData), truth: truth, withTopology: true, name: name)
    }

    @Test func csvHasAPathRowAndTheDCISeries() throws {
        let directory = try Hairpin.temporaryDirectory("paths-csv")
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try Hairpin.run(["analyze", "--csv", directory.path, "Captures/glbp-split.pcapng"]).status == 0)
        let rows = try String(contentsOf: directory.appendingPathComponent("paths.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 3)
        #expect(rows[1].hasPrefix("00:50:56:aa:bb:01,10.100.0.50,0,"))
        #expect(rows[1].contains(",glbp,1,00:07:b4:00:01:01,00:1b:54:a1:00:01,,hairpin,strong,39732,00:1b:54:a1:00:01,hairpin,strong,193732,false,0"))
        #expect(rows[2].contains(",local,strong,0,00:1b:54:b1:00:01,local,strong,0,false,0"))
        let series = try String(contentsOf: directory.appendingPathComponent("path_dci_series.csv"), encoding: .utf8).split(separator: "\n")
        let outbound = series.dropFirst().filter { $0.hasPrefix("00:50:56:aa:bb:01,outbound,dci,") }
        #expect(outbound.map { Int($0.split(separator: ",").last!)! }.reduce(0, +) == 39732)
    }

    @Test func aVPCPairAtTheVMsSiteIsNamed() throws {
        // multi-nic-vmotion's HSRP pair ra1/ra2, declared as the two switches of vPC domain 10.
        let directory = try Hairpin.temporaryDirectory("vpc")
        defer { try? FileManager.default.removeItem(at: directory) }
        let base = try String(contentsOf: Hairpin.packageRoot.appendingPathComponent("Captures/multi-nic-vmotion.topology.yaml"), encoding: .utf8)
        let topology = directory.appendingPathComponent("vpc.yaml")
        for (domains, expected) in [((10, 10), "vPC pair at its site"), ((10, 20), "the forwarder of")] {
            try (base + "switches:\n  - {id: ra1, site: dc-a, vpc_domain: \(domains.0)}\n  - {id: ra2, site: dc-a, vpc_domain: \(domains.1)}\n")
                .write(to: topology, atomically: true, encoding: .utf8)
            let output = try Hairpin.run(["analyze", "--json", "--topology", topology.path, "Captures/multi-nic-vmotion.pcapng"])
            #expect(output.status == 0, "\(output.stderr)")
            let outbound = try #require(Self.paths(try Self.object(output.stdoutData)).first?["outbound"] as? [String: Any])
            #expect(outbound["verdict"] as? String == "local")
            #expect((outbound["reason"] as? String ?? "").hasPrefix(expected), "\(outbound["reason"] ?? "")")
        }
    }

    @Test func theParagraphReadsAsATicket() throws {
        let output = try Hairpin.run(["analyze", "--topology", "Captures/vmotion-hsrp-asymmetric.topology.yaml",
                                      "Captures/vmotion-hsrp-asymmetric.pcapng"])
        let text = output.stdout.replacingOccurrences(of: "\n  ", with: " ")
        #expect(text.contains("VM 10.100.0.50 (00:50:56:aa:bb:01) moved esx-a1 (site dc-a) → esx-b1 (site dc-b) at 2026-01-01 10:00:02.275"))
        #expect(text.contains("by vMotion (migration 0)"))
        #expect(text.contains("Its outbound traffic still goes to HSRP group 10 active 10.100.0.2 (00:1b:54:a1:00:01, ra1) at site dc-a over the DCI: 36.38 kB"))
        #expect(text.contains("Return traffic arrives from 10.100.0.4 (00:1b:54:b1:00:01, rb1) at site dc-b (its own site) (proven"))
        #expect(text.contains("asymmetric across sites"))
        #expect(text.contains("Options: localise the first hop"))
    }
}

/// The frames a verdict names are what it says they are, as tshark reads them.
@Suite(.enabled(if: Tshark.path != nil, "tshark is not installed (make test installs it): skipped"))
struct PathEvidenceTests {
    @Test(arguments: ["vmotion-hsrp-hairpin", "vmotion-hsrp-asymmetric", "fhrp-isolation", "glbp-split"])
    func evidencePointsAtRealFrames(_ name: String) throws {
        let capture = Hairpin.packageRoot.appendingPathComponent("Captures/\(name).pcapng").path
        let report = try PathVerdictTests.object(try Hairpin.run(["analyze", "--json", "--topology", "Captures/\(name).topology.yaml",
                                                                   "Captures/\(name).pcapng"]).stdoutData)
        let rows = try #require(try Tshark.fieldRows(capture, ["frame.number", "frame.interface_name", "eth.src", "eth.dst"], occurrence: "f"))
        let tromboneRows = try #require(try Tshark.fieldRows(capture, ["frame.interface_name", "eth.src", "ip.src", "ip.ttl"], occurrence: "f"))
        var checked = 0
        for path in PathVerdictTests.paths(report) {
            let vm = path["vm_mac"] as? String ?? ""
            let gatewayMAC = (path["gateway"] as? [String: Any])?["virtual_mac"] as? String
            for (key, outbound) in [("outbound", true), ("return", false)] {
                let direction = try #require(path[key] as? [String: Any])
                let routers = Set((direction["forwarders"] as? [[String: Any]] ?? []).compactMap { $0["mac"] as? String })
                for item in direction["evidence"] as? [[String: Any]] ?? [] {
                    for frameKey in ["first_frame", "last_frame"] {
                        let frame = try #require(item[frameKey] as? Int)
                        let row = try #require(frame - 1 < rows.count ? rows[frame - 1] : nil)
                        #expect(row["frame.number"] == "\(frame)")
                        #expect(row["frame.interface_name"] == item["place"] as? String, "\(name) frame \(frame)")
                        if outbound {
                            #expect(row["eth.src"] == vm && row["eth.dst"] == gatewayMAC, "\(name) frame \(frame): \(row)")
                        } else {
                            #expect(row["eth.dst"] == vm && routers.contains(row["eth.src"] ?? ""), "\(name) frame \(frame): \(row)")
                        }
                        checked += 1
                    }
                }
            }
            // A trombone's evidence: the VM's packets sent on by the forwarder, one hop later.
            for item in (path["trombone"] as? [String: Any])?["evidence"] as? [[String: Any]] ?? [] {
                let frame = try #require(item["first_frame"] as? Int)
                let row = try #require(frame - 1 < tromboneRows.count ? tromboneRows[frame - 1] : nil)
                #expect(row["ip.src"] == (path["vm_ips"] as? [String])?.first && row["ip.ttl"] == "63" && row["eth.src"] != vm,
                        "\(name) frame \(frame): \(row)")
                #expect(row["frame.interface_name"] == item["place"] as? String)
                checked += 1
            }
        }
        #expect(checked >= 4)
    }
}
