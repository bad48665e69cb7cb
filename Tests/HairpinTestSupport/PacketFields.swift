import HairpinWire

extension DecodedPacket {
    /// Every field, for comparing two decodings: the small fields as the value describes itself,
    /// and the large optional ones (the tunnel, the ERSPAN header, ARP, ...), which it describes
    /// only by their storage's type.
    public var everyField: String {
        String(describing: self) + " arp: \(String(describing: arp)) icmp: \(String(describing: icmp)) "
            + "nd: \(String(describing: neighborDiscovery)) fhrp: \(String(describing: fhrp)) tunnel: \(String(describing: tunnel)) "
            + "erspan: \(String(describing: erspan)) stop: \(String(describing: stop))"
    }
}
