/// Geneve (RFC 8926, UDP 6081): 8 bytes, then options whose total length is in the header.
@usableFromInline enum GeneveHeader {
    @usableFromInline static let minimumLength = 8
    @usableFromInline static let port: UInt16 = 6081

    @inlinable static func version(_ bytes: ByteView, at offset: Int) -> UInt8 { bytes.u8(offset) >> 6 }
    /// Header length including options (option length is in 4-byte words).
    @inlinable static func length(_ bytes: ByteView, at offset: Int) -> Int { minimumLength + Int(bytes.u8(offset) & 0x3F) * 4 }
    @inlinable static func protocolType(_ bytes: ByteView, at offset: Int) -> UInt16 { bytes.u16(offset + 2) }
    static func vni(_ bytes: ByteView, at offset: Int) -> UInt32 { bytes.u32(offset + 4) >> 8 }
}

extension FrameWalk {
    mutating func geneve(at offset: Int) -> Decoder.Step {
        guard has(GeneveHeader.minimumLength, at: offset, .geneve) else { return .done }
        guard GeneveHeader.version(bytes, at: offset) == 0 else {
            stop(.malformed, .geneve, at: offset)
            return .done
        }
        let length = GeneveHeader.length(bytes, at: offset)
        guard has(length, at: offset, .geneve) else { return .done }
        packet.layers.append(.geneve)
        var info = TunnelInfo(kind: .geneve, outerSource: packet.sourceIP, outerDestination: packet.destinationIP)
        info.vni = GeneveHeader.vni(bytes, at: offset)
        let type = GeneveHeader.protocolType(bytes, at: offset)
        let inner = offset + length
        guard enterTunnel(info, innerAt: inner, .geneve) else { return .done }
        if type == GREHeader.ProtocolType.transparentEthernetBridging { return .ethernet(inner) }
        return .etherType(type, inner, from: .geneve)
    }
}
