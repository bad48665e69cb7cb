import Testing
@testable import HairpinCapture

/// Anomalies are counted by kind, each kind hashed and compared by its place in `allCases`
/// (`AnomalyKind.ordinal`), not by its name.
@Suite struct AnomalyCountersTests {
    @Test func eachKindsOrdinalIsItsPlaceInAllCases() {
        for (index, kind) in AnomalyKind.allCases.enumerated() {
            #expect(kind.ordinal == index, "\(kind)")
        }
    }

    @Test func countsAndFirstOffsetsAreEachKinds() {
        var counters = AnomalyCounters()
        let kinds = AnomalyKind.allCases
        for (index, kind) in kinds.enumerated() {
            // Kind number i counted i + 1 times, first at offset 100 i, then further on.
            for time in 0...index { counters.count(kind, at: Int64(100 * index + time)) }
        }
        counters.count(.zeroPadding, at: 5, times: 3)
        #expect(counters.total == kinds.count * (kinds.count + 1) / 2 + 3)
        let listed = counters.list(file: "f.pcap")
        #expect(listed.map(\.kind) == kinds.sorted())
        for anomaly in listed {
            let index = kinds.firstIndex(of: anomaly.kind)!
            #expect(anomaly.count == index + 1 + (anomaly.kind == .zeroPadding ? 3 : 0), "\(anomaly.kind)")
            #expect(anomaly.firstOffset == Int64(100 * index), "\(anomaly.kind)")
            #expect(counters.count(of: anomaly.kind) == anomaly.count)
        }
    }
}
