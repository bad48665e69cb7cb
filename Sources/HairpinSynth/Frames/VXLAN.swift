/// VXLAN (RFC 7348): the 8-byte header an `OverlayTunnel` puts before a tenant's frame, in UDP to
/// port 4789.
public enum VXLANEncapsulation {
    /// The IANA port of VXLAN.
    public static let port: UInt16 = 4789

    /// Flags: I (the VNI is valid); then the VNI and a reserved byte.
    static func header(vni: UInt32) -> [UInt8] {
        var header = ByteBuilder(capacity: 8)
        header.u32(0x0800_0000)
        header.u32((vni & 0xFF_FFFF) << 8)
        return header.bytes
    }
}
