import Testing
import HairpinReport
import HairpinWire

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

/// Streamed JSON is the serialised value's, byte for byte.
@Suite struct JSONWriterTests {
    @Test func streamedJSONIsTheSerialisedValue() {
        let value = JSONValue.object([("a", .array([])), ("b", .object([])), ("c", .array([.int(1), .null, .object([("d", .string("e\"f"))])])),
                                      ("g", .uint(UInt64.max)), ("h", .double(0.25)), ("i", .bool(false)),
                                      ("mac", .string("00:00:0c:07:ac:0a")), ("ip", .string("fe80::1"))])
        for pretty in [false, true] {
            let buffer = TextBuffer()
            var json = JSONWriter(to: buffer, pretty: pretty)
            json.beginObject()
            json.key("a"); json.beginArray(); json.endArray()
            json.key("b"); json.beginObject(); json.endObject()
            json.key("c"); json.beginArray(); json.int(1); json.null()
            json.beginObject(); json.key("d"); json.string("e\"f"); json.endObject(); json.endArray()
            json.key("g"); json.uint(UInt64.max)
            json.key("h"); json.double(0.25)
            json.key("i"); json.bool(false)
            json.key("mac"); json.string(MACAddress(0, 0, 0x0C, 0x07, 0xAC, 0x0A))
            json.key("ip"); json.optional(IPAddress.v6(IPv6Address(high: 0xFE80_0000_0000_0000, low: 1))) { $0.string($1) }
            json.endObject()
            #expect(buffer.string == value.serialized(pretty: pretty), "pretty: \(pretty)")
        }
    }
}

@Suite struct UnitsTests {
    @Test func timestampsAreUTCWithNanoseconds() {
        #expect(Units.timestamp(0) == "1970-01-01 00:00:00.000000000")
        #expect(Units.timestamp(-1) == "1969-12-31 23:59:59.999999999")
        #expect(Units.timestamp(-(1 << 61)) == "1896-12-06 00:03:10.786306048")
        #expect(Units.timestamp(Int64.max) == "2262-04-11 23:47:16.854775807")
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
