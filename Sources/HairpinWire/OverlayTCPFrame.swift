/// The commonest frame of an overlay's underlay: a `CommonTCPFrame` carried in VXLAN (RFC 7348,
/// UDP port 4789 on either side) or in Geneve (RFC 8926, UDP 6081, Ethernet inside, as NSX-T
/// carries it), as a hypervisor's overlay or a leaf switch sends a tenant's traffic between
/// tunnel end points. Outside it: Ethernet, at most one 802.1Q tag, IPv4 with a 20-byte header,
/// not a fragment, carrying UDP. Read straight from the bytes in one pass: the general walk takes
/// four steps, a tunnel's entry and a reset of the packet to reach the inner frame. A frame
/// declined here takes the general walk; tests compare the summaries and the decoded packets of
/// the two on every frame of the shipped and real captures and on hand-built frames at the edges.
public struct OverlayTCPFrame {
    /// The tenant's frame; its offsets count from its own start, `innerOffset`.
    public let inner: CommonTCPFrame
    /// Where the tenant's frame starts in the captured one.
    public let innerOffset: Int
    /// The VXLAN or Geneve network identifier (24 bits).
    public let vni: UInt32
    /// Carried in Geneve rather than VXLAN.
    public let isGeneve: Bool
    /// Where the outer IPv4 header starts.
    @usableFromInline let networkOffset: Int

    /// The frame's headers, or nil when `bytes` is not such a frame.
    @inlinable @inline(__always)
    init?(_ bytes: ByteView) {
        guard let network = EthernetHeader.plainIPv4(of: bytes, holding: IPv4Header.minimumLength + UDPHeader.length + VXLANHeader.length,
                                                     carrying: IPProtocol.udp) else { return nil }
        // A total length of 0 (a frame captured before segmentation offload) or one that holds
        // the header, as the general walk reads on.
        let totalLength = Int(bytes.u16(network + IPv4Header.Field.totalLength))
        guard totalLength == 0 || totalLength >= IPv4Header.minimumLength else { return nil }
        let udp = network + IPv4Header.minimumLength
        let source = bytes.u16(udp + UDPHeader.Field.sourcePort), destination = bytes.u16(udp + UDPHeader.Field.destinationPort)
        let tunnel = udp + UDPHeader.length
        let start: Int
        if source == VXLANHeader.port || destination == VXLANHeader.port {
            start = tunnel + VXLANHeader.length
            isGeneve = false
        } else if source == GeneveHeader.port || destination == GeneveHeader.port {
            // The general walk's order: the other VXLAN ports first (8472 may be OTV, 4790 is GPE).
            guard source != VXLANHeader.linuxPort && destination != VXLANHeader.linuxPort && source != VXLANHeader.gpePort
                    && destination != VXLANHeader.gpePort,
                  GeneveHeader.version(bytes, at: tunnel) == 0,
                  GeneveHeader.protocolType(bytes, at: tunnel) == GREHeader.ProtocolType.transparentEthernetBridging else { return nil }
            start = tunnel + GeneveHeader.length(bytes, at: tunnel)
            isGeneve = true
        } else {
            return nil
        }
        guard start < bytes.count, let frame = CommonTCPFrame(bytes.suffix(from: start)) else { return nil }
        inner = frame
        innerOffset = start
        // At the same place in both headers.
        vni = VXLANHeader.vni(bytes, at: tunnel)
        networkOffset = network
    }

    /// Whether the outer frame has its 802.1Q tag.
    @inlinable var isOuterTagged: Bool { networkOffset > EthernetHeader.length }
}

extension Decoder {
    /// The frame as an `OverlayTCPFrame`, when it is one and this decoder reads tunnelled frames
    /// directly (`takesTunnelledFramesDirectly`: the same limits let the general walk reach the
    /// inner frame in as many steps and read it as one).
    @inlinable @inline(__always)
    public func overlayTCPFrame(_ bytes: UnsafeRawBufferPointer, linkType: LinkType) -> OverlayTCPFrame? {
        guard takesTunnelledFramesDirectly, let frame = ByteView(ethernetFrame: bytes, linkType: linkType) else { return nil }
        return OverlayTCPFrame(frame)
    }
}

extension FrameWalk {
    /// An `OverlayTCPFrame`, filled in here as the general walk leaves it: of the outer frame,
    /// its layers and the tunnel (its end points and VNI); then the tenant's frame as
    /// `commonTCPFrame` fills it. First `resetting` the fields of a reused packet it does not set
    /// itself; false (nothing written) for any other frame.
    @inline(__always)
    mutating func overlayTCPFrame(resetting: Bool) -> Bool {
        guard decoder.takesTunnelledFramesDirectly, let frame = OverlayTCPFrame(bytes) else { return false }
        if resetting { packet.resetBesidesCommonTCPFields(linkType: .ethernet, capturedLength: bytes.count) }
        var info = TunnelInfo(kind: frame.isGeneve ? .geneve : .vxlan, outerSource: .v4(bytes.ipv4(frame.networkOffset + IPv4Header.Field.source)),
                              outerDestination: .v4(bytes.ipv4(frame.networkOffset + IPv4Header.Field.destination)))
        info.vni = frame.vni
        packet.vni = frame.vni
        fillTunnelled(frame.inner, at: frame.innerOffset, outerTagged: frame.isOuterTagged,
                      tunnelLayers: (.udp, frame.isGeneve ? .geneve : .vxlan), tunnel: info)
        return true
    }

    /// `overlayTCPFrame` as a call of its own, for the decoder's first pass: inlined beside the
    /// other straight passes it cost every mirrored frame 10 instructions more (the ERSPAN
    /// scenario's decode stage 748 -> 758 a frame), the registers laid out anew.
    @inline(never)
    mutating func overlayTCPFrameApart(resetting: Bool) -> Bool { overlayTCPFrame(resetting: resetting) }
}
