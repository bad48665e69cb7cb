/// Text of any length written as bytes into memory it owns, grown as needed: a printed packet's
/// line, or many lines on their way to a file. Pieces are written with `TextBytes` into the room
/// past the end, not made as strings and appended (a packet's line of `hairpin decode` was made
/// of some forty strings, 45,000 instructions).
public final class TextBuffer {
    // Read and written for every piece: without the run-time exclusivity checks of a class's
    // stored properties, which cost more than the writing (one thread uses a buffer).
    @exclusivity(unchecked) private var storage: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    /// Bytes written so far.
    @exclusivity(unchecked) public private(set) var count = 0

    public init(capacity: Int = 256) {
        self.capacity = max(capacity, 64)
        storage = .allocate(capacity: self.capacity)
    }

    deinit { storage.deallocate() }

    /// Has `body` write at most `room` bytes past the end (what does not fit in `room` is cut).
    @inline(__always)
    public func write(room: Int, _ body: (inout TextBytes) -> Void) {
        if capacity - count < room { grow(toHold: room) }
        var text = TextBytes(UnsafeMutableBufferPointer(start: storage + count, count: room))
        body(&text)
        count += text.count
    }

    @inline(never)
    private func grow(toHold room: Int) {
        let larger = max(capacity * 2, count + room)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        grown.update(from: storage, count: count)
        storage.deallocate()
        storage = grown
        capacity = larger
    }

    /// One byte, stored directly: separators and quotes are most of the pieces of a line.
    @inline(__always)
    public func append(_ byte: UInt8) {
        if count == capacity { grow(toHold: 1) }
        storage[count] = byte
        count &+= 1
    }
    public func append(_ text: StaticString) { write(room: text.utf8CodeUnitCount) { $0.append(text) } }
    /// A string's bytes; a literal goes to `append(_: StaticString)`, which reads its bytes as they are.
    public func append(contentsOf text: String) { write(room: text.utf8.count) { $0.append(text) } }
    public func append(decimal value: Int) { write(room: 20) { $0.append(decimal: value) } }
    public func append(_ mac: MACAddress) { write(room: 17) { $0.append(mac) } }
    /// The longest IPv6 text, an IPv4-mapped one with its dotted quad, is 45 bytes.
    public func append(_ address: IPAddress) { write(room: 45) { $0.append(address) } }

    /// The bytes written.
    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage, count: count) }

    /// What was written, as a string.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Takes back the last `n` bytes written.
    public func removeLast(_ n: Int) { count -= min(max(n, 0), count) }

    /// Empties it, keeping its memory.
    public func removeAll() { count = 0 }
}
