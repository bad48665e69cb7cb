import Testing
@testable import HairpinAnalysis

/// The port set holds exactly the ports it was made of, at both ends of the range and at the
/// edges of its 64-bit words.
struct PortSetTests {
    @Test func holdsExactlyItsPorts() {
        let ports: [UInt16] = [0, 1, 63, 64, 65, 902, 6600, 8000, 49152, 49215, 65472, 65535]
        let set = PortSet(ports + ports)
        let expected = Set(ports)
        let wrong = (UInt16.min...UInt16.max).filter { set.contains($0) != expected.contains($0) }
        #expect(wrong == [])
    }

    @Test func emptyHoldsNothing() {
        let set = PortSet([UInt16]())
        #expect((UInt16.min...UInt16.max).allSatisfy { !set.contains($0) })
    }
}
