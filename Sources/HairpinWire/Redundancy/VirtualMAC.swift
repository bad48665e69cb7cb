/// The virtual MAC addresses first-hop redundancy protocols derive from their group numbers
/// (protocols.md 3.5, 4.6, 5.2), and the reverse mapping for recognising them on the wire.
public enum VirtualMAC {
    /// HSRP version 1: 0000.0c07.acXX, group 0-255.
    public static func hsrpV1(group: Int) -> MACAddress { MACAddress(rawValue: 0x0000_0C07_AC00 | UInt64(group & 0xFF)) }
    /// HSRP version 2 over IPv4: 0000.0c9f.fXXX, group 0-4095.
    public static func hsrpV2(group: Int) -> MACAddress { MACAddress(rawValue: 0x0000_0C9F_F000 | UInt64(group & 0xFFF)) }
    /// HSRP version 2 for IPv6: 0005.73a0.0XXX.
    public static func hsrpV6(group: Int) -> MACAddress { MACAddress(rawValue: 0x0005_73A0_0000 | UInt64(group & 0xFFF)) }
    /// VRRP: 00-00-5e-00-01-VRID (IPv4) or 00-00-5e-00-02-VRID (IPv6).
    public static func vrrp(vrid: Int, ipv6: Bool = false) -> MACAddress {
        MACAddress(rawValue: (ipv6 ? 0x0000_5E00_0200 : 0x0000_5E00_0100) | UInt64(vrid & 0xFF))
    }
    /// GLBP: 0007.b4GG.GGFF with a 10-bit group and forwarder 1-4.
    public static func glbp(group: Int, forwarder: Int) -> MACAddress {
        MACAddress(rawValue: 0x0007_B400_0000 | UInt64(group & 0x3FF) << 8 | UInt64(forwarder & 0xFF))
    }

    public enum Kind: Equatable, Sendable {
        case hsrpV1(group: Int), hsrpV2(group: Int), hsrpV6(group: Int), vrrp(vrid: Int, ipv6: Bool), glbp(group: Int, forwarder: Int)
    }

    /// Which protocol's default virtual MAC this is, if any. Asked of most frames' MACs: the test
    /// that turns nearly all of them away is inlined where it is asked.
    @inlinable @inline(__always)
    public static func kind(of mac: MACAddress) -> Kind? {
        // Every virtual MAC below starts 00:00, 00:05 or 00:07.
        let firstTwoOctets = mac.rawValue >> 32
        guard firstTwoOctets == 0 || firstTwoOctets == 0x0005 || firstTwoOctets == 0x0007 else { return nil }
        return kindOfPossiblyVirtual(mac)
    }

    @usableFromInline
    static func kindOfPossiblyVirtual(_ mac: MACAddress) -> Kind? {
        let value = mac.rawValue
        switch value >> 8 {
        case 0x0000_0C07_AC: return .hsrpV1(group: Int(value & 0xFF))
        case 0x0000_5E00_01: return .vrrp(vrid: Int(value & 0xFF), ipv6: false)
        case 0x0000_5E00_02: return .vrrp(vrid: Int(value & 0xFF), ipv6: true)
        default: break
        }
        if value >> 12 == 0x0000_0C9F_F { return .hsrpV2(group: Int(value & 0xFFF)) }
        if value >> 12 == 0x0005_73A0_0 { return .hsrpV6(group: Int(value & 0xFFF)) }
        if value >> 18 == 0x0007_B400_0000 >> 18 { return .glbp(group: Int((value >> 8) & 0x3FF), forwarder: Int(value & 0xFF)) }
        return nil
    }
}
