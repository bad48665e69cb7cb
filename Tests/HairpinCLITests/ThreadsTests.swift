import Foundation
import HairpinCapture
import Testing

/// `hairpin analyze --threads 2` reads on one thread and runs the trackers on another, `--threads
/// 3` splits the trackers too; the report must be the one thread's byte for byte, on every
/// shipped scenario (with and without the topology and --all-hosts, filtered), on every real
/// capture in ../shared/captures/real, at the edges of the ring's batches and when reading fails
/// part way.
@Suite struct ThreadsTests {
    /// `status`: the one thread's exit status, nil for whichever it is (the others must match it).
    func sameReport(_ arguments: [String], _ label: String, status: Int32? = 0) throws {
        let one = try Hairpin.run(["analyze", "--json", "--threads", "1"] + arguments)
        if let status { #expect(one.status == status, "\(label): \(one.stderr)") }
        if one.status == 0 { #expect(one.stdoutData.count > 100, "\(label): no report") }
        for threads in ["2", "3"] {
            let more = try Hairpin.run(["analyze", "--json", "--threads", threads] + arguments)
            #expect(more.status == one.status, "\(label), \(threads) threads")
            #expect(more.stdoutData == one.stdoutData, "\(label): reports of 1 and \(threads) threads differ")
            #expect(more.stderr == one.stderr, "\(label): messages of 1 and \(threads) threads differ")
        }
    }

    /// Records are handed over in batches of 512 through a ring of 8 (`FrameRing`): none, one, a
    /// batch less one, a batch, a batch and one, and more than a whole ring.
    @Test(arguments: [0, 1, 511, 512, 513, 4096 + 5])
    func batchEdgesGiveTheSameReport(_ frames: Int) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hairpin-ring-\(frames)-\(UUID().uuidString).pcap").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try PcapWriter(path: path)
        for index in 0..<frames {
            // Ethernet, IPv4, TCP: 16 flows, one of them to the vMotion port.
            var frame: [UInt8] = [0x00, 0x50, 0x56, 0x00, 0x00, 0x02, 0x00, 0x50, 0x56, 0x00, 0x00, 0x01, 0x08, 0x00]
            frame += [0x45, 0x00, 0x00, 0x28, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 10, 0, 0, 1, 10, 0, 0, 2]
            let port = index % 16 == 0 ? 8000 : 40_000 + index % 16
            frame += [0xC3, 0x50, UInt8(port >> 8), UInt8(port & 0xFF), 0, 0, 0, UInt8(index & 0xFF), 0, 0, 0, 0, 0x50, 0x10, 0xFF, 0xFF, 0, 0, 0, 0]
            try writer.write(timestamp: 1_700_000_000_000_000_000 + Int64(index) * 1_000_000, frame: frame)
        }
        try writer.flush()
        try sameReport([path], "\(frames) frames")
    }

    /// A filter libpcap cannot compile for the link type of a second input fails at that
    /// input's first record, part way through the first: the records before it are analysed
    /// the same, and the same error is given.
    @Test func readingErrorPartWay() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hairpin-ring-raw-\(UUID().uuidString).pcap").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try PcapWriter(path: path, linkType: .raw)
        let packet: [UInt8] = [0x45, 0, 0, 20, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]
        // Four seconds into glbp-split.pcapng, which spans eight.
        try writer.write(timestamp: 1_767_261_604_000_000_000, frame: packet)
        try writer.flush()
        let arguments = ["-f", "arp", "Captures/glbp-split.pcapng", path]
        let one = try Hairpin.run(["analyze", "--json", "--threads", "1"] + arguments)
        #expect(one.status != 0)
        #expect(one.stderr.contains("link type RAW"), "\(one.stderr)")
        try sameReport(arguments, "error part way", status: one.status)
    }

    static let real = Hairpin.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/captures/real")
    static let realMixed = real.appendingPathComponent("mixed")

    /// The captures of one folder of ../shared/captures/real, as paths, in name order.
    static func realCaptures(in folder: String) throws -> [String] {
        let directory = real.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasSuffix(".txt") }.sorted()
            .map { directory.appendingPathComponent($0).path }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: realMixed.path), "needs ../shared/captures/real/mixed: skipped"))
    func realCaptureReportsDoNotDependOnThreads() throws {
        let files = try Self.realCaptures(in: "mixed")
        #expect(!files.isEmpty)
        for path in files { try sameReport(["--all-hosts", path], path) }
        // Two captures merged, as from two capture points.
        let pair = Array(files.prefix(2))
        try sameReport(pair, pair.joined(separator: " + "))
    }

    /// The other real captures: ARP, encapsulations, first-hop redundancy, every file format
    /// variant, and damaged files, which must fail or warn alike however many threads read them
    /// (three of them are rejected outright: the same status and message each time).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: real.path), "needs ../shared/captures/real: skipped"),
          arguments: ["arp", "encap", "fhrp", "formats", "corrupt"])
    func otherRealCaptureReportsDoNotDependOnThreads(_ folder: String) throws {
        let files = try Self.realCaptures(in: folder)
        #expect(files.count >= 10, "\(folder): \(files.count) captures")
        for path in files { try sameReport(["--all-hosts", path], path, status: nil) }
    }

    /// A streamed record of 5 MB, more than the stream's buffer first holds: the buffer grows for
    /// it, and the reports match around it.
    @Test func streamedRecordLargerThanTheStreamBuffer() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hairpin-ring-large-\(UUID().uuidString).pcap").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try PcapWriter(path: path, snaplen: 8 << 20)
        let small: [UInt8] = [0x00, 0x50, 0x56, 0x00, 0x00, 0x02, 0x00, 0x50, 0x56, 0x00, 0x00, 0x01, 0x08, 0x00,
                              0x45, 0x00, 0x00, 0x14, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 10, 0, 0, 1, 10, 0, 0, 2]
        var large = small + [UInt8](repeating: 0xAB, count: 5 << 20)
        large[6 + 5] = 0x09
        for index in 0..<600 {
            try writer.write(timestamp: 1_700_000_000_000_000_000 + Int64(index) * 1_000_000, frame: index % 250 == 100 ? large : small)
        }
        try writer.flush()
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let one = try Hairpin.run(["analyze", "--json", "--threads", "1", "-"], stdin: data)
        #expect(one.status == 0, "\(one.stderr)")
        #expect(String(decoding: one.stdoutData, as: UTF8.self).contains("\"packets\": 600"))
        for threads in ["2", "3"] {
            let more = try Hairpin.run(["analyze", "--json", "--threads", threads, "-"], stdin: data)
            #expect(more.status == 0, "\(more.stderr)")
            #expect(more.stdoutData == one.stdoutData, "\(threads) threads")
        }
    }

    /// Records of standard input and of compressed files are read into a buffer the reader reuses,
    /// gone before another thread analyses them: the same report as one thread reading the plain
    /// file.
    @Test func streamedInputsGiveTheSameReport() throws {
        let data = try Data(contentsOf: Hairpin.packageRoot.appendingPathComponent("Captures/glbp-split.pcapng"))
        let file = try Hairpin.run(["analyze", "--json", "--threads", "1", "Captures/glbp-split.pcapng"])
        #expect(file.status == 0)
        #expect(file.stdoutData.count > 100)
        // The file's name is in the report's interfaces: the plain file's report names it "-" too.
        let asStandardInput = String(decoding: file.stdoutData, as: UTF8.self).replacingOccurrences(of: "\"Captures/glbp-split.pcapng\"", with: "\"-\"")
        for threads in ["1", "2", "3"] {
            let piped = try Hairpin.run(["analyze", "--json", "--threads", threads, "-"], stdin: data)
            #expect(piped.status == 0, "\(piped.stderr)")
            #expect(String(decoding: piped.stdoutData, as: UTF8.self) == asStandardInput, "standard input, \(threads) threads")
        }
        // Redirected from the file (mapped, not streamed): the same report.
        for threads in ["1", "2"] {
            let redirected = try Hairpin.run(["analyze", "--json", "--threads", threads, "-"], stdinFile: "Captures/glbp-split.pcapng")
            #expect(redirected.status == 0, "\(redirected.stderr)")
            #expect(String(decoding: redirected.stdoutData, as: UTF8.self) == asStandardInput, "redirected, \(threads) threads")
        }
        let compressed = FileManager.default.temporaryDirectory.appendingPathComponent("hairpin-ring-\(UUID().uuidString).pcapng.gz").path
        defer { try? FileManager.default.removeItem(atPath: compressed) }
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -c Captures/glbp-split.pcapng > '\(compressed)'"]
        gzip.currentDirectoryURL = Hairpin.packageRoot
        try gzip.run()
        gzip.waitUntilExit()
        #expect(gzip.terminationStatus == 0)
        for threads in ["2", "3"] {
            let unpacked = try Hairpin.run(["analyze", "--json", "--threads", threads, compressed])
            #expect(unpacked.status == 0, "\(unpacked.stderr)")
            let report = String(decoding: unpacked.stdoutData, as: UTF8.self).replacingOccurrences(of: "\"\(compressed)\"", with: "\"-\"")
            #expect(report == asStandardInput, "gzip, \(threads) threads")
        }
    }
}
