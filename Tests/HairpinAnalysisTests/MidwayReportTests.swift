import Foundation
import Testing
@testable import HairpinAnalysis
import HairpinCapture

/// A report made partway through a capture leaves the analysis as it was: the moves the report
/// confirms at its end are confirmed on a copy of the mobility tracker (`detached`), whose
/// locations the running tracker would otherwise share. The analysis then goes on to the report
/// of one that made none.
struct MidwayReportTests {
    @Test(arguments: ["vmotion-hsrp-hairpin", "kvm-flip-flop", "erspan-mirror", "glbp-split"])
    func reportsPartwayChangeNothing(_ name: String) throws {
        let path = FrameSummaryTests.captures.appendingPathComponent("\(name).pcapng").path
        let total = try Self.records(path)
        let quiet = Analysis(), reporting = Analysis()
        let reader = try CaptureReader(paths: [path])
        var consumed = 0
        var movesConfirmedByReports = 0
        while let record = try reader.next() {
            quiet.consume(record)
            reporting.consume(record)
            consumed += 1
            // Twenty reports along the way, each confirming what is pending at that frame.
            if consumed % max(1, total / 20) == 0 {
                let midway = reporting.report(interfaces: reader.interfaces.all, anomalies: reader.anomalies)
                movesConfirmedByReports += midway.moves.count
            }
        }
        #expect(consumed == total)
        // The reports along the way did see moves: the test reaches what `finish` changes.
        #expect(movesConfirmedByReports > 0)
        let expected = quiet.report(interfaces: reader.interfaces.all, anomalies: reader.anomalies)
        #expect(reporting.report(interfaces: reader.interfaces.all, anomalies: reader.anomalies) == expected)
    }

    static func records(_ path: String) throws -> Int {
        let reader = try CaptureReader(paths: [path])
        var count = 0
        while try reader.next() != nil { count += 1 }
        return count
    }
}
