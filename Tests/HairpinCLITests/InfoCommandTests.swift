import Foundation
import Testing

/// Runs the built `hairpin` binary the way a user does.
enum Hairpin {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("hairpin")
    }

    /// A fresh directory for a test's files; remove it with `FileManager.removeItem` in a defer.
    static func temporaryDirectory(_ label: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hairpin-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var stdoutData: Data
    }

    /// `environment`: variables added to this process's own; `stdinFile`: standard input redirected
    /// from that file, as a shell's `<` does.
    static func run(_ arguments: [String], stdin: Data? = nil, stdinFile: String? = nil,
                    environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
        }
        process.currentDirectoryURL = packageRoot
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        if let stdinFile {
            process.standardInput = try FileHandle(forReadingFrom: packageRoot.appendingPathComponent(stdinFile))
        } else {
            process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        }
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(stdin)
            try input.fileHandleForWriting.close()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self), stdoutData: outData)
    }
}

@Suite struct InfoCommandTests {
    let sample = "Captures/two-uplinks.pcapng"

    @Test func jsonDescribesTheShippedCapture() throws {
        let output = try Hairpin.run(["info", "--json", sample])
        #expect(output.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: output.stdoutData) as? [String: Any])
        #expect(json["schema"] as? String == "hairpin.info/1")
        let capture = try #require(json["capture"] as? [String: Any])
        #expect(capture["packets"] as? Int == 308)
        #expect(capture["bytes"] as? Int == 1_807_482)
        #expect(capture["start_ns"] as? Int == 1_764_165_600_000_000_000)
        #expect(capture["end_ns"] as? Int == 1_764_165_600_006_600_000)
        let interfaces = try #require(capture["interfaces"] as? [[String: Any]])
        #expect(interfaces.map { $0["name"] as? String } == ["uplink-a", "uplink-b"])
        #expect(interfaces.map { $0["speed_bps"] as? Int } == [10_000_000_000, 10_000_000_000])
        #expect(interfaces.map { $0["packets"] as? Int } == [203, 105])
        #expect(interfaces.map { $0["link_type"] as? Int } == [1, 1])
        // uplink-b's batch steps back in time; the default window puts it in order.
        #expect((capture["anomalies"] as? [Any])?.isEmpty == true)
        let protocols = try #require(json["protocols"] as? [[String: Any]])
        #expect(protocols.first?["path"] as? String == "eth>vlan>ipv4>tcp")
        #expect(protocols.first?["packets"] as? Int == 305)
        #expect(protocols.last?["path"] as? String == "eth>vlan>rarp")
    }

    @Test func withoutReorderingTheBatchIsCounted() throws {
        let output = try Hairpin.run(["info", "--json", "--reorder-window", "0", sample])
        let json = try #require(try JSONSerialization.jsonObject(with: output.stdoutData) as? [String: Any])
        let anomalies = try #require((json["capture"] as? [String: Any])?["anomalies"] as? [[String: Any]])
        #expect(anomalies.first?["kind"] as? String == "out_of_order_beyond_window")
        #expect((anomalies.first?["count"] as? Int ?? 0) > 0)
    }

    @Test func outputIsByteIdenticalAcrossRuns() throws {
        let first = try Hairpin.run(["info", "--json", sample, sample])
        let second = try Hairpin.run(["info", "--json", sample, sample])
        #expect(first.status == 0)
        #expect(first.stdoutData == second.stdoutData)
        let json = try #require(try JSONSerialization.jsonObject(with: first.stdoutData) as? [String: Any])
        // The same file twice: four interfaces with distinct global ids.
        let interfaces = try #require((json["capture"] as? [String: Any])?["interfaces"] as? [[String: Any]])
        #expect(interfaces.map { $0["id"] as? Int } == [0, 1, 2, 3])
    }

    /// Each streamed input holds its file open while it is read: a merge of more compressed
    /// files than the soft limit of open files allows raises that limit (within the hard one).
    @Test func moreCompressedInputsThanTheSoftLimitOfOpenFiles() throws {
        let directory = try Hairpin.temporaryDirectory("open-files")
        defer { try? FileManager.default.removeItem(at: directory) }
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -c '\(Hairpin.packageRoot.appendingPathComponent(sample).path)' > '\(directory.path)/0.pcapng.gz'"]
        try gzip.run()
        gzip.waitUntilExit()
        #expect(gzip.terminationStatus == 0)
        for index in 1..<100 {
            try FileManager.default.copyItem(atPath: "\(directory.path)/0.pcapng.gz", toPath: "\(directory.path)/\(index).pcapng.gz")
        }
        let inputs = (0..<100).map { "\(directory.path)/\($0).pcapng.gz" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // A soft limit of 64 open files (the hard one unchanged).
        process.arguments = ["-c", "ulimit -Sn 64 && exec \"$0\" info --json \"$@\"", Hairpin.executable.path] + inputs
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(errors)")
        let json = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        #expect((json["capture"] as? [String: Any])?["packets"] as? Int == 100 * 308)
    }

    @Test func readsStandardInput() throws {
        let data = try Data(contentsOf: Hairpin.packageRoot.appendingPathComponent(sample))
        let output = try Hairpin.run(["info", "--json", "-"], stdin: data)
        #expect(output.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: output.stdoutData) as? [String: Any])
        #expect((json["capture"] as? [String: Any])?["packets"] as? Int == 308)
    }

    @Test func textSummaryNamesTheInterfaces() throws {
        let output = try Hairpin.run(["info", sample])
        #expect(output.status == 0)
        #expect(output.stdout.contains("Format:       pcapng 1.0, little-endian"))
        #expect(output.stdout.contains("uplink-a (leaf1 Eth1/49 to spine1)"))
        #expect(output.stdout.contains("10.00 Gbit/s"))
        #expect(output.stdout.contains("Packets:      308"))
        #expect(output.stdout.contains("Anomalies:    none"))
    }

    @Test func unreadableFileIsOneLineWithFileAndOffset() throws {
        let output = try Hairpin.run(["info", "Package.swift"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("Package.swift: offset 0: not a pcap or pcapng capture"))
        let missing = try Hairpin.run(["info", "no-such-file.pcap"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no-such-file.pcap: offset 0: cannot open: No such file or directory"))
    }

    @Test func helpListsTheSubcommands() throws {
        let output = try Hairpin.run(["--help"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("info"))
        #expect(output.stdout.contains("Summarise captures"))
        #expect(output.stdout.contains("synth"))
        #expect(output.stdout.contains("decode"))
    }
}
