import Foundation
import Testing
import HairpinAnalysis
import HairpinCapture

/// A streamed input (here a named pipe) is read into a buffer the reading thread reuses, so the
/// analysing thread never sees its frames' bytes: what the trackers read of them travels in the
/// frame summaries. Two threads over the stream must give the one thread's report on the file.
@Suite struct StreamedRingTests {
    static func analyse(_ path: String, threads: Int, solo: ParallelAnalysis.SoloPolicy, qemuPortsOff: Bool) throws -> Report {
        var options = Analysis.Options()
        options.pathsForAllHosts = true
        // No QEMU port: a QEMU migration is known only by the magic its payload opens with.
        if qemuPortsOff { options.migrations.qemuPorts = 0...0 }
        let run = try ParallelAnalysis.run(paths: [path], reading: .init(), filter: nil, options: options, threads: threads, solo: solo)
        #expect(run.threads == threads)
        return run.analysis.report(interfaces: run.reader.interfaces.all, anomalies: run.reader.anomalies)
    }

    /// The report of `path` read as a stream (its bytes written into a named pipe by another
    /// thread), as JSON with the pipe's name replaced by the file's.
    static func analyseThroughPipe(_ path: String, solo: ParallelAnalysis.SoloPolicy, qemuPortsOff: Bool) throws -> String {
        try throughPipe(path) { pipe in
            let report = try analyse(pipe, threads: 2, solo: solo, qemuPortsOff: qemuPortsOff)
            return try json(report).replacingOccurrences(of: pipe, with: path)
        }
    }

    /// `body` given a named pipe that another thread writes the bytes of `path` into.
    static func throughPipe<Result>(_ path: String, _ body: (String) throws -> Result) throws -> Result {
        let pipe = FileManager.default.temporaryDirectory.appendingPathComponent("hairpin-pipe-\(UUID().uuidString)").path
        #expect(mkfifo(pipe, 0o600) == 0)
        defer { unlink(pipe) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let feeding = DispatchGroup()
        DispatchQueue.global().async(group: feeding) {
            guard let handle = FileHandle(forWritingAtPath: pipe) else { return }
            handle.write(bytes)
            try? handle.close()
        }
        defer { feeding.wait() }
        return try body(pipe)
    }

    static func json(_ report: Report) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }

    @Test(arguments: ["vmotion-hsrp-hairpin", "erspan-mirror", "kvm-flip-flop", "vrrp-qemu"])
    func twoThreadsOverAStreamGiveTheOneThreadReport(_ name: String) throws {
        let path = SoloHandoverTests.captures.appendingPathComponent("\(name).pcapng").path
        for qemuPortsOff in [false, true] {
            let one = try Self.analyse(path, threads: 1, solo: .never, qemuPortsOff: qemuPortsOff)
            #expect(one.capture.packets > 4000)
            let expected = try Self.json(one)
            for solo in [ParallelAnalysis.SoloPolicy.never, .alternating(every: 700)] {
                let streamed = try Self.analyseThroughPipe(path, solo: solo, qemuPortsOff: qemuPortsOff)
                #expect(streamed == expected, "\(name), \(solo), QEMU ports off: \(qemuPortsOff)")
            }
            if name == "vrrp-qemu" && qemuPortsOff {
                // Its migration is still found, by the magic its payload opens with alone.
                #expect(one.migrations.contains { $0.kind == "qemu" }, "\(one.migrations.map(\.kind))")
            }
        }
    }
}
