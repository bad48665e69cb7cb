/// The commonest frame of a capture taken at an ERSPAN destination: a `CommonTCPFrame` mirrored
/// by ERSPAN type II or III. Outside it: Ethernet, at most one 802.1Q tag, IPv4 with a 20-byte
/// header, not a fragment, carrying GRE version 0 without routing; then ERSPAN type II (GRE with
/// a sequence number, header version 1) or type III (version 2, frame type Ethernet, after the
/// platform sub-header when there is one). Read straight from the bytes in one pass: the general
/// walk takes nine steps and a tunnel's entry to reach the mirrored frame. A frame declined
/// here takes the general walk; a test compares the summaries of the two on every shipped and
/// real capture.
public struct MirroredTCPFrame {
    /// The mirrored frame; its offsets count from its own start, `innerOffset`.
    public let inner: CommonTCPFrame
    /// Where the mirrored frame starts in the captured one.
    public let innerOffset: Int
    public let sessionID: UInt16
    /// Type III's direction bit (type II tells none: false).
    public let egress: Bool

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
        case GREHeader.ProtocolType.erspanTypeIII where version == 2:
            let word2 = bytes.u32(erspan + 8)  // the third word: frame type, direction, sub-header
            guard ERSPANHeader.frameType(word2: word2) == 0 else { return nil }
            start = erspan + ERSPANHeader.typeIIILength + (ERSPANHeader.hasPlatformHeader(word2: word2) ? ERSPANHeader.platformLength : 0)
            egress = ERSPANHeader.isEgress(word2: word2)
        default:
            return nil
        }
        guard start < bytes.count, let frame = CommonTCPFrame(ByteView(base: bytes.base + start, count: bytes.count &- start)) else { return nil }
        inner = frame
        innerOffset = start
        sessionID = ERSPANHeader.sessionID(word0: word0)
    }
}

extension Decoder {
    /// The frame as a `MirroredTCPFrame`, when it is one and this decoder reads common frames
    /// directly (`takesCommonFramesDirectly`) with limits that let the general walk reach the
    /// mirrored frame and read it as one.
    @inlinable @inline(__always)
    public func mirroredTCPFrame(_ bytes: UnsafeRawBufferPointer, linkType: LinkType) -> MirroredTCPFrame? {
        guard takesCommonFramesDirectly, maximumTunnels >= 1, maximumLayers >= MirroredTCPFrame.layersToInnerFrame + 3,
              let frame = ByteView(ethernetFrame: bytes, linkType: linkType) else { return nil }
        return MirroredTCPFrame(frame)
    }
}
