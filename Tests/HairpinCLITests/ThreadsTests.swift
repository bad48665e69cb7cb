import Foundation
import Testing

/// `hairpin analyze --threads 2` splits the trackers between two threads; the report must be
/// the one thread's byte for byte, on every shipped scenario (with and without the topology and
/// --all-hosts, filtered) and on the real captures in ../shared/captures/real/mixed.
@Suite struct ThreadsTests {
    func sameReport(_ arguments: [String], _ label: String) throws {
        let one = try Hairpin.run(["analyze", "--json", "--threads", "1"] + arguments)
        let two = try Hairpin.run(["analyze", "--json", "--threads", "2"] + arguments)
        #expect(one.status == 0, "\(label): \(one.stderr)")
        #expect(two.status == one.status, "\(label)")
        #expect(one.stdoutData.count > 100, "\(label): no report")
        #expect(two.stdoutData == one.stdoutData, "\(label): reports of 1 and 2 threads differ")
    }

    @Test(arguments: AnalyzeCommandTests.scenarios)
    func scenarioReportsDoNotDependOnThreads(_ name: String) throws {
        let capture = "Captures/\(name).pcapng"
        try sameReport([capture], name)
        try sameReport(["--topology", "Captures/\(name).topology.yaml", "--all-hosts", capture], "\(name) with topology, all hosts")
        try sameReport(["-f", "not arp", "--reorder-window", "0", capture], "\(name) filtered")
    }

    static let realMixed = Hairpin.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/captures/real/mixed")

    @Test(.enabled(if: FileManager.default.fileExists(atPath: realMixed.path), "needs ../shared/captures/real/mixed: skipped"))
    func realCaptureReportsDoNotDependOnThreads() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.realMixed.path).filter { !$0.hasSuffix(".txt") }.sorted()
        #expect(!files.isEmpty)
        for file in files {
            let path = Self.realMixed.appendingPathComponent(file).path
            try sameReport(["--all-hosts", path], file)
        }
        // Two captures merged, as from two capture points.
        let pair = files.prefix(2).map { Self.realMixed.appendingPathComponent($0).path }
        try sameReport(pair, pair.joined(separator: " + "))
    }

    /// Standard input cannot be read twice: it runs on one thread, with the same report.
    @Test func standardInputRunsOnOneThread() throws {
        let data = try Data(contentsOf: Hairpin.packageRoot.appendingPathComponent("Captures/glbp-split.pcapng"))
        let piped = try Hairpin.run(["analyze", "--json", "--threads", "2", "-"], stdin: data)
        let file = try Hairpin.run(["analyze", "--json", "--threads", "1", "Captures/glbp-split.pcapng"])
        #expect(piped.status == 0)
        #expect(piped.stdoutData.count > 100)
        // The file's name is not in the report's byte totals; compare everything but the interface file names.
        let strip = { (data: Data) in String(decoding: data, as: UTF8.self).replacingOccurrences(of: "Captures/glbp-split.pcapng", with: "-") }
        #expect(strip(piped.stdoutData) == strip(file.stdoutData))
    }
}
