/// ICMP and ICMPv6 type and code, and for ICMPv6 neighbour discovery the target address,
/// the flags and the link-layer address option (RFC 4861).
public struct ICMPFields: Sendable, BitwiseCopyable, Equatable {
    public var type: UInt8
    public var code: UInt8
    public var isVersion6: Bool

    static let headerLength = 4
}

public struct NeighborDiscovery: Sendable, BitwiseCopyable, Equatable {
    public enum Message: UInt8, Sendable, BitwiseCopyable {
        case routerSolicitation = 133, routerAdvertisement = 134, neighborSolicitation = 135, neighborAdvertisement = 136, redirect = 137
    }

    public var message: Message
    /// NS, NA and redirect: the target address.
    public var target: IPv6Address?
    /// NA flags: router, solicited, override.
    public var router = false
    public var solicited = false
    public var override = false
    /// Source (type 1) or target (type 2) link-layer address option, when present with 6 bytes.
    public var sourceLinkLayer: MACAddress?
    public var targetLinkLayer: MACAddress?

    enum Field {
        static let flags = 4
        static let target = 8
        static let targetOptions = 24
        static let routerAdvertisementOptions = 16
        static let routerSolicitationOptions = 8
        static let redirectOptions = 40
    }

    /// Reads the message at `offset` (the ICMPv6 header) up to `end`, where the IP payload ends.
    /// Options are walked by their length (8-byte units; 0 is malformed and ends the walk). A
    /// walk cut by the captured length reports where the cut part would have ended.
    static func parse(_ bytes: ByteView, at offset: Int, end ipEnd: Int, type: UInt8) -> (NeighborDiscovery?, truncatedAt: Int?, malformed: Bool) {
        let end = min(ipEnd, bytes.count)
        guard let message = Message(rawValue: type) else { return (nil, nil, false) }
        var nd = NeighborDiscovery(message: message)
        let optionsStart: Int
        switch message {
        case .neighborSolicitation, .neighborAdvertisement:
            guard end - offset >= Field.targetOptions else { return (nd, offset + Field.targetOptions, false) }
            nd.target = bytes.ipv6(offset + Field.target)
            if message == .neighborAdvertisement {
                let flags = bytes.u8(offset + Field.flags)
                nd.router = flags & 0x80 != 0
                nd.solicited = flags & 0x40 != 0
                nd.override = flags & 0x20 != 0
            }
            optionsStart = offset + Field.targetOptions
        case .redirect:
            guard end - offset >= Field.redirectOptions else { return (nd, offset + Field.redirectOptions, false) }
            nd.target = bytes.ipv6(offset + Field.target)
            optionsStart = offset + Field.redirectOptions
        case .routerAdvertisement:
            optionsStart = offset + Field.routerAdvertisementOptions
        case .routerSolicitation:
            optionsStart = offset + Field.routerSolicitationOptions
        }
        var cursor = optionsStart
        while cursor + 2 <= end {
            let optionType = bytes.u8(cursor)
            let length = Int(bytes.u8(cursor + 1)) * 8
            if length == 0 { return (nd, nil, true) }
            if cursor + length > end { return (nd, cursor + length, false) }
            if length >= 8 {
                if optionType == 1 { nd.sourceLinkLayer = bytes.mac(cursor + 2) }
                if optionType == 2 { nd.targetLinkLayer = bytes.mac(cursor + 2) }
            }
            cursor += length
        }
        // Options left unread: cut by the capture, or a stray byte the message says is there.
        if cursor < ipEnd {
            return bytes.count < ipEnd ? (nd, cursor + 2, false) : (nd, nil, true)
        }
        return (nd, nil, false)
    }
}
