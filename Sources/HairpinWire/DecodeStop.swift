/// The layers the decoder walks, for stop reasons and anomaly counts.
public enum Layer: UInt8, Sendable, BitwiseCopyable, CaseIterable, CustomStringConvertible {
    case link, vlan, llc, linuxCooked, loopback, mpls
    case arp, rarp, ipv4, ipv6, ipv6Extension, icmp, icmpv6, neighborDiscovery, tcp, udp
    case gre, erspan, vxlan, geneve, nsh
    case hsrp, glbp, vrrp
    case pbb, fabricPath, vnTag, eTag, arista

    public var description: String {
        switch self {
        case .link: "eth"
        case .vlan: "vlan"
        case .llc: "llc"
        case .linuxCooked: "sll"
        case .loopback: "null"
        case .mpls: "mpls"
        case .arp: "arp"
        case .rarp: "rarp"
        case .ipv4: "ipv4"
        case .ipv6: "ipv6"
        case .ipv6Extension: "ipv6_extension"
        case .icmp: "icmp"
        case .icmpv6: "icmpv6"
        case .neighborDiscovery: "nd"
        case .tcp: "tcp"
        case .udp: "udp"
        case .gre: "gre"
        case .erspan: "erspan"
        case .vxlan: "vxlan"
        case .geneve: "geneve"
        case .nsh: "nsh"
        case .hsrp: "hsrp"
        case .glbp: "glbp"
        case .vrrp: "vrrp"
        case .pbb: "pbb"
        case .fabricPath: "fabricpath"
        case .vnTag: "vntag"
        case .eTag: "etag"
        case .arista: "arista"
        }
    }
}

/// Why the walk over a frame stopped before its end. `truncated` is the normal case of a
/// snapshot length cutting headers; `malformed` is a header that contradicts itself;
/// `unsupported` is an encapsulation the decoder does not take apart (counted, not guessed).
public struct DecodeStop: Sendable, BitwiseCopyable, Equatable, CustomStringConvertible {
    public enum Kind: UInt8, Sendable, BitwiseCopyable, CaseIterable {
        case truncated, malformed, unsupported, tooManyLayers
    }

    /// What kind of number `value` is, for `unsupported`.
    public enum Subject: UInt8, Sendable, BitwiseCopyable, CaseIterable {
        case none, linkType, etherType, greProtocol, greVersion, udpTunnel, llc
    }

    public var kind: Kind
    public var layer: Layer
    /// Frame offset of the header that could not be read.
    public var offset: Int
    /// Bytes that header needed and bytes that were there (for `truncated`).
    public var needed: Int
    public var available: Int
    /// The protocol number that was not supported, and what kind of number it is.
    public var value: UInt32
    public var subject: Subject

    public init(kind: Kind, layer: Layer, offset: Int, needed: Int = 0, available: Int = 0,
                value: UInt32 = 0, subject: Subject = .none) {
        self.kind = kind
        self.layer = layer
        self.offset = offset
        self.needed = needed
        self.available = available
        self.value = value
        self.subject = subject
    }

    /// `truncated_tcp`, `malformed_ipv4`, `unsupported_ethertype` style names for counters.
    public var name: String {
        switch kind {
        case .truncated: "truncated_\(layer)"
        case .malformed: "malformed_\(layer)"
        case .tooManyLayers: "too_many_layers"
        case .unsupported:
            switch subject {
            case .linkType: "unsupported_link_type"
            case .etherType: "unsupported_ethertype"
            case .greProtocol: "unsupported_gre_protocol"
            case .greVersion: "unsupported_gre_version"
            case .udpTunnel: "unsupported_udp_tunnel"
            case .llc: "unsupported_llc"
            case .none: "unsupported_\(layer)"
            }
        }
    }

    public var description: String {
        switch kind {
        case .truncated: "\(name) at \(offset): needs \(needed) bytes, \(available) captured"
        case .malformed, .tooManyLayers: "\(name) at \(offset)"
        case .unsupported: "\(name) 0x\(String(value, radix: 16)) at \(offset)"
        }
    }
}
