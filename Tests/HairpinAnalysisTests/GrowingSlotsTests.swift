import Testing
@testable import HairpinAnalysis

@Suite struct GrowingSlotsTests {
    @Test func valuesSurviveGrowthAndChangeInPlace() {
        let slots = GrowingSlots<[Int]>(capacity: 2)
        for index in 0..<100 { slots.append([index, index * 2]) }
        #expect(slots.count == 100)
        #expect(slots.indices == 0..<100)
        slots[37].append(7)
        (slots.base + 50).pointee[0] = -1
        #expect(slots[37] == [37, 74, 7])
        #expect(slots[50] == [-1, 100])
        #expect(slots.indices.map { slots[$0].count }.reduce(0, +) == 201)
    }
}
