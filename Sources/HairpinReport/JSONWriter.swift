import HairpinWire

/// Writes JSON as it is made, straight into a `TextBuffer`: members in the order written, nulls
/// written out, compact or indented by two spaces. `JSONValue` serialises through it, and a
/// printed packet's object (`hairpin decode --json`) is written through it without a value
/// made first (that tree of some fifty values cost a packet 5 µs).
public struct JSONWriter {
    public let output: TextBuffer
    public let pretty: Bool
    /// Open arrays and objects.
    private var depth = 0
    /// Bit `n`: the container at depth `n` has an item already (a comma goes before the next).
    private var hasItems: UInt64 = 0
    /// A key was just written: its value follows without a separator.
    private var afterKey = false

    public init(to output: TextBuffer, pretty: Bool = false) {
        self.output = output
        self.pretty = pretty
    }

    public mutating func beginObject() { open(UInt8(ascii: "{")) }
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    public mutating func beginArray() { open(UInt8(ascii: "[")) }
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// A member's key made at run time; its value is written next.
    public mutating func key(named name: String) {
        separate()
        writeString(name)
        endKey()
    }

    /// A member's key written in the source (a schema's), which needs no escapes: its bytes
    /// copied without looking for any (a printed packet's forty keys, 2,600 instructions).
    public mutating func key(_ name: StaticString) {
        separate()
        name.withUTF8Buffer { bytes in
            assert(!bytes.contains(where: Self.needsEscape), "a key written in the source needs no escapes")
            output.write(room: bytes.count + 2) { text in
                text.append(UInt8(ascii: "\""))
                text.append(contentsOf: bytes)
                text.append(UInt8(ascii: "\""))
            }
        }
        endKey()
    }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool { byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") }

    private mutating func endKey() {
        output.append(UInt8(ascii: ":"))
        if pretty { output.append(UInt8(ascii: " ")) }
        afterKey = true
    }

    public mutating func null() {
        separate()
        output.append("null")
    }

    public mutating func bool(_ value: Bool) {
        separate()
        output.append(value ? "true" as StaticString : "false")
    }

    public mutating func int(_ value: Int) { int(Int64(value)) }

    public mutating func int(_ value: Int64) {
        separate()
        output.append(decimal: Int(value))
    }

    public mutating func uint(_ value: UInt64) {
        separate()
        if value <= UInt64(Int.max) {
            output.append(decimal: Int(value))
        } else {
            output.append(contentsOf: String(value))
        }
    }

    /// Integral values without a fraction; others in Swift's shortest round-trip form; null
    /// when not finite.
    public mutating func double(_ value: Double) {
        guard value.isFinite else { return null() }
        separate()
        if value == value.rounded(), abs(value) < 1e15 {
            output.append(decimal: Int(value))
        } else {
            output.append(contentsOf: value.description)
        }
    }

    public mutating func string(_ value: String) {
        separate()
        writeString(value)
    }

    /// A MAC address as a string (its text needs no escapes).
    public mutating func string(_ mac: MACAddress) {
        separate()
        output.append(UInt8(ascii: "\""))
        output.append(mac)
        output.append(UInt8(ascii: "\""))
    }

    /// An IP address as a string.
    public mutating func string(_ address: IPAddress) {
        separate()
        output.append(UInt8(ascii: "\""))
        output.append(address)
        output.append(UInt8(ascii: "\""))
    }

    /// A layer path as a string (its names need no escapes).
    public mutating func string(_ path: LayerPath) {
        separate()
        output.write(room: LayerPath.longestText + 2) { text in
            text.append(UInt8(ascii: "\""))
            text.append(path)
            text.append(UInt8(ascii: "\""))
        }
    }

    /// `value`, or null without one.
    public mutating func optional<T>(_ value: T?, _ write: (inout JSONWriter, T) -> Void) {
        if let value { write(&self, value) } else { null() }
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        output.append(bracket)
        precondition(depth < 63, "JSON nested too deeply")
        depth += 1
        hasItems &= ~(1 << UInt64(depth))
    }

    private mutating func close(_ bracket: UInt8) {
        let hadItems = hasItems & (1 << UInt64(depth)) != 0
        depth -= 1
        if pretty && hadItems { newLine() }
        output.append(bracket)
    }

    /// What goes before an item: nothing after a key; a comma after another item; in pretty
    /// form, a new line.
    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        guard depth > 0 else { return }
        let bit: UInt64 = 1 << UInt64(depth)
        if hasItems & bit != 0 { output.append(UInt8(ascii: ",")) }
        hasItems |= bit
        if pretty { newLine() }
    }

    private func newLine() {
        output.append(UInt8(ascii: "\n"))
        output.write(room: 2 * depth) { text in
            for _ in 0..<(2 * depth) { text.append(UInt8(ascii: " ")) }
        }
    }

    private func writeString(_ value: String) {
        var value = value
        value.withUTF8 { writeString(bytes: $0) }
    }

    private func writeString(bytes: UnsafeBufferPointer<UInt8>) {
        output.append(UInt8(ascii: "\""))
        // Most strings need no escape: copied whole.
        if !bytes.contains(where: Self.needsEscape) {
            output.write(room: bytes.count) { $0.append(contentsOf: bytes) }
        } else {
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""): output.append("\\\"")
                case UInt8(ascii: "\\"): output.append("\\\\")
                case UInt8(ascii: "\n"): output.append("\\n")
                case UInt8(ascii: "\r"): output.append("\\r")
                case UInt8(ascii: "\t"): output.append("\\t")
                case ..<0x20:
                    output.append("\\u00")
                    output.write(room: 2) { $0.append(hexByte: byte) }
                default: output.append(byte)
                }
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
