import Foundation
import HairpinTestSupport
import Testing

@Suite struct DecodeCommandTests {
    let sample = "Captures/two-uplinks.pcapng"

    func jsonLines(_ output: Hairpin.Output) throws -> [[String: Any]] {
        try output.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test func jsonLinesCarryTheRequiredKeys() throws {
        let output = try Hairpin.run(["decode", "--json", "-c", "3", sample])
        #expect(output.status == 0)
        let lines = try jsonLines(output)
        #expect(lines.count == 3)
        let first = lines[0]
        for key in ["frame", "time_ns", "interface", "src_mac", "dst_mac", "vlans", "ethertype", "src_ip", "dst_ip",
                    "ip_proto", "ttl", "src_port", "dst_port", "tcp_flags", "tunnel", "arp", "anomaly"] {
            #expect(first.keys.contains(key), "missing \(key)")
        }
        #expect(first["frame"] as? Int == 1)
        #expect(first["time_ns"] as? Int == 1_764_165_600_000_000_000)
        #expect(first["src_mac"] as? String == "00:50:56:6a:00:01")
        #expect(first["src_ip"] as? String == "10.20.0.11")
        #expect(first["dst_port"] as? Int == 8000)
        #expect(first["tcp_flags"] as? String == "S")
        #expect((first["vlans"] as? [[String: Any]])?.first?["id"] as? Int == 20)
        #expect(first["tunnel"] is NSNull)
        #expect(first["anomaly"] is NSNull)
        // The SYN-ACK from uplink-b comes second once the window has put it in order.
        #expect(lines[1]["interface"] as? Int == 1)
        #expect(lines[1]["tcp_flags"] as? String == "S.")
    }

    @Test func filterSelectsWithLibpcapAndKeepsFrameNumbers() throws {
        // As with tcpdump, a tagged frame matches only once "vlan" has moved the filter past the tag.
        let output = try Hairpin.run(["decode", "--json", "--filter", "vlan and rarp", sample])
        #expect(output.status == 0)
        let lines = try jsonLines(output)
        #expect(lines.count == 3)
        #expect(lines.map { $0["frame"] as? Int } == [306, 307, 308])
        let arp = try #require(lines[0]["arp"] as? [String: Any])
        #expect(arp["opcode"] as? Int == 3)
        #expect(arp["target_mac"] as? String == "00:50:56:aa:bb:01")
        #expect(arp["rarp"] as? Bool == true)
        let vlanFilter = try Hairpin.run(["decode", "-c", "1", "--filter", "vlan 10", sample])
        #expect(vlanFilter.stdout.contains("RARP reverse-request who-is 00:50:56:aa:bb:01"))
    }

    #if os(Linux)
    /// libpcap (and the libraries it needs), zlib and zstd are loaded only by the run that needs
    /// them, a filter or a compressed capture: start-up of every other run is spared them, and a
    /// machine without them reads plain captures. glibc's loader names each library it loads
    /// under `LD_DEBUG=libs`.
    @Test func librariesAreLoadedOnlyWhenNeeded() throws {
        let analysed = try Hairpin.run(["analyze", sample], environment: ["LD_DEBUG": "libs"])
        #expect(analysed.status == 0)
        #expect(analysed.stderr.contains("libc.so"), "the loader reports what it loads")
        for library in ["libpcap", "libz.so", "libzstd"] {
            #expect(!analysed.stderr.contains(library), "\(library) loaded for a plain capture")
        }
        let filtered = try Hairpin.run(["decode", "-c", "1", "--filter", "vlan", sample], environment: ["LD_DEBUG": "libs"])
        #expect(filtered.status == 0)
        #expect(filtered.stderr.contains("libpcap"))

        let directory = try Hairpin.temporaryDirectory("libraries")
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = try [UInt8](Data(contentsOf: Hairpin.packageRoot.appendingPathComponent(sample)))
        let compressed = [("gz", try gzip(plain), "libz.so", "libzstd"), ("zst", try zstd(plain), "libzstd", "libz.so")]
        for (suffix, bytes, needed, spared) in compressed {
            let path = directory.appendingPathComponent("capture.pcapng.\(suffix)").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let read = try Hairpin.run(["analyze", "--json", path], environment: ["LD_DEBUG": "libs"])
            #expect(read.status == 0)
            #expect(read.stdoutData == (try Hairpin.run(["analyze", "--json", sample])).stdoutData.replacing(Data(sample.utf8), with: Data(path.utf8)))
            #expect(read.stderr.contains(needed), "\(suffix): \(needed) not loaded")
            #expect(!read.stderr.contains(spared), "\(suffix): \(spared) loaded")
            #expect(!read.stderr.contains("libpcap"))
        }
    }
    #endif

    @Test func invalidFilterIsACleanErrorWithLibpcapsMessage() throws {
        let output = try Hairpin.run(["decode", "--filter", "tcp port nonsense-port", sample])
        #expect(output.status != 0)
        #expect(output.stderr.contains("filter \"tcp port nonsense-port\""))
        #expect(output.stdout.isEmpty)
    }

    @Test func textLineReadsLikeTcpdump() throws {
        let output = try Hairpin.run(["decode", "-c", "2", sample])
        let lines = output.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("1 2025-11-26 14:00:00.000000000 uplink-a in 00:50:56:6a:00:01 > 00:50:56:6b:00:02 vlan 20 p0 IPv4 10.20.0.11.40000 > 10.20.0.12.8000: tcp [S] seq 1000"))
        #expect(lines[1].contains("uplink-b out"))
    }

    @Test func infoTakesTheFilterToo() throws {
        let output = try Hairpin.run(["info", "--json", "--filter", "vlan and tcp dst port 8000", sample])
        let json = try #require(try JSONSerialization.jsonObject(with: output.stdoutData) as? [String: Any])
        #expect((json["capture"] as? [String: Any])?["packets"] as? Int == 203)
    }
}

@Suite struct SynthCommandTests {
    @Test func listsPrintsAndGeneratesWithTruth() throws {
        let list = try Hairpin.run(["synth", "--list"])
        #expect(list.stdout.split(separator: "\n").count == 11)
        let yaml = try Hairpin.run(["synth", "--print", "glbp-split"])
        #expect(yaml.stdout.hasPrefix("name: glbp-split"))
        let directory = try Hairpin.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("g.pcapng").path
        let truth = directory.appendingPathComponent("g.json").path
        let run = try Hairpin.run(["synth", "glbp-split", "-o", output, "--truth", truth, "--scale", "0.2", "--seed", "9"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("MB/s"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: truth))) as? [String: Any])
        #expect(json["schema"] as? String == "hairpin.truth/1")
        #expect((json["paths"] as? [[String: Any]])?.count == 2)
        let info = try Hairpin.run(["info", "--json", output])
        #expect(info.status == 0)
    }

    @Test func unknownScenarioIsOneLine() throws {
        let run = try Hairpin.run(["synth", "no-such-scenario", "-o", "/dev/null"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("no-such-scenario: neither a built-in scenario"))
        #expect(!run.stderr.contains("USAGE"))
    }
}
