/// The protocol layers of a frame as far as a quick walk goes: link layer, VLAN tags, the
/// EtherType they lead to and the IP protocol. Used for the protocol breakdown of a capture;
/// it reads headers only and never trusts a length beyond the captured bytes.
public struct ProtocolSummary: Hashable, Sendable, BitwiseCopyable {
    public var linkType: LinkType
    public var vlanTags: UInt8 = 0
    /// EtherType (or SLL protocol) of the network layer; nil when the frame stops before it.
    public var etherType: UInt16?
    /// IPv4 protocol or IPv6 next header after extension headers.
    public var ipProtocol: UInt8?
    /// True when the walk ran out of captured bytes before it was done.
    public var truncated = false

    public init(linkType: LinkType, bytes: UnsafeRawBufferPointer) {
        self.linkType = linkType
        guard let base = bytes.baseAddress else {
            truncated = true
            return
        }
        let count = bytes.count
        var offset: Int
        var type: UInt16
        func u16(_ at: Int) -> UInt16 { UInt16(bigEndian: base.loadUnaligned(fromByteOffset: at, as: UInt16.self)) }
        switch linkType.rawValue {
        case 1:
            guard count >= 14 else { truncated = true; return }
            type = u16(12)
            offset = 14
            while type == 0x8100 || type == 0x88A8 || type == 0x9100 {
                guard offset + 4 <= count else { truncated = true; return }
                vlanTags &+= 1
                type = u16(offset + 2)
                offset += 4
            }
            if type < 0x0600 {
                // 802.3 length field: LLC, and SNAP when DSAP/SSAP are AA/AA.
                guard offset + 3 <= count else { truncated = true; return }
                if base.load(fromByteOffset: offset, as: UInt8.self) == 0xAA, offset + 8 <= count {
                    type = u16(offset + 6)
                    offset += 8
                } else {
                    etherType = nil
                    return
                }
            }
        case 113:
            guard count >= 16 else { truncated = true; return }
            type = u16(14)
            offset = 16
        case 276:
            guard count >= 20 else { truncated = true; return }
            type = u16(0)
            offset = 20
        case 0, 108:
            guard count >= 4 else { truncated = true; return }
            let family = base.loadUnaligned(as: UInt32.self)
            let host = linkType.rawValue == 108 ? UInt32(bigEndian: family) : (family > 0xFFFF ? family.byteSwapped : family)
            // AF_INET is 2 everywhere; AF_INET6 differs by OS (10, 24, 28, 30).
            type = host == 2 ? 0x0800 : [10, 24, 28, 30].contains(host) ? 0x86DD : 0
            offset = 4
        case 12, 14, 101:
            guard count >= 1 else { truncated = true; return }
            type = base.load(as: UInt8.self) >> 4 == 6 ? 0x86DD : 0x0800
            offset = 0
        case 228:
            type = 0x0800
            offset = 0
        case 229:
            type = 0x86DD
            offset = 0
        default:
            return
        }
        etherType = type
        switch type {
        case 0x0800:
            guard offset + 20 <= count else { truncated = true; return }
            ipProtocol = base.load(fromByteOffset: offset + 9, as: UInt8.self)
        case 0x86DD:
            guard offset + 40 <= count else { truncated = true; return }
            var next = base.load(fromByteOffset: offset + 6, as: UInt8.self)
            var cursor = offset + 40
            // Hop-by-hop, routing, destination options: length in 8-byte units after the first 8.
            var hops = 0
            while (next == 0 || next == 43 || next == 60 || next == 44), hops < 8 {
                guard cursor + 8 <= count else { truncated = true; break }
                let following = base.load(fromByteOffset: cursor, as: UInt8.self)
                cursor += next == 44 ? 8 : (Int(base.load(fromByteOffset: cursor + 1, as: UInt8.self)) + 1) * 8
                next = following
                hops += 1
            }
            ipProtocol = next
        default:
            break
        }
    }

    /// `eth>vlan>ipv4>tcp` style path, in the manner of a protocol hierarchy.
    public var path: String {
        var parts: [String] = []
        switch linkType.rawValue {
        case 1: parts.append("eth")
        case 113, 276: parts.append("sll")
        case 0, 108: parts.append("null")
        case 12, 14, 101: parts.append("raw")
        case 228, 229: break
        default: parts.append(linkType.name.lowercased())
        }
        for _ in 0..<vlanTags { parts.append("vlan") }
        if let etherType {
            parts.append(Self.etherTypeName(etherType))
            if let ipProtocol { parts.append(Self.ipProtocolName(ipProtocol)) }
        } else if linkType.rawValue == 1 && !truncated {
            parts.append("llc")
        }
        if truncated { parts.append("[truncated]") }
        return parts.joined(separator: ">")
    }

    public static func etherTypeName(_ type: UInt16) -> String {
        switch type {
        case 0x0800: "ipv4"
        case 0x86DD: "ipv6"
        case 0x0806: "arp"
        case 0x8035: "rarp"
        case 0x88CC: "lldp"
        case 0x8847, 0x8848: "mpls"
        case 0x88E7: "pbb"
        case 0x8902: "cfm"
        case 0x88F7: "ptp"
        case 0x893F: "vntag"
        case 0x8809: "slow"
        case 0x88E5: "macsec"
        case 0x880B: "ppp"
        case 0x8864: "pppoe"
        case 0x8863: "pppoed"
        default: "ethertype-0x" + String(type, radix: 16)
        }
    }

    public static func ipProtocolName(_ proto: UInt8) -> String {
        switch proto {
        case 1: "icmp"
        case 2: "igmp"
        case 4: "ipip"
        case 6: "tcp"
        case 17: "udp"
        case 41: "ipv6"
        case 46: "rsvp"
        case 47: "gre"
        case 50: "esp"
        case 51: "ah"
        case 58: "icmpv6"
        case 59: "none"
        case 89: "ospf"
        case 103: "pim"
        case 112: "vrrp"
        case 132: "sctp"
        default: "ip-\(proto)"
        }
    }
}
