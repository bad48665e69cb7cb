import Foundation
import Testing
import HairpinAnalysis
import HairpinCapture
import HairpinTestSupport

/// Per-interface byte totals of the analysis equal the frame lengths tshark reports per
/// `frame.interface_id`, on the real captures in mixed/ and formats/.
@Suite(.enabled(if: RealCaptures.available && Tshark.path != nil, "needs ../shared/captures/real and tshark: skipped"))
struct RealCaptureTotalsTests {
    @Test(arguments: RealCaptures.files(in: ["mixed", "formats"]))
    func interfaceTotalsMatchTshark(_ file: String) throws {
        let path = RealCaptures.root.appendingPathComponent(file).path
        let (status, text) = try Tshark.run(["-n", "-r", path, "-T", "fields", "-e", "frame.interface_id", "-e", "frame.len"])
        guard status == 0 else { return }
        let reader = try CaptureReader(paths: [path])
        let isPcapng = reader.fileInfos.first?.format == .pcapng
        var expected: [Int: Int] = [:]
        for line in text.split(separator: "\n") {
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard cells.count == 2, let length = Int(cells[1]) else { continue }
            // pcap has no interface ids (one interface); in pcapng a frame without one is a custom block.
            guard let interface = Int(cells[0]) ?? (isPcapng ? nil : 0) else { continue }
            expected[interface, default: 0] += length
        }
        let analysis = Analysis()
        while let record = try reader.next() { analysis.consume(record) }
        let report = analysis.report(interfaces: reader.interfaces.all, anomalies: reader.anomalies)
        // tshark 4.0 numbers interfaces inside each section; Hairpin's ids are global, so add
        // Hairpin's interfaces up by their id inside their section.
        var found: [Int: Int] = [:]
        for interface in report.capture.interfaces where interface.packets > 0 {
            found[reader.interfaces[interface.id].localId, default: 0] += interface.bytes
        }
        #expect(found == expected.filter { $0.value > 0 }, "\(file)")
    }
}

enum RealCaptures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/captures/real")

    static var available: Bool { FileManager.default.fileExists(atPath: root.appendingPathComponent("MANIFEST.tsv").path) }

    static func files(in folders: [String]) -> [String] {
        folders.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? [])
                .filter { !$0.hasSuffix(".txt") }.sorted().map { "\(folder)/\($0)" }
        }
    }
}
