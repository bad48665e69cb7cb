extension FrameWalk {
    mutating func arp(at offset: Int, rarp: Bool) -> Decoder.Step {
        let (parsed, needed) = ARPPacket.parse(bytes, at: offset, end: bytes.count, rarp: rarp)
        packet.arp = parsed
        packet.networkOffset = offset
        packet.layers.append(rarp ? .rarp : .arp)
        if bytes.count - offset < needed { truncated(.arp, at: offset, needed: needed) }
        return .done
    }
}
