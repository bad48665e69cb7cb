/// IP protocol numbers the decoder reads past the network layer.
@usableFromInline enum IPProtocol {
    static let icmp: UInt8 = 1
    static let ipInIP: UInt8 = 4
    @usableFromInline static let tcp: UInt8 = 6
    @usableFromInline static let udp: UInt8 = 17
    static let ipv6InIP: UInt8 = 41
    @usableFromInline static let gre: UInt8 = 47
    static let icmpv6: UInt8 = 58
    static let vrrp: UInt8 = 112
}

extension FrameWalk {
    /// The transport header at `offset`; `end` is where the IP payload ends by its own lengths.
    mutating func transport(protocol number: UInt8, at offset: Int, end: Int) -> Decoder.Step {
        switch number {
        case IPProtocol.tcp: return tcp(at: offset, end: end)
        case IPProtocol.udp: return udp(at: offset, end: end)
        case IPProtocol.icmp: return icmp(at: offset, end: end, version6: false)
        case IPProtocol.icmpv6: return icmp(at: offset, end: end, version6: true)
        case IPProtocol.gre: return gre(at: offset, end: end)
        case IPProtocol.vrrp:
            let ipv6: Bool = if case .v6 = packet.sourceIP { true } else { false }
            vrrp(at: offset, end: end, ipv6: ipv6)
            return .done
        case IPProtocol.ipInIP, IPProtocol.ipv6InIP:
            let info = TunnelInfo(kind: .ipInIP, outerSource: packet.sourceIP, outerDestination: packet.destinationIP)
            guard enterTunnel(info, innerAt: offset, .ipv4) else { return .done }
            return number == IPProtocol.ipInIP ? .ipv4(offset) : .ipv6(offset)
        default:
            return .done
        }
    }

    mutating func icmp(at offset: Int, end: Int, version6: Bool) -> Decoder.Step {
        let layer: Layer = version6 ? .icmpv6 : .icmp
        guard has(ICMPFields.headerLength, at: offset, layer) else { return .done }
        let type = bytes.u8(offset)
        packet.icmp = ICMPFields(type: type, code: bytes.u8(offset + 1), isVersion6: version6)
        packet.layers.append(layer)
        if version6 && (133...137).contains(type) {
            let (nd, truncatedAt, malformed) = NeighborDiscovery.parse(bytes, at: offset, end: end, type: type)
            packet.neighborDiscovery = nd
            if malformed {
                stop(.malformed, .neighborDiscovery, at: offset)
            } else if let truncatedAt {
                truncated(.neighborDiscovery, at: offset, needed: truncatedAt - offset)
            }
        }
        return .done
    }
}
