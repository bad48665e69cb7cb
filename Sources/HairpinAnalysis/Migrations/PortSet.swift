/// A set of TCP or UDP ports, a bit for each of the 65,536: whether a port is in it is a load
/// and a test, with no hashing.
struct PortSet: Sendable {
    private var words: [UInt64]

    init(_ ports: some Sequence<UInt16>) {
        words = [UInt64](repeating: 0, count: 1 << 10)
        for port in ports { words[Int(port) >> 6] |= 1 << UInt64(port & 63) }
    }

    @inline(__always)
    func contains(_ port: UInt16) -> Bool {
        words.withUnsafeBufferPointer { $0[Int(port) >> 6] } >> UInt64(port & 63) & 1 != 0
    }
}
