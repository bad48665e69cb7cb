import Foundation
import Testing
import HairpinAnalysis
import HairpinCapture
import HairpinReport
import HairpinWire
@testable import HairpinSynth

/// Generates a built-in scenario, or the scenario `yaml` under that name, into a temporary file.
struct Generated {
    let directory: URL
    let path: String
    let truth: JSONValue
    let framesWritten: [Int]
    let scenario: Scenario

    init(_ name: String, yaml: String? = nil, scale: Double = 0.1, snaplen: Int? = nil, format: String = "pcapng",
         interfaceTurn: Int64? = nil, in folder: URL? = nil) throws {
        directory = folder ?? FileManager.default.temporaryDirectory.appendingPathComponent("hairpin-synth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("\(name).\(format)").path
        scenario = try Scenario.parse(yaml: try #require(yaml ?? BuiltinScenarios.yaml(named: name)))
        let synthesizer = try Synthesizer(scenario: scenario, options: .init(scale: scale, snaplen: snaplen, interfaceTurn: interfaceTurn))
        let result = format == "pcap"
            ? try synthesizer.run(into: .pcap(try PcapWriter(path: path, snaplen: snaplen ?? 262_144)))
            : try synthesizer.run(into: .pcapng(try PcapngWriter(path: path)))
        truth = try synthesizer.truthDocument(result)
        framesWritten = synthesizer.framesWritten
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// The truth as Foundation objects, for convenient lookups.
    var truthObject: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(truth.serialized().utf8))) as? [String: Any] ?? [:]
    }
}

struct ReadBack {
    struct Frame {
        var interface: Int
        var time: Int64
        var length: Int
        var packet: DecodedPacket
    }

    var frames: [Frame] = []
    var interfaces: [CaptureInterface] = []
    var anomalies: [Anomaly] = []

    init(_ path: String) throws {
        let reader = try CaptureReader(paths: [path], options: .init(reorderWindow: 0))
        let decoder = Decoder()
        while let record = try reader.next() {
            frames.append(Frame(interface: record.interface, time: record.timestamp, length: record.originalLength,
                                packet: decoder.decode(record.bytes, linkType: record.linkType)))
        }
        interfaces = reader.interfaces.all
        anomalies = reader.anomalies
    }
}

@Suite struct ScenarioTests {
    static let names = BuiltinScenarios.all.map(\.name)

    @Test func builtinsParse() throws {
        #expect(Self.names.count == 11)
        for name in Self.names {
            let scenario = try Scenario.parse(yaml: BuiltinScenarios.yaml(named: name)!)
            #expect(scenario.name == name)
        }
    }

    /// Numbers the synthesizer cannot turn into times, counts or frame fields are refused by
    /// name: a rate of 0 and NaN trapped in its integer conversions.
    @Test func numbersOutOfRangeAreRefusedByName() throws {
        let yaml = try #require(BuiltinScenarios.yaml(named: "vmotion-hsrp-hairpin"))
        for (from, to, key) in [("requests_per_s: 25", "requests_per_s: 0", "requests_per_s"),
                                ("rate_gbps: 9", "rate_gbps: .nan", "rate_gbps"),
                                ("mtu: 9000", "mtu: 20", "mtu"),
                                ("precopy_passes: 3", "precopy_passes: -1", "precopy_passes")] {
            let changed = yaml.replacingOccurrences(of: from, with: to)
            #expect(changed != yaml, "\(from) is in the scenario")
            #expect { try Scenario.parse(yaml: changed) } throws: { "\($0)".contains(key) }
        }
        #expect(try Scenario.parse(yaml: yaml).name == "vmotion-hsrp-hairpin")
        // A VNI is 24 bits.
        let overlay = try #require(BuiltinScenarios.yaml(named: "vxlan-overlay"))
        #expect(overlay.contains("vni: 5001"))
        #expect { try Scenario.parse(yaml: overlay.replacingOccurrences(of: "vni: 5001", with: "vni: 16777216")) } throws: { "\($0)".contains("vni") }
        #expect(try Scenario.parse(yaml: overlay.replacingOccurrences(of: "vni: 5001", with: "vni: 16777215")).background.first?.vni == 0xFF_FFFF)
    }

    @Test func yamlErrorsSayWhere() {
        do {
            _ = try Scenario.parse(yaml: "name: x\nduration_s: [oops\n")
            Issue.record("bad YAML was accepted")
        } catch {
            #expect("\(error)".contains("line"))
        }
    }

    @Test(arguments: names)
    func readsBackExactlyWhatWasWritten(_ name: String) throws {
        let generated = try Generated(name)
        defer { generated.remove() }
        let read = try ReadBack(generated.path)
        #expect(read.anomalies.isEmpty)
        if generated.scenario.captureMode == .erspan {
            #expect(read.interfaces.map(\.name) == ["erspan-collector"])
            #expect(read.frames.count == generated.framesWritten.reduce(0, +))
            // Every mirrored frame is in ERSPAN II, session = capture point + 1.
            let sessions = Set(read.frames.compactMap { $0.packet.erspan?.sessionID })
            let busy = generated.framesWritten.indices.filter { generated.framesWritten[$0] > 0 }
            #expect(sessions == Set(busy.map { UInt16($0 + 1) }))
            #expect(busy.count >= 5)
            #expect(read.frames.allSatisfy { $0.packet.tunnel?.kind == .erspanII })
        } else {
            #expect(read.interfaces.map(\.name) == generated.scenario.capturePoints.map(\.name))
            let perInterface = Dictionary(grouping: read.frames, by: \.interface).mapValues(\.count)
            #expect(generated.framesWritten.enumerated().allSatisfy { perInterface[$0.offset, default: 0] == $0.element })
        }
        // Written in time order and within the scenario's span.
        #expect(zip(read.frames, read.frames.dropFirst()).allSatisfy { $0.time <= $1.time })
        let start = Int64(generated.scenario.start * 1e9)
        #expect(read.frames.first.map { $0.time >= start } ?? false)
        #expect(read.frames.allSatisfy { $0.packet.stop == nil || $0.packet.stop?.kind == .truncated })
    }

    /// Written as dumpcap writes several interfaces (each one's frames in turns of 2 ms), every
    /// scenario with more than one capture interface steps back in time at most turns, and the
    /// reorder window gives the analysis the frames in the order of the file written in time
    /// order: the same report, on one thread and on two.
    @Test(arguments: names)
    func interfaceTurnsGiveTheReportOfTimeOrder(_ name: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hairpin-turns-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        func report(_ generated: Generated, threads: Int) throws -> Report {
            let run = try ParallelAnalysis.run(paths: [generated.path], reading: .init(), filter: nil, options: Analysis.Options(), threads: threads)
            return run.analysis.report(interfaces: run.reader.interfaces.all, anomalies: run.reader.anomalies)
        }
        let inOrder = try Generated(name, scale: 0.5, in: folder)
        let expected = try report(inOrder, threads: 1)
        // The same path, so that the reports name the same file.
        let turns = try Generated(name, scale: 0.5, interfaceTurn: 2_000_000, in: folder)
        let frames = try ReadBack(turns.path).frames
        let stepsBack = zip(frames, frames.dropFirst()).filter { $1.time < $0.time }.count
        guard Set(frames.map(\.interface)).count > 1 else {
            #expect(stepsBack == 0, "\(name): one interface, written in time order")
            return
        }
        #expect(stepsBack > 10, "\(name): \(stepsBack) steps back in time")
        #expect(turns.framesWritten == inOrder.framesWritten)
        for threads in [1, 2] {
            #expect(try report(turns, threads: threads) == expected, "\(name), \(threads) threads")
        }
    }

    @Test func sameArgumentsSameBytes() throws {
        let first = try Generated("glbp-split")
        let second = try Generated("glbp-split")
        defer { first.remove(); second.remove() }
        let a = try Data(contentsOf: URL(fileURLWithPath: first.path))
        let b = try Data(contentsOf: URL(fileURLWithPath: second.path))
        #expect(a == b)
        #expect(first.truth.serialized() == second.truth.serialized())
    }

    @Test func truthMatchesTheFramesOfAHairpin() throws {
        let generated = try Generated("vmotion-hsrp-hairpin", scale: 1)
        defer { generated.remove() }
        let read = try ReadBack(generated.path)
        let truth = generated.truthObject
        let migration = try #require((truth["migrations"] as? [[String: Any]])?.first)
        let announcement = try #require((truth["announcements"] as? [[String: Any]])?.first)
        let path = try #require((truth["paths"] as? [[String: Any]])?.first)
        let vm = MACAddress("00:50:56:aa:bb:01")!
        let destinationUplink = try #require(announcement["interface"] as? Int)
        // RARPs: as many as the truth says, on the destination's uplink, the first at switch-over.
        let rarps = read.frames.filter { $0.interface == destinationUplink && $0.packet.arp?.isRARPEtherType == true && $0.packet.arp?.targetMAC == vm }
        #expect(rarps.count == announcement["frames"] as? Int)
        #expect(rarps.first?.time == migration["switchover_ns"] as? Int64 ?? Int64(migration["switchover_ns"] as? Int ?? 0))
        // Migration bytes: the bulk frames on the source host's uplink.
        let sourceUplink = 0
        let bulk = read.frames.filter { $0.interface == sourceUplink && $0.packet.destinationPort == 8000 && $0.length > 200 }
        #expect(bulk.map(\.length).reduce(0, +) == migration["bytes"] as? Int)
        // Outbound hairpin: frames from the VM to the HSRP virtual MAC on the DCI after the move.
        let dci = try #require(generated.scenario.capturePoints.firstIndex { $0.link == "dci" })
        let switchover = Int64(migration["switchover_ns"] as? Int ?? 0)
        let hairpinned = read.frames.filter {
            $0.interface == dci && $0.time > switchover && $0.packet.sourceMAC == vm && $0.packet.destinationMAC == VirtualMAC.hsrpV1(group: 10)
        }
        let outbound = try #require(path["outbound"] as? [String: Any])
        #expect(outbound["verdict"] as? String == "hairpin")
        #expect(!hairpinned.isEmpty)
        #expect(hairpinned.map(\.length).reduce(0, +) == outbound["bytes"] as? Int)
        // Return: routed by ra1 (its real MAC), also across the DCI.
        let ra1 = MACAddress("00:1b:54:a1:00:01")!
        let returned = read.frames.filter { $0.interface == dci && $0.time > switchover && $0.packet.sourceMAC == ra1 && $0.packet.destinationMAC == vm }
        #expect(returned.map(\.length).reduce(0, +) == (path["return"] as? [String: Any])?["bytes"] as? Int)
        #expect(path["asymmetric"] as? Bool == false)
    }

    @Test func isolationKeepsHellosOffTheDCIAndTheVMLocal() throws {
        let generated = try Generated("fhrp-isolation", scale: 1)
        defer { generated.remove() }
        let read = try ReadBack(generated.path)
        let dci = try #require(generated.scenario.capturePoints.firstIndex { $0.link == "dci" })
        let hellos = read.frames.filter { $0.packet.destinationPort == 1985 }
        #expect(!hellos.isEmpty)
        #expect(hellos.allSatisfy { $0.interface != dci })
        let vm = MACAddress("00:50:56:aa:bb:01")!
        let switchover = read.frames.first { $0.packet.arp?.isRARPEtherType == true }?.time ?? 0
        #expect(!read.frames.contains { $0.interface == dci && $0.time > switchover && $0.packet.sourceMAC == vm && $0.packet.destinationIP != nil })
        let path = try #require((generated.truthObject["paths"] as? [[String: Any]])?.first)
        #expect((path["outbound"] as? [String: Any])?["verdict"] as? String == "local")
        #expect((path["return"] as? [String: Any])?["verdict"] as? String == "hairpin")
        #expect(path["asymmetric"] as? Bool == true)
    }

    @Test func qemuAnnouncesFiveTimesOnItsSchedule() throws {
        let generated = try Generated("vrrp-qemu", scale: 1)
        defer { generated.remove() }
        let read = try ReadBack(generated.path)
        let uplink = 1
        let rarps = read.frames.filter { $0.interface == uplink && $0.packet.arp?.isRARPEtherType == true }
        #expect(rarps.count == 5)
        let offsets = rarps.map { ($0.time - rarps[0].time) / 1_000_000 }
        #expect(offsets == [0, 50, 200, 450, 800])
        #expect(read.frames.contains { $0.packet.payloadOffset != nil && $0.packet.destinationPort == 49152 })
        #expect(read.frames.filter { $0.interface == uplink && $0.packet.neighborDiscovery?.message == .neighborAdvertisement }.count == 5)
    }

    @Test func scaleTenGrowsTheMigration() throws {
        let small = try Generated("multi-nic-vmotion", scale: 0.1)
        let large = try Generated("multi-nic-vmotion", scale: 10)
        defer { small.remove(); large.remove() }
        let smallBytes = ((small.truthObject["migrations"] as? [[String: Any]])?.first?["bytes"] as? Int) ?? 0
        let largeBytes = ((large.truthObject["migrations"] as? [[String: Any]])?.first?["bytes"] as? Int) ?? 0
        #expect(largeBytes > 90 * smallBytes)
        let read = try ReadBack(large.path)
        #expect(read.frames.count == large.framesWritten.reduce(0, +))
        #expect(read.anomalies.isEmpty)
    }

    @Test func pcapOutputHoldsEveryCopy() throws {
        let generated = try Generated("steady-state", format: "pcap")
        defer { generated.remove() }
        let read = try ReadBack(generated.path)
        #expect(read.frames.count == generated.framesWritten.reduce(0, +))
        #expect(read.interfaces.count == 1)
    }
}

/// The captures shipped in Captures/ are exactly what their YAML generates.
@Suite struct ShippedCaptureTests {
    static let captures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Captures")

    @Test(arguments: BuiltinScenarios.all.map(\.name))
    func shippedCaptureIsWhatItsYAMLGenerates(_ name: String) throws {
        let yamlURL = Self.captures.appendingPathComponent("\(name).yaml")
        let yaml = try String(contentsOf: yamlURL, encoding: .utf8)
        #expect(yaml == BuiltinScenarios.yaml(named: name)! + "\n")
        let scenario = try Scenario.parse(yaml: yaml)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hairpin-shipped-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("\(name).pcapng").path
        let synthesizer = try Synthesizer(scenario: scenario)
        let truth = try synthesizer.run(into: .pcapng(try PcapngWriter(path: path)))
        let generated = try Data(contentsOf: URL(fileURLWithPath: path))
        let shipped = try Data(contentsOf: Self.captures.appendingPathComponent("\(name).pcapng"))
        #expect(generated == shipped)
        let shippedTruth = try String(contentsOf: Self.captures.appendingPathComponent("\(name).truth.json"), encoding: .utf8)
        #expect(try synthesizer.truthDocument(truth).serialized(pretty: true) + "\n" == shippedTruth)
        let shippedTopology = try String(contentsOf: Self.captures.appendingPathComponent("\(name).topology.yaml"), encoding: .utf8)
        #expect(synthesizer.topologyDocument(format: "pcapng") == shippedTopology)
    }
}
