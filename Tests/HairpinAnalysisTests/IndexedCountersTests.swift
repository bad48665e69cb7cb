import Testing
@testable import HairpinAnalysis

/// Counters per index in memory of their own: an index never added to reads as absent or
/// zero, counts survive the table growing past them, and indices far apart stay apart.
@Suite struct IndexedCountersTests {
    @Test func countsSurviveGrowth() {
        var counters = IndexedCounters(empty: (packets: 0, bytes: 0))
        defer { counters.deallocate() }
        #expect(counters.value(at: 0) == nil)
        #expect(counters.value(at: -1) == nil)
        // Frames of two interfaces interleaved, then a third far above them.
        for frame in 0..<1000 {
            let counts = counters.at(frame % 2)
            counts.pointee.packets += 1
            counts.pointee.bytes += 60 + frame % 2
        }
        counters.at(37).pointee.packets += 5
        #expect(counters.count >= 38)
        #expect(counters.value(at: 0)?.packets == 500)
        #expect(counters.value(at: 0)?.bytes == 30_000)
        #expect(counters.value(at: 1)?.packets == 500)
        #expect(counters.value(at: 1)?.bytes == 30_500)
        #expect(counters.value(at: 37)?.packets == 5)
        #expect(counters.value(at: 36)?.packets == 0)
        #expect(counters.value(at: counters.count) == nil)
    }
}
