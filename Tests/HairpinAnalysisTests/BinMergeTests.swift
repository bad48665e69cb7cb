import Testing
@testable import HairpinAnalysis

/// Coarsening merges bins in pairs by their absolute index: bin i of a series starting at
/// `first` goes to (first + i) / 2, the new series starting at first / 2.
struct BinMergeTests {
    /// The pairs summed one bin at a time, the way the series were merged before.
    func reference(_ bins: [Int], first: Int64) -> ([Int], Int64) {
        let start = first / 2
        var result: [Int] = []
        for (offset, value) in bins.enumerated() {
            let index = Int((first + Int64(offset)) / 2 - start)
            if index >= result.count { result.append(contentsOf: repeatElement(0, count: index + 1 - result.count)) }
            result[index] += value
        }
        return (result, start)
    }

    @Test(arguments: [0, 1, 2, 7, 1_000_001] as [Int64])
    func pairsAreSummedByAbsoluteIndex(first: Int64) {
        for count in [0, 1, 2, 3, 10, 11] {
            let bins = (0..<count).map { ($0 + 1) * 10 }
            let (merged, start) = Analysis.merged(bins, first: first)
            let (expected, expectedStart) = reference(bins, first: first)
            #expect(merged == expected, "first \(first), \(count) bins")
            #expect(start == expectedStart)
            #expect(merged.reduce(0, +) == bins.reduce(0, +))
        }
    }

    @Test func anOddStartKeepsItsFirstBinAlone() {
        #expect(Analysis.merged([1, 2, 3, 4], first: 1) == ([1, 5, 4], 0))
        #expect(Analysis.merged([1, 2, 3, 4], first: 0) == ([3, 7], 0))
        #expect(Analysis.merged([1, 2, 3, 4], first: 6) == ([3, 7], 3))
    }
}
