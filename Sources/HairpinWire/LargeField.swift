/// Where a decoded packet keeps a large optional field (ARP, FHRP, tunnel, ...): the value only.
/// Whether it is present is one bit of the packet's `presentLargeFields`, next to the fields
/// read for every frame, so clearing all of them for the next frame writes one byte: Swift's
/// `Optional` of a large value writes the whole payload when set to nil, and a flag beside each
/// payload would dirty a cache line per field, lines another core then has to fetch back.
public struct LargeField<Value: BitwiseCopyable & Sendable>: BitwiseCopyable, Sendable {
    /// Meaningful only while the packet's bit says so; otherwise whatever was there before (or zeros).
    @usableFromInline var payload: Value

    @inline(__always)
    public init() {
        // Zeros, never read while absent: no value of the type has to be made up.
        payload = withUnsafeTemporaryAllocation(of: Value.self, capacity: 1) { buffer in
            UnsafeMutableRawBufferPointer(buffer).initializeMemory(as: UInt8.self, repeating: 0)
            return buffer[0]
        }
    }
}

// A stale payload is no part of what a packet shows: its value is shown by the packet's
// accessor, which knows whether it is there.
extension LargeField: CustomStringConvertible, CustomReflectable {
    public var description: String { "LargeField<\(Value.self)>" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
