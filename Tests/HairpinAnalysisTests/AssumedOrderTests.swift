import Foundation
import Testing
import HairpinAnalysis
import HairpinCapture

/// The analysis first reads a single capture file as if already in time order and reads it
/// again through the reorder window where that does not hold: the report is the same as the
/// window's alone, on one thread and on two.
@Suite struct AssumedOrderTests {
    struct Run {
        var report: Report
        var readAgain: Bool
    }

    static func analyse(_ paths: [String], threads: Int, assumingOrder: Bool) throws -> Run {
        let run = try ParallelAnalysis.run(paths: paths, reading: .init(), filter: nil, options: Analysis.Options(),
                                           threads: threads, assumingOrder: assumingOrder)
        return Run(report: run.analysis.report(interfaces: run.reader.interfaces.all, anomalies: run.reader.anomalies),
                   readAgain: run.readAgain)
    }

    @Test func theReportIsTheWindowsOnEveryShippedScenario() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: SoloHandoverTests.captures.path)
            .filter { $0.hasSuffix(".pcapng") }.sorted()
        #expect(names.count >= 10)
        var readAgain: [String] = []
        for name in names {
            let path = SoloHandoverTests.captures.appendingPathComponent(name).path
            for threads in [1, 2] {
                let window = try Self.analyse([path], threads: threads, assumingOrder: false)
                let assumed = try Self.analyse([path], threads: threads, assumingOrder: true)
                #expect(!window.readAgain, "\(name): nothing is assumed, nothing read again")
                #expect(assumed.report == window.report, "\(name), \(threads) threads")
                #expect(assumed.report.capture.packets > 100, "\(name)")
                if assumed.readAgain && threads == 1 { readAgain.append(name) }
            }
        }
        // Both ways are taken: the merged two-uplink capture steps back in time where its uplinks
        // interleave; the scenarios are written in time order.
        #expect(readAgain == ["two-uplinks.pcapng"])
    }

    @Test func mergedFilesToo() throws {
        let paths = ["steady-state.pcapng", "two-uplinks.pcapng", "vrrp-qemu.pcapng"].map { SoloHandoverTests.captures.appendingPathComponent($0).path }
        for (label, files) in [("in order", [paths[0], paths[2]]), ("one steps back", paths)] {
            for threads in [1, 2] {
                let window = try Self.analyse(files, threads: threads, assumingOrder: false)
                let assumed = try Self.analyse(files, threads: threads, assumingOrder: true)
                #expect(assumed.report == window.report, "\(label), \(threads) threads")
                #expect(assumed.readAgain == (label == "one steps back"), "\(label)")
            }
        }
    }
}
