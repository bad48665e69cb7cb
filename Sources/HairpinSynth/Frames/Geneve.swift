/// Geneve (RFC 8926): the header an `OverlayTunnel` puts before a tenant's frame, in UDP to port
/// 6081: version 0, Ethernet inside (0x6558), the VNI, and one 8-byte option, as an end point
/// that carries metadata with each frame sends it.
public enum GeneveEncapsulation {
    /// The IANA port of Geneve.
    public static let port: UInt16 = 6081
    /// The option: its class (0x0104, VMware's in the IANA registry), a type without the critical
    /// bit (the header's C flag stays clear), its length in 4-byte words, and 4 bytes of data.
    static let option: [UInt8] = [0x01, 0x04, 0x01, 0x01, 0x00, 0x00, 0x00, 0x01]

    static func header(vni: UInt32) -> [UInt8] {
        var header = ByteBuilder(capacity: 8 + option.count)
        // Version 0 and the options' length in 4-byte words; no O or C flag; Ethernet inside.
        header.u8(UInt8(option.count / 4))
        header.u8(0)
        header.u16(0x6558)
        header.u32((vni & 0xFF_FFFF) << 8)
        header.append(option)
        return header.bytes
    }
}
