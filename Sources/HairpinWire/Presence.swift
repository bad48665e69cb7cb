/// An optional value whose absence costs one byte to record. Swift's `Optional` of a large
/// value writes the whole payload (through a temporary) when set to nil; a decoded packet
/// clears half a dozen such fields per frame, so it keeps them in this form instead.
public struct Presence<Value: BitwiseCopyable & Sendable>: BitwiseCopyable, Sendable {
    /// Meaningful only while `isPresent`; otherwise whatever was there before (or zeros).
    private var payload: Value
    public private(set) var isPresent = false

    @inline(__always)
    public init() {
        // Zeros, never read while absent: no value of the type has to be made up.
        payload = withUnsafeTemporaryAllocation(of: Value.self, capacity: 1) { buffer in
            UnsafeMutableRawBufferPointer(buffer).initializeMemory(as: UInt8.self, repeating: 0)
            return buffer[0]
        }
    }

    public var value: Value? {
        @inline(__always) get { isPresent ? payload : nil }
        @inline(__always) set {
            if let newValue { payload = newValue }
            isPresent = newValue != nil
        }
    }

    @inline(__always)
    public mutating func clear() { isPresent = false }
}

// Shown, compared and dumped by value: the stale payload of an absent field is not part of it.
extension Presence: CustomStringConvertible, CustomReflectable {
    public var description: String { value.map { "\($0)" } ?? "nil" }
    public var customMirror: Mirror { Mirror(reflecting: value as Any) }
}

extension Presence: Equatable where Value: Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.value == rhs.value }
}
