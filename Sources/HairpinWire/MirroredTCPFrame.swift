/// The commonest frame of a capture taken at an ERSPAN destination: a `CommonTCPFrame` mirrored
/// by ERSPAN type II or III. Outside it: Ethernet, at most one 802.1Q tag, IPv4 with a 20-byte
/// header, not a fragment, carrying GRE version 0 without routing; then ERSPAN type II (GRE with
/// a sequence number, header version 1) or type III (version 2, frame type Ethernet, after the
/// platform sub-header when there is one). Read straight from the bytes in one pass: the general
/// walk takes nine steps and a tunnel's entry to reach the mirrored frame. A frame declined
/// here takes the general walk; tests compare the summaries and the decoded packets of the two
/// on every frame of the shipped and real captures and on hand-built frames at the edges.
public struct MirroredTCPFrame {
    /// The mirrored frame; its offsets count from its own start, `innerOffset`.
    public let inner: CommonTCPFrame
    /// Where the mirrored frame starts in the captured one.
    public let innerOffset: Int
    public let sessionID: UInt16
    /// Type III's direction bit (type II tells none: false).
    public let egress: Bool
    /// Where the GRE and ERSPAN headers start, and whether the latter is type III.
    @usableFromInline let greOffset: Int
    @usableFromInline let erspanOffset: Int
    @usableFromInline let isTypeIII: Bool

    /// Steps of the general walk up to the mirrored frame's own three: the decoder's layer limit
    /// must leave it those, as it must leave one tunnel.
    @usableFromInline static let layersToInnerFrame = 4

    /// The frame's headers, or nil when `bytes` is not such a frame.
    @inlinable @inline(__always)
    init?(_ bytes: ByteView) {
        guard let network = EthernetHeader.plainIPv4(of: bytes, holding: IPv4Header.minimumLength + GREHeader.minimumLength,
                                                     carrying: IPProtocol.gre) else { return nil }
        // A total length of 0 (a frame captured before segmentation offload) or one that holds
        // the header, as the general walk reads on.
        let totalLength = Int(bytes.u16(network + IPv4Header.Field.totalLength))
        guard totalLength == 0 || totalLength >= IPv4Header.minimumLength else { return nil }
        let gre = network + IPv4Header.minimumLength
        let flags = bytes.u16(gre)
        guard flags & (GREHeader.Flag.routing | GREHeader.Flag.version) == 0 else { return nil }
        let erspan = gre + GREHeader.length(flags: flags)
        // The longer of the two headers' fixed parts: a mirrored frame of either type is longer.
        guard bytes.count - erspan >= ERSPANHeader.typeIIILength else { return nil }
        let word0 = bytes.u32(erspan)
        let version = ERSPANHeader.version(word0: word0)
        let start: Int
        switch bytes.u16(gre + 2) {
        case GREHeader.ProtocolType.erspanTypeIAndII where flags & GREHeader.Flag.sequence != 0 && version == 1:
            start = erspan + ERSPANHeader.typeIILength
            egress = false
            isTypeIII = false
        case GREHeader.ProtocolType.erspanTypeIII where version == 2:
            let word2 = bytes.u32(erspan + 8)  // the third word: frame type, direction, sub-header
            guard ERSPANHeader.frameType(word2: word2) == 0 else { return nil }
            start = erspan + ERSPANHeader.typeIIILength + (ERSPANHeader.hasPlatformHeader(word2: word2) ? ERSPANHeader.platformLength : 0)
            egress = ERSPANHeader.isEgress(word2: word2)
            isTypeIII = true
        default:
            return nil
        }
        guard start < bytes.count, let frame = CommonTCPFrame(bytes.suffix(from: start)) else { return nil }
        inner = frame
        innerOffset = start
        sessionID = ERSPANHeader.sessionID(word0: word0)
        greOffset = gre
        erspanOffset = erspan
    }

    /// Whether the outer frame has its 802.1Q tag.
    @inlinable var isOuterTagged: Bool { greOffset > EthernetHeader.length + IPv4Header.minimumLength }
}

extension Decoder {
    /// The frame as a `MirroredTCPFrame`, when it is one and this decoder reads common frames
    /// directly (`takesCommonFramesDirectly`) with limits that let the general walk reach the
    /// mirrored frame and read it as one.
    @inlinable @inline(__always)
    public func mirroredTCPFrame(_ bytes: UnsafeRawBufferPointer, linkType: LinkType) -> MirroredTCPFrame? {
        guard takesTunnelledFramesDirectly, let frame = ByteView(ethernetFrame: bytes, linkType: linkType) else { return nil }
        return MirroredTCPFrame(frame)
    }

    /// Whether common frames inside a tunnel are read straight (`MirroredTCPFrame`,
    /// `OverlayTCPFrame`): the general walk reaches either's inner frame in four steps and one
    /// tunnel, and must be left its three steps to read it as one.
    @inlinable var takesTunnelledFramesDirectly: Bool {
        takesCommonFramesDirectly && maximumTunnels >= 1 && maximumLayers >= MirroredTCPFrame.layersToInnerFrame + CommonTCPFrame.walkSteps
    }
}

extension FrameWalk {
    /// A `MirroredTCPFrame`, filled in here as the general walk leaves it: of the outer frame,
    /// its layers and the tunnel (GRE's words, the whole ERSPAN header); then the mirrored frame
    /// as `commonTCPFrame` fills it. First `resetting` the fields of a reused packet it does not
    /// set itself; false (nothing written) for any other frame.
    @inline(__always)
    mutating func mirroredTCPFrame(resetting: Bool) -> Bool {
        guard decoder.takesTunnelledFramesDirectly, let frame = MirroredTCPFrame(bytes) else { return false }
        if resetting { packet.resetBesidesCommonTCPFields(linkType: .ethernet, capturedLength: bytes.count) }
        let network = frame.greOffset - IPv4Header.minimumLength
        var info = TunnelInfo(gre: GREHeader(flags: bytes.u16(frame.greOffset), protocolType: bytes.u16(frame.greOffset + 2)),
                              at: frame.greOffset, in: bytes, outerSource: .v4(bytes.ipv4(network + IPv4Header.Field.source)),
                              outerDestination: .v4(bytes.ipv4(network + IPv4Header.Field.destination)))
        // Both parse: the frame was read as this type already.
        let header = frame.isTypeIII ? ERSPANHeader.parseTypeIII(bytes, at: frame.erspanOffset, end: bytes.count)?.0
            : ERSPANHeader.parseTypeII(bytes, at: frame.erspanOffset)
        info.kind = frame.isTypeIII ? .erspanIII : .erspanII
        info.erspan = header
        packet.erspan = header
        fillTunnelled(frame.inner, at: frame.innerOffset, outerTagged: frame.isOuterTagged, tunnelLayers: (.gre, .erspan), tunnel: info)
        return true
    }
}
