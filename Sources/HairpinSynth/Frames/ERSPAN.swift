import HairpinWire

/// ERSPAN type II and III copies of a mirrored frame, in GRE (with sequence numbers) in IPv4 in
/// Ethernet, as a switch sends them to a collector (protocols.md 6.3).
public enum ERSPANEncapsulation {
    public struct Session: Sendable {
        public var id: UInt16
        public var sourceMAC: MACAddress
        public var destinationMAC: MACAddress
        public var sourceIP: IPv4Address
        public var destinationIP: IPv4Address
        /// Type II port index, or type III hardware id.
        public var index: UInt32
        public var typeIII: Bool

        public init(id: UInt16, sourceMAC: MACAddress, destinationMAC: MACAddress, sourceIP: IPv4Address,
                    destinationIP: IPv4Address, index: UInt32, typeIII: Bool = false) {
            self.id = id
            self.sourceMAC = sourceMAC
            self.destinationMAC = destinationMAC
            self.sourceIP = sourceIP
            self.destinationIP = destinationIP
            self.index = index
            self.typeIII = typeIII
        }
    }

    /// The outer frame carrying `inner`; `sequence` is the session's GRE sequence number,
    /// `egress` the type III direction bit, `timestamp` its 100 µs clock.
    public static func wrap(_ inner: [UInt8], session: Session, sequence: UInt32, vlan: UInt16 = 0, egress: Bool = false,
                            timestamp: UInt32 = 0) -> [UInt8] {
        var erspan = ByteBuilder(capacity: 12 + 8 + inner.count)
        // GRE: sequence present, protocol 0x88BE (type II) or 0x22EB (type III).
        erspan.u16(0x1000)
        erspan.u16(session.typeIII ? 0x22EB : 0x88BE)
        erspan.u32(sequence)
        if session.typeIII {
            erspan.u32(2 << 28 | UInt32(vlan & 0xFFF) << 16 | UInt32(session.id & 0x3FF))
            erspan.u32(timestamp)
            // SGT 0, P 1 (Ethernet PDU), FT 0, hw id, D, granularity 00 (100 µs), no sub-header.
            erspan.u32(0x8000 | (session.index & 0x3F) << 4 | (egress ? 0x8 : 0))
        } else {
            erspan.u32(1 << 28 | UInt32(vlan & 0xFFF) << 16 | UInt32(session.id & 0x3FF))
            erspan.u32(session.index & 0xF_FFFF)
        }
        erspan.append(inner)
        let ip = IPPacket.ipv4(source: session.sourceIP, destination: session.destinationIP, protocol: 47, ttl: 64,
                               identification: UInt16(truncatingIfNeeded: sequence), payload: erspan.bytes)
        return EthernetFrame.frame(destination: session.destinationMAC, source: session.sourceMAC, etherType: 0x0800, payload: ip)
    }
}
