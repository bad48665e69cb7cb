/// A first-hop redundancy message (HSRP, GLBP, VRRP, or CARP recognised and set aside), in
/// fixed-size fields: up to eight virtual addresses and four GLBP forwarders are kept, more are
/// counted.
public struct FHRPMessage: Sendable, BitwiseCopyable, Equatable {
    public static func == (lhs: FHRPMessage, rhs: FHRPMessage) -> Bool {
        lhs.kind == rhs.kind && lhs.group == rhs.group && lhs.opcode == rhs.opcode && lhs.rawState == rhs.rawState
            && lhs.priority == rhs.priority && lhs.virtualIPs == rhs.virtualIPs && lhs.forwarders == rhs.forwarders
            && lhs.identifier == rhs.identifier && lhs.addressCount == rhs.addressCount
    }

    public enum Kind: UInt8, Sendable, BitwiseCopyable {
        case hsrp1, hsrp2, hsrp6, glbp, vrrp2, vrrp3, carp

        public var name: String {
            switch self {
            case .hsrp1: "hsrp1"
            case .hsrp2: "hsrp2"
            case .hsrp6: "hsrp6"
            case .glbp: "glbp"
            case .vrrp2: "vrrp2"
            case .vrrp3: "vrrp3"
            case .carp: "carp"
            }
        }
    }

    /// Roles on a common scale (HSRP v1 and v2 number them differently; GLBP uses its own).
    public enum State: UInt8, Sendable, BitwiseCopyable {
        case unknown, disabled, initial, learn, listen, speak, standby, active

        public var name: String {
            switch self {
            case .unknown: "unknown"
            case .disabled: "disabled"
            case .initial: "init"
            case .learn: "learn"
            case .listen: "listen"
            case .speak: "speak"
            case .standby: "standby"
            case .active: "active"
            }
        }
    }

    public struct Forwarder: Sendable, BitwiseCopyable, Equatable {
        public var number: UInt8
        public var state: State
        public var priority: UInt8
        public var weight: UInt8
        public var virtualMAC: MACAddress
    }

    public var kind: Kind
    public var group: UInt16 = 0
    /// HSRP: 0 hello, 1 coup, 2 resign, 3 advertisement. VRRP/CARP: the message type.
    public var opcode: UInt8 = 0
    public var state: State = .unknown
    /// The state byte as sent.
    public var rawState: UInt8 = 0
    public var priority: UInt32 = 0
    public var helloMilliseconds: UInt32?
    public var holdMilliseconds: UInt32?
    /// HSRP v2 identifier or GLBP owner: the sender's own MAC.
    public var identifier: MACAddress?
    /// Clear-text authentication (HSRP, VRRP v2), up to 8 bytes, as an integer of its bytes.
    public var authentication: UInt64?
    public var hasMD5Authentication = false
    /// Virtual addresses: the count the message claims and the ones actually present (at most 8 kept).
    public var addressCount = 0
    public var addressesPresent = 0
    private var addresses: (IPAddress?, IPAddress?, IPAddress?, IPAddress?, IPAddress?, IPAddress?, IPAddress?, IPAddress?) =
        (nil, nil, nil, nil, nil, nil, nil, nil)
    /// GLBP forwarders (at most 4 kept) and how many the message carried.
    public var forwarderCount = 0
    private var forwarder0: Forwarder?
    private var forwarder1: Forwarder?
    private var forwarder2: Forwarder?
    private var forwarder3: Forwarder?
    /// HSRP opcode 3: active and passive group counts.
    public var activeGroups: UInt16?
    public var passiveGroups: UInt16?

    init(kind: Kind) { self.kind = kind }

    public var virtualIPs: [IPAddress] {
        [addresses.0, addresses.1, addresses.2, addresses.3, addresses.4, addresses.5, addresses.6, addresses.7].compactMap { $0 }
    }
    public var virtualIP: IPAddress? { addresses.0 }
    public var forwarders: [Forwarder] { [forwarder0, forwarder1, forwarder2, forwarder3].compactMap { $0 } }

    mutating func addAddress(_ address: IPAddress) {
        switch addressesPresent {
        case 0: addresses.0 = address
        case 1: addresses.1 = address
        case 2: addresses.2 = address
        case 3: addresses.3 = address
        case 4: addresses.4 = address
        case 5: addresses.5 = address
        case 6: addresses.6 = address
        case 7: addresses.7 = address
        default: break
        }
        addressesPresent += 1
    }

    mutating func addForwarder(_ forwarder: Forwarder) {
        switch forwarderCount {
        case 0: forwarder0 = forwarder
        case 1: forwarder1 = forwarder
        case 2: forwarder2 = forwarder
        case 3: forwarder3 = forwarder
        default: break
        }
        forwarderCount += 1
    }

    /// The authentication bytes as text (NUL padding dropped).
    public var authenticationText: String? {
        guard let authentication else { return nil }
        var bytes: [UInt8] = []
        for index in 0..<8 {
            let byte = UInt8(truncatingIfNeeded: authentication >> (56 - 8 * index))
            if byte == 0 { break }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
