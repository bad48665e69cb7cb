/// UDP (RFC 768): ports and length; the payload may be a tunnel (VXLAN, VXLAN-GPE, Geneve,
/// GRE-in-UDP) recognised by its well-known port on either side.
@usableFromInline enum UDPHeader {
    @usableFromInline static let length = 8
    @usableFromInline enum Field {
        @usableFromInline static let sourcePort = 0
        @usableFromInline static let destinationPort = 2
        static let length = 4
    }
    static let greInUDPPort: UInt16 = 4754
}

extension FrameWalk {
    mutating func udp(at offset: Int, end: Int) -> Decoder.Step {
        guard has(4, at: offset, .udp) else { return .done }
        typealias F = UDPHeader.Field
        let source = bytes.u16(offset + F.sourcePort)
        let destination = bytes.u16(offset + F.destinationPort)
        packet.sourcePort = source
        packet.destinationPort = destination
        packet.layers.append(.udp)
        guard has(UDPHeader.length, at: offset, .udp) else { return .done }
        let length = Int(bytes.u16(offset + F.length))
        let payload = offset + UDPHeader.length
        // A zero length (jumbogram, GSO) means "to the end of the IP payload".
        let payloadEnd = length >= UDPHeader.length ? min(end, offset + length) : end
        packet.payloadOffset = payload
        packet.payloadLength = max(0, payloadEnd - payload)
        func either(_ port: UInt16) -> Bool { source == port || destination == port }
        if either(VXLANHeader.port) || either(VXLANHeader.linuxPort) {
            return vxlan(at: payload, gpe: false, checkOTV: !either(VXLANHeader.port))
        }
        if either(VXLANHeader.gpePort) { return vxlan(at: payload, gpe: true, checkOTV: false) }
        if either(GeneveHeader.port) { return geneve(at: payload) }
        if either(UDPHeader.greInUDPPort) { return gre(at: payload, end: payloadEnd) }
        // First-hop redundancy: both ports the protocol's; HSRP's version from the destination.
        if source == destination {
            switch source {
            case HSRPHeader.port:
                if case .v4(let group) = packet.destinationIP {
                    if group.rawValue == HSRPHeader.groupV1 { hsrp(at: payload, end: payloadEnd, kind: .hsrp1) }
                    if group.rawValue == HSRPHeader.groupV2 { hsrp(at: payload, end: payloadEnd, kind: .hsrp2) }
                }
            case HSRPHeader.portV6:
                if case .v6 = packet.destinationIP { hsrp(at: payload, end: payloadEnd, kind: .hsrp6) }
            case GLBPHeader.port:
                if GLBPHeader.looksLikeGLBP(bytes, at: payload) { glbp(at: payload, end: payloadEnd) }
            default:
                break
            }
        }
        return .done
    }
}
