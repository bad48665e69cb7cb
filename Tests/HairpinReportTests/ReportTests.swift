import Testing
import HairpinReport

@Suite struct JSONValueTests {
    @Test func keysKeepTheirOrderAndNullsAreWritten() {
        let value = JSONValue.object([("b", .int(1)), ("a", .null), ("s", .string("q\"\n\u{1}")),
                                      ("l", .array([.bool(true), .double(2.5), .double(3)]))])
        #expect(value.serialized() == #"{"b":1,"a":null,"s":"q\"\n\u0001","l":[true,2.5,3]}"#)
        #expect(value.serialized(pretty: true).contains("\n  \"a\": null,"))
    }

    /// Written as bytes: every number's digits, every escape and non-ASCII text as before.
    @Test func numbersEscapesAndTextAreWrittenExactly() {
        let value = JSONValue.array([.int(Int64.min), .int(Int64.max), .int(0), .int(-7), .uint(UInt64.max), .double(-0.5),
                                     .double(1e15), .double(-3), .double(.nan), .string("tab\there\\ \r\u{1b}\u{1f} é ü 漢"),
                                     .object([("k\"ey", .array([])), ("o", .object([]))])])
        #expect(value.serialized() == #"[-9223372036854775808,9223372036854775807,0,-7,18446744073709551615,-0.5,1000000000000000.0,-3,null,"#
                + #""tab\there\\ \r\u001b\u001f é ü 漢",{"k\"ey":[],"o":{}}]"#)
        #expect(JSONValue.object([("a", .array([.int(1), .object([("b", .null)])]))]).serialized(pretty: true)
                == "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ]\n}")
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
