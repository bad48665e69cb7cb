/// Layer-2 encapsulations of data-center fabrics that wrap a whole customer frame or add a tag
/// before the EtherType: 802.1ah provider backbone bridging (I-TAG, then the customer MACs),
/// Cisco FabricPath (an outer MAC header, then the original frame), Cisco VN-Tag and 802.1BR
/// E-Tag (a tag, then the frame's own EtherType).
enum ProviderTag {
    static let pbb: UInt16 = 0x88E7
    static let fabricPath: UInt16 = 0x8903
    static let vnTag: UInt16 = 0x8926
    static let eTag: UInt16 = 0x893F
    /// I-TAG: PCP/DEI/UCA/reserved, 24-bit I-SID.
    static let pbbTagLength = 4
    /// FabricPath: FTag and TTL after the EtherType.
    static let fabricPathTagLength = 2
    static let vnTagLength = 4
    static let eTagLength = 6
}

extension FrameWalk {
    /// Handles the EtherTypes above; nil for any other.
    mutating func providerTag(_ type: UInt16, at offset: Int, from layer: Layer) -> Decoder.Step? {
        switch type {
        case ProviderTag.pbb:
            guard has(ProviderTag.pbbTagLength, at: offset, layer) else { return .done }
            var info = TunnelInfo(kind: .pbb, outerSource: nil, outerDestination: nil)
            info.vni = bytes.u32(offset) & 0x00FF_FFFF
            let inner = offset + ProviderTag.pbbTagLength
            guard enterTunnel(info, innerAt: inner, layer) else { return .done }
            return .ethernet(inner)
        case ProviderTag.fabricPath:
            guard has(ProviderTag.fabricPathTagLength, at: offset, layer) else { return .done }
            let inner = offset + ProviderTag.fabricPathTagLength
            guard enterTunnel(TunnelInfo(kind: .fabricPath, outerSource: nil, outerDestination: nil), innerAt: inner, layer) else { return .done }
            return .ethernet(inner)
        case ProviderTag.vnTag, ProviderTag.eTag:
            let length = type == ProviderTag.vnTag ? ProviderTag.vnTagLength : ProviderTag.eTagLength
            guard has(length + 2, at: offset, layer) else { return .done }
            let inner = offset + length
            let next = bytes.u16(inner)
            var cursor = inner + 2
            var innerType = next
            // The tagged frame may carry VLAN tags of its own.
            while VLANTag.isTagProtocol(innerType) {
                guard has(VLANTag.length, at: cursor, .vlan) else { return .done }
                packet.vlans.append(VLANTag(tpid: innerType, tci: bytes.u16(cursor)))
                packet.layers.append(.vlan)
                innerType = bytes.u16(cursor + 2)
                cursor += VLANTag.length
            }
            return .etherType(innerType, cursor, from: layer)
        default:
            return nil
        }
    }
}
