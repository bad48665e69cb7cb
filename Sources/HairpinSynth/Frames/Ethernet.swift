import HairpinWire

/// Ethernet II header with 802.1Q (or, for two tags, 802.1ad outer + 802.1Q inner) tags.
public enum EthernetFrame {
    /// `vlans` outer first; the first of two tags is an S-tag (0x88A8).
    public static func header(destination: MACAddress, source: MACAddress, vlans: [UInt16] = [], priority: UInt8 = 0,
                              etherType: UInt16, into builder: inout ByteBuilder) {
        builder.mac(destination)
        builder.mac(source)
        for (index, vlan) in vlans.enumerated() {
            builder.u16(vlans.count > 1 && index == 0 ? 0x88A8 : 0x8100)
            builder.u16(UInt16(priority & 7) << 13 | (vlan & 0x0FFF))
        }
        builder.u16(etherType)
    }

    /// A whole frame, padded to the 60-byte minimum (no FCS) as a NIC sends it, plus the tags a
    /// trunk port adds (so a tagged minimum frame is 64 bytes).
    public static func frame(destination: MACAddress, source: MACAddress, vlans: [UInt16] = [], priority: UInt8 = 0,
                             etherType: UInt16, payload: [UInt8]) -> [UInt8] {
        var builder = ByteBuilder(capacity: 18 + payload.count)
        header(destination: destination, source: source, vlans: vlans, priority: priority, etherType: etherType, into: &builder)
        builder.append(payload)
        let minimum = 60 + 4 * vlans.count
        if builder.bytes.count < minimum { builder.zeros(minimum - builder.bytes.count) }
        return builder.bytes
    }
}
