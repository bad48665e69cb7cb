/// Layer-2 encapsulations of data-center fabrics that wrap a whole customer frame or add a tag
/// before the EtherType: 802.1ah provider backbone bridging (I-TAG, then the customer MACs),
/// Cisco FabricPath (an outer MAC header, then the original frame), Cisco VN-Tag and 802.1BR
/// E-Tag (a tag, then the frame's own EtherType), and the Arista timestamp header that tap
/// aggregation switches insert (subtype, version, a 48- or 64-bit timestamp, then the EtherType).
enum ProviderTag {
    static let pbb: UInt16 = 0x88E7
    static let fabricPath: UInt16 = 0x8903
    static let vnTag: UInt16 = 0x8926
    static let eTag: UInt16 = 0x893F
    static let arista: UInt16 = 0xD28B
    /// I-TAG: PCP/DEI/UCA/reserved, 24-bit I-SID.
    static let pbbTagLength = 4
    /// FabricPath: FTag and TTL after the EtherType.
    static let fabricPathTagLength = 2
    static let vnTagLength = 4
    static let eTagLength = 6
    /// Arista: subtype and version words; subtype 1 is the timestamp, whose length the
    /// version's format bits give (1: 64-bit, 2: 48-bit).
    static let aristaFixedLength = 4
    static let aristaTimestampSubtype: UInt16 = 1

    static func aristaTimestampLength(version: UInt16) -> Int? {
        switch (version >> 4) & 0x3 {
        case 1: 8
        case 2: 6
        default: nil
        }
    }
}

extension FrameWalk {
    /// Handles the EtherTypes above; nil for any other.
    mutating func providerTag(_ type: UInt16, at offset: Int, from layer: Layer) -> Decoder.Step? {
        switch type {
        case ProviderTag.pbb:
            guard has(ProviderTag.pbbTagLength, at: offset, .pbb) else { return .done }
            packet.layers.append(.pbb)
            var info = TunnelInfo(kind: .pbb, outerSource: nil, outerDestination: nil)
            info.vni = bytes.u32(offset) & 0x00FF_FFFF
            let inner = offset + ProviderTag.pbbTagLength
            guard enterTunnel(info, innerAt: inner, .pbb) else { return .done }
            return .ethernet(inner)
        case ProviderTag.fabricPath:
            guard has(ProviderTag.fabricPathTagLength, at: offset, .fabricPath) else { return .done }
            packet.layers.append(.fabricPath)
            let inner = offset + ProviderTag.fabricPathTagLength
            guard enterTunnel(TunnelInfo(kind: .fabricPath, outerSource: nil, outerDestination: nil), innerAt: inner, .fabricPath) else { return .done }
            return .ethernet(inner)
        case ProviderTag.vnTag:
            guard has(ProviderTag.vnTagLength, at: offset, .vnTag) else { return .done }
            packet.layers.append(.vnTag)
            return etherTypeAfterTag(at: offset + ProviderTag.vnTagLength, .vnTag)
        case ProviderTag.eTag:
            guard has(ProviderTag.eTagLength, at: offset, .eTag) else { return .done }
            packet.layers.append(.eTag)
            return etherTypeAfterTag(at: offset + ProviderTag.eTagLength, .eTag)
        case ProviderTag.arista:
            guard has(ProviderTag.aristaFixedLength, at: offset, .arista) else { return .done }
            let subtype = bytes.u16(offset)
            guard subtype == ProviderTag.aristaTimestampSubtype,
                  let length = ProviderTag.aristaTimestampLength(version: bytes.u16(offset + 2)) else {
                stop(.unsupported, .arista, at: offset, value: UInt32(subtype))
                return .done
            }
            guard has(ProviderTag.aristaFixedLength + length, at: offset, .arista) else { return .done }
            packet.layers.append(.arista)
            return etherTypeAfterTag(at: offset + ProviderTag.aristaFixedLength + length, .arista)
        default:
            return nil
        }
    }

    /// The EtherType that follows a tag, after any VLAN tags of the frame's own.
    private mutating func etherTypeAfterTag(at offset: Int, _ layer: Layer) -> Decoder.Step {
        guard has(2, at: offset, layer), let (type, cursor) = vlanTags(bytes.u16(offset), at: offset + 2) else { return .done }
        return .etherType(type, cursor, from: layer)
    }
}
