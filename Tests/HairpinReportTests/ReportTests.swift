import Testing
import HairpinReport

@Suite struct JSONValueTests {
    @Test func keysKeepTheirOrderAndNullsAreWritten() {
        let value = JSONValue.object([("b", .int(1)), ("a", .null), ("s", .string("q\"\n\u{1}")),
                                      ("l", .array([.bool(true), .double(2.5), .double(3)]))])
        #expect(value.serialized() == #"{"b":1,"a":null,"s":"q\"\n\u0001","l":[true,2.5,3]}"#)
        #expect(value.serialized(pretty: true).contains("\n  \"a\": null,"))
    }
}

@Suite struct UnitsTests {
    @Test func timestampsAreUTCWithNanoseconds() {
        #expect(Units.timestamp(0) == "1970-01-01 00:00:00.000000000")
        #expect(Units.timestamp(1_764_165_600_000_000_123) == "2025-11-26 14:00:00.000000123")
        #expect(Units.timestamp(4_354_819_200_000_000_000) == "2108-01-01 00:00:00.000000000")
    }

    @Test func ratesAndDurations() {
        #expect(Units.bitsPerSecond(10_000_000_000) == "10.00 Gbit/s")
        #expect(Units.bitsPerSecond(999) == "999 bit/s")
        #expect(Units.duration(1_500_000_000) == "1.500 s")
        #expect(Units.duration(6_600_000) == "6.600 ms")
        #expect(Units.fixed(-0.004, digits: 2) == "0.00")
        #expect(Units.fixed(2.345, digits: 1) == "2.3")
    }
}
