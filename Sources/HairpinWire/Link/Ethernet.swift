/// Ethernet II and 802.3 (LLC, SNAP) frames with any stack of VLAN tags.
@usableFromInline enum EthernetHeader {
    @usableFromInline static let length = 14
    @usableFromInline enum Field {
        @usableFromInline static let destination = 0
        @usableFromInline static let source = 6
        @usableFromInline static let etherType = 12
    }
    /// Values below this in the type field are 802.3 lengths.
    static let minimumEtherType: UInt16 = 0x0600
    static let llcLength = 3
    static let snapLength = 8

    /// Where the network header of `frame` starts behind Ethernet and at most one 802.1Q tag,
    /// and the EtherType there, when the frame holds `following` bytes beyond: the straight
    /// passes' start (`CommonTCPFrame`, `MirroredTCPFrame`).
    @inlinable @inline(__always)
    static func network(of frame: ByteView, holding following: Int) -> (offset: Int, etherType: UInt16)? {
        var offset = length
        guard frame.count >= offset + following else { return nil }
        var type = frame.u16(Field.etherType)
        if type == 0x8100 {
            offset += VLANTag.length
            guard frame.count >= offset + following else { return nil }
            type = frame.u16(length + 2)
        }
        return (offset, type)
    }

    /// Where the IPv4 header of `frame` starts, when `network(of:holding:)` finds one that
    /// `IPv4Header.isPlain` and carries `protocolNumber`.
    @inlinable @inline(__always)
    static func plainIPv4(of frame: ByteView, holding following: Int, carrying protocolNumber: UInt8) -> Int? {
        guard let (offset, type) = network(of: frame, holding: following), type == 0x0800,
              IPv4Header.isPlain(frame, at: offset, carrying: protocolNumber) else { return nil }
        return offset
    }
}

extension ByteView {
    /// The bytes of an Ethernet frame (nil for another link type or no bytes).
    @inlinable @inline(__always)
    init?(ethernetFrame bytes: UnsafeRawBufferPointer, linkType: LinkType) {
        guard linkType == .ethernet, let base = bytes.baseAddress else { return nil }
        self.init(base: base, count: bytes.count)
    }
}

extension FrameWalk {
    /// Where decoding starts for a capture's link type.
    mutating func linkLayer(_ linkType: LinkType) -> Decoder.Step {
        switch linkType.rawValue {
        case 1: return .ethernet(0)
        case 113: return linuxCooked(at: 0)
        case 276: return linuxCookedV2(at: 0)
        case 0, 108: return loopback(at: 0, networkOrder: linkType.rawValue == 108)
        case 12, 14, 101: return .ipByNibble(0, from: .link)
        case 228: return .ipv4(0)
        case 229: return .ipv6(0)
        default:
            stop(.unsupported, .link, at: 0, value: UInt32(linkType.rawValue), subject: .linkType)
            return .done
        }
    }

    mutating func ethernet(at offset: Int) -> Decoder.Step {
        guard has(EthernetHeader.length, at: offset, .link) else { return .done }
        packet.destinationMAC = bytes.mac(offset + EthernetHeader.Field.destination)
        packet.sourceMAC = bytes.mac(offset + EthernetHeader.Field.source)
        packet.layers.append(.link)
        guard let (type, cursor) = vlanTags(bytes.u16(offset + EthernetHeader.Field.etherType),
                                            at: offset + EthernetHeader.length) else { return .done }
        if type < EthernetHeader.minimumEtherType {
            return llc(at: cursor)
        }
        return .etherType(type, cursor, from: packet.vlans.isEmpty ? .link : .vlan)
    }

    /// Reads the VLAN tags that `type` (the EtherType field just read) starts, if any; returns the
    /// EtherType after them and where the payload starts, or nil when the tags are cut short.
    mutating func vlanTags(_ type: UInt16, at offset: Int) -> (UInt16, Int)? {
        var type = type
        var cursor = offset
        var tags = 0
        while VLANTag.isTagProtocol(type) {
            guard has(VLANTag.length, at: cursor, .vlan) else { return nil }
            tags += 1
            if tags > decoder.maximumLayers {
                stop(.tooManyLayers, .vlan, at: cursor)
                return nil
            }
            packet.vlans.append(VLANTag(tpid: type, tci: bytes.u16(cursor)))
            packet.layers.append(.vlan)
            type = bytes.u16(cursor + 2)
            cursor += VLANTag.length
        }
        return (type, cursor)
    }

    /// 802.2 LLC; SNAP (AA AA 03, OUI, EtherType) continues with the EtherType.
    mutating func llc(at offset: Int) -> Decoder.Step {
        guard has(EthernetHeader.llcLength, at: offset, .llc) else { return .done }
        let saps = bytes.u16(offset)
        packet.llcSAPs = saps
        packet.layers.append(.llc)
        if saps == 0xAAAA && bytes.u8(offset + 2) == 0x03 {
            guard has(EthernetHeader.snapLength, at: offset, .llc) else { return .done }
            let oui = bytes.u32(offset + 2) & 0x00FF_FFFF
            if oui == 0 {
                return .etherType(bytes.u16(offset + 6), offset + EthernetHeader.snapLength, from: .llc)
            }
        }
        return .done
    }
}
