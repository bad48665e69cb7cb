/// The layers a frame was decoded through, outermost first (`eth>vlan>ipv4>udp>vxlan>eth>...`),
/// in two words: a fixed-size key for protocol breakdowns.
public struct LayerPath: Hashable, Sendable, BitwiseCopyable, CustomStringConvertible {
    public static let capacity = 16
    private var low: UInt64 = 0
    private var high: UInt64 = 0
    public private(set) var count = 0

    public init() {}

    /// Masking shifts and wrapping arithmetic, all in range here: the checked ones (for a shift of
    /// 64 or more, a negative count) cost a frame of ERSPAN and its inner frame 16 instructions.
    @inline(__always)
    mutating func append(_ layer: Layer) {
        guard count < Self.capacity else { return }
        let code = UInt64(layer.rawValue) &+ 1
        let shift = UInt64(truncatingIfNeeded: count & 7) &* 8
        if count < 8 { low |= code &<< shift } else { high |= code &<< shift }
        count &+= 1
    }

    public var layers: [Layer] { (0..<count).compactMap(layer(at:)) }

    /// The layer at `index` (0: outermost), read without making the array of `layers`.
    @inline(__always)
    public func layer(at index: Int) -> Layer? {
        guard index >= 0 && index < count else { return nil }
        let word = index < 8 ? low : high
        let code = UInt8(truncatingIfNeeded: word >> (8 &* UInt64(index & 7)))
        return Layer(rawValue: code &- 1)
    }

    /// Bytes of the longest text: sixteen of the longest names and the fifteen `>` between.
    public static let longestText = capacity * 17 - 1

    public var description: String {
        String(unsafeUninitializedCapacity: Self.longestText) { buffer in
            var text = TextBytes(buffer)
            text.append(self)
            return text.count
        }
    }
}
