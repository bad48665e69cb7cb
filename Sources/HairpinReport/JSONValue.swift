import HairpinWire

/// A JSON document with object keys in the order they were written, so the same value always
/// serialises to the same bytes. Nulls are written out (scripts rely on the key being there).
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.serialized() == rhs.serialized()
    }

    public static func int(_ value: Int) -> JSONValue { .int(Int64(value)) }

    public static func optional<T>(_ value: T?, _ wrap: (T) -> JSONValue) -> JSONValue {
        value.map(wrap) ?? .null
    }

    /// Compact (one line) or indented by two spaces.
    public func serialized(pretty: Bool = false) -> String {
        // Written as UTF-8 bytes, not appended to a String piece by piece: a 342 KB report (the
        // ERSPAN scenario at scale 60) took 80 M instructions that way, 230 a byte.
        let output = TextBuffer(capacity: 1 << 12)
        var writer = JSONWriter(to: output, pretty: pretty)
        write(to: &writer)
        return output.string
    }

    /// Writes the value through `writer`.
    public func write(to writer: inout JSONWriter) {
        switch self {
        case .null: writer.null()
        case .bool(let value): writer.bool(value)
        case .int(let value): writer.int(value)
        case .uint(let value): writer.uint(value)
        case .double(let value): writer.double(value)
        case .string(let value): writer.string(value)
        case .array(let items):
            writer.beginArray()
            for item in items { item.write(to: &writer) }
            writer.endArray()
        case .object(let members):
            writer.beginObject()
            for (key, value) in members {
                writer.key(named: key)
                value.write(to: &writer)
            }
            writer.endObject()
        }
    }
}
