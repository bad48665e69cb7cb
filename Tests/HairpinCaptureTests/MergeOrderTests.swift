import Testing
@testable import HairpinCapture

/// The merge's order of inputs is what scanning every waiting record gives: the earliest time,
/// and on a tie the input given first.
@Suite struct MergeOrderTests {
    @Test func agreesWithAScanOfEveryInput() {
        // A fixed sequence (Knuth's MMIX constants), high bits used: the same run every time.
        var state: UInt64 = 2026
        func nextRandom() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        for inputs in [1, 2, 3, 7, 64, 300] {
            var order = MergeOrder()
            var waiting: [Int: Int64] = [:]
            // Few distinct times, so that ties are common.
            for input in 0..<inputs {
                let time = Int64(nextRandom() % 8)
                waiting[input] = time
                order.push(input, time: time)
            }
            var handedOn: [Int] = []
            while let first = order.first {
                let expected = waiting.min { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }!.key
                #expect(first == expected, "\(inputs) inputs")
                guard first == expected else { return }
                handedOn.append(first)
                // Each input's times do not step back; a third of the time its records end.
                if nextRandom() % 3 == 0 {
                    waiting[first] = nil
                    order.removeFirst()
                } else {
                    let time = waiting[first]! + Int64(nextRandom() % 4)
                    waiting[first] = time
                    order.replaceFirst(time: time)
                }
            }
            #expect(waiting.isEmpty && order.count == 0)
            #expect(handedOn.count >= inputs)
        }
    }
}
