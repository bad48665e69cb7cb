import HairpinWire

/// One direction of a tunnel between two end points of an overlay, and the encapsulation that
/// carries a tenant's Ethernet frames through it: in UDP in IPv4, as a hypervisor's overlay or a
/// leaf switch sends them over the underlay.
public struct OverlayTunnel: Sendable, Equatable {
    public enum Encapsulation: String, Sendable, Codable {
        /// RFC 7348, UDP 4789 (`VXLANEncapsulation`).
        case vxlan
        /// RFC 8926, UDP 6081 (`GeneveEncapsulation`).
        case geneve
    }

    public var sourceMAC: MACAddress
    public var destinationMAC: MACAddress
    /// The underlay's 802.1Q tag; 0 for none.
    public var vlan: UInt16
    public var sourceIP: IPv4Address
    public var destinationIP: IPv4Address
    /// The virtual network identifier (24 bits).
    public var vni: UInt32
    public var encapsulation: Encapsulation

    public init(sourceMAC: MACAddress, destinationMAC: MACAddress, vlan: UInt16, sourceIP: IPv4Address, destinationIP: IPv4Address,
                vni: UInt32, encapsulation: Encapsulation = .vxlan) {
        self.sourceMAC = sourceMAC
        self.destinationMAC = destinationMAC
        self.vlan = vlan
        self.sourceIP = sourceIP
        self.destinationIP = destinationIP
        self.vni = vni
        self.encapsulation = encapsulation
    }

    /// The way back.
    public var reversed: OverlayTunnel {
        OverlayTunnel(sourceMAC: destinationMAC, destinationMAC: sourceMAC, vlan: vlan, sourceIP: destinationIP, destinationIP: sourceIP,
                      vni: vni, encapsulation: encapsulation)
    }

    /// The UDP source port of a tunnel's frames of one inner flow: a hash of the flow's ports in
    /// the dynamic range, as end points pick it so that the underlay's ECMP spreads the flows.
    public static func sourcePort(innerSourcePort: UInt16, innerDestinationPort: UInt16) -> UInt16 {
        let mixed = UInt32(innerSourcePort) &* 0x9E37 ^ UInt32(innerDestinationPort) &* 0x85EB
        return 49_152 | UInt16(truncatingIfNeeded: mixed ^ mixed >> 16) & 0x3FFF
    }

    /// The underlay frame carrying `inner`, its UDP checksum left 0 as end points send it over IPv4.
    public func wrap(_ inner: [UInt8], sourcePort: UInt16) -> [UInt8] {
        let header: [UInt8], port: UInt16
        switch encapsulation {
        case .vxlan: (header, port) = (VXLANEncapsulation.header(vni: vni), VXLANEncapsulation.port)
        case .geneve: (header, port) = (GeneveEncapsulation.header(vni: vni), GeneveEncapsulation.port)
        }
        let udp = TransportSegment.udp(source: .v4(sourceIP), destination: .v4(destinationIP), sourcePort: sourcePort, destinationPort: port,
                                       payload: header + inner, checksum: false)
        let ip = IPPacket.ipv4(source: sourceIP, destination: destinationIP, protocol: 17, ttl: 64, payload: udp)
        return EthernetFrame.frame(destination: destinationMAC, source: sourceMAC, vlans: vlan == 0 ? [] : [vlan], etherType: 0x0800, payload: ip)
    }
}
