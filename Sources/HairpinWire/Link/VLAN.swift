/// One 802.1Q / 802.1ad tag: TPID and TCI (priority, drop eligible, VLAN id).
public struct VLANTag: Sendable, BitwiseCopyable, Equatable {
    public var tpid: UInt16
    public var tci: UInt16

    public init(tpid: UInt16, tci: UInt16) {
        self.tpid = tpid
        self.tci = tci
    }

    @inlinable public var id: UInt16 { tci & 0x0FFF }
    public var priority: UInt8 { UInt8(tci >> 13) }
    public var dropEligible: Bool { tci & 0x1000 != 0 }

    /// Tag protocol identifiers accepted as VLAN tags: C-tag, S-tag and the pre-standard QinQ ones.
    @inlinable
    public static func isTagProtocol(_ etherType: UInt16) -> Bool {
        etherType == 0x8100 || etherType == 0x88A8 || etherType == 0x9100 || etherType == 0x9200
    }

    @usableFromInline static let length = 4
}

/// Up to `capacity` tags of one frame, outer first, in fixed storage (no allocation). Deeper
/// stacks are walked but only counted (`overflowed`).
public struct VLANStack: Sendable, BitwiseCopyable, Equatable {
    public static let capacity = 4
    @usableFromInline var tags: (VLANTag, VLANTag, VLANTag, VLANTag)
    /// Tags stored (at most `capacity`).
    public private(set) var count: Int = 0
    /// Tags seen beyond `capacity`.
    public private(set) var overflowed: Int = 0

    public init() {
        let empty = VLANTag(tpid: 0, tci: 0)
        tags = (empty, empty, empty, empty)
    }

    public var isEmpty: Bool { count == 0 }

    @inline(__always)
    mutating func append(_ tag: VLANTag) {
        switch count {
        case 0: tags.0 = tag
        case 1: tags.1 = tag
        case 2: tags.2 = tag
        case 3: tags.3 = tag
        default:
            overflowed += 1
            return
        }
        count += 1
    }

    @inlinable
    public subscript(index: Int) -> VLANTag {
        precondition(index >= 0 && index < count)
        switch index {
        case 0: return tags.0
        case 1: return tags.1
        case 2: return tags.2
        default: return tags.3
        }
    }

    /// Outer tag first.
    public var all: [VLANTag] { (0..<count).map { self[$0] } }

    /// The innermost (customer) VLAN id, the one a MAC table is keyed by. Inlinable: read for
    /// every frame by the flow key and the MAC tracker, in other modules.
    @inlinable @inline(__always) public var innermostId: UInt16? { count == 0 ? nil : self[count - 1].id }

    public static func == (lhs: VLANStack, rhs: VLANStack) -> Bool { lhs.all == rhs.all && lhs.overflowed == rhs.overflowed }
}
