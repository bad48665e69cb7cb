import HairpinWire

/// A tenant's Ethernet frame carried in a VXLAN overlay (RFC 7348): VXLAN in UDP to port 4789
/// in IPv4 between two tunnel end points (VTEPs), as a hypervisor's overlay or a leaf switch
/// sends it over the underlay.
public enum VXLANEncapsulation {
    /// The IANA port of VXLAN.
    public static let port: UInt16 = 4789

    /// One direction of a tunnel between two end points.
    public struct Tunnel: Sendable, Equatable {
        public var sourceMAC: MACAddress
        public var destinationMAC: MACAddress
        /// The underlay's 802.1Q tag; 0 for none.
        public var vlan: UInt16
        public var sourceIP: IPv4Address
        public var destinationIP: IPv4Address
        public var vni: UInt32

        public init(sourceMAC: MACAddress, destinationMAC: MACAddress, vlan: UInt16, sourceIP: IPv4Address, destinationIP: IPv4Address,
                    vni: UInt32) {
            self.sourceMAC = sourceMAC
            self.destinationMAC = destinationMAC
            self.vlan = vlan
            self.sourceIP = sourceIP
            self.destinationIP = destinationIP
            self.vni = vni
        }

        /// The way back.
        public var reversed: Tunnel {
            Tunnel(sourceMAC: destinationMAC, destinationMAC: sourceMAC, vlan: vlan, sourceIP: destinationIP, destinationIP: sourceIP, vni: vni)
        }
    }

    /// The UDP source port of a tunnel's frames of one inner flow: a hash of the flow's ports in
    /// the dynamic range, as end points pick it so that the underlay's ECMP spreads the flows.
    public static func sourcePort(innerSourcePort: UInt16, innerDestinationPort: UInt16) -> UInt16 {
        let mixed = UInt32(innerSourcePort) &* 0x9E37 ^ UInt32(innerDestinationPort) &* 0x85EB
        return 49_152 | UInt16(truncatingIfNeeded: mixed ^ mixed >> 16) & 0x3FFF
    }

    /// The underlay frame carrying `inner`: the UDP checksum is 0, as end points send it over
    /// IPv4 (RFC 7348 section 5).
    public static func wrap(_ inner: [UInt8], tunnel: Tunnel, sourcePort: UInt16) -> [UInt8] {
        var udp = ByteBuilder(capacity: 16 + inner.count)
        udp.u16(sourcePort)
        udp.u16(port)
        udp.u16(UInt16(truncatingIfNeeded: 16 + inner.count))
        udp.u16(0)
        // Flags: I (the VNI is valid); then the VNI and a reserved byte.
        udp.u32(0x0800_0000)
        udp.u32((tunnel.vni & 0xFF_FFFF) << 8)
        udp.append(inner)
        let ip = IPPacket.ipv4(source: tunnel.sourceIP, destination: tunnel.destinationIP, protocol: 17, ttl: 64, payload: udp.bytes)
        return EthernetFrame.frame(destination: tunnel.destinationMAC, source: tunnel.sourceMAC, vlans: tunnel.vlan == 0 ? [] : [tunnel.vlan],
                                   etherType: 0x0800, payload: ip)
    }
}
