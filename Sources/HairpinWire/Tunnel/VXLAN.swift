/// VXLAN (RFC 7348, UDP 4789; also the Linux default 8472) and VXLAN-GPE (UDP 4790): an
/// 8-byte header with the 24-bit VNI in bytes 4-6.
@usableFromInline enum VXLANHeader {
    @usableFromInline static let length = 8
    @usableFromInline static let port: UInt16 = 4789
    @usableFromInline static let linuxPort: UInt16 = 8472
    @usableFromInline static let gpePort: UInt16 = 4790

    @inlinable static func vni(_ bytes: ByteView, at offset: Int) -> UInt32 { bytes.u32(offset + 4) >> 8 }

    /// On 8472 the same bytes may be Cisco OTV: VXLAN has zero reserved bytes 1-3.
    static func looksLikeVXLAN(_ bytes: ByteView, at offset: Int) -> Bool {
        bytes.u32(offset) & 0x00FF_FFFF == 0
    }

    /// VXLAN-GPE next protocol (byte 3): 1 IPv4, 2 IPv6, 3 Ethernet, 4 NSH, 5 MPLS.
    static func gpeNextProtocol(_ bytes: ByteView, at offset: Int) -> UInt8 { bytes.u8(offset + 3) }
}

extension FrameWalk {
    mutating func vxlan(at offset: Int, gpe: Bool, checkOTV: Bool) -> Decoder.Step {
        guard has(VXLANHeader.length, at: offset, .vxlan) else { return .done }
        if checkOTV && !VXLANHeader.looksLikeVXLAN(bytes, at: offset) {
            stop(.unsupported, .udp, at: offset, value: UInt32(VXLANHeader.linuxPort), subject: .udpTunnel)
            return .done
        }
        packet.layers.append(.vxlan)
        var info = TunnelInfo(kind: gpe ? .vxlanGPE : .vxlan, outerSource: packet.sourceIP, outerDestination: packet.destinationIP)
        info.vni = VXLANHeader.vni(bytes, at: offset)
        let inner = offset + VXLANHeader.length
        if gpe {
            let next = VXLANHeader.gpeNextProtocol(bytes, at: offset)
            guard (1...4).contains(next) else {
                stop(.unsupported, .vxlan, at: offset, value: UInt32(next))
                return .done
            }
            guard enterTunnel(info, innerAt: inner, .vxlan) else { return .done }
            switch next {
            case 1: return .ipv4(inner)
            case 2: return .ipv6(inner)
            case 3: return .ethernet(inner)
            default: return nsh(at: inner)
            }
        }
        guard enterTunnel(info, innerAt: inner, .vxlan) else { return .done }
        return .ethernet(inner)
    }
}
