/// Everything the decoder learned from one frame, in fixed-size fields (no allocation). The
/// top-level fields describe the innermost frame; `tunnel` keeps the outermost tunnel with its
/// outer addresses, `erspan` and `vni` the first of each met on the way in.
public struct DecodedPacket: Sendable, BitwiseCopyable {
    public var linkType: LinkType
    /// Bytes captured (the decoder never reads beyond them).
    public var capturedLength: Int
    /// Every layer read, outermost first, tunnels included.
    public var layers = LayerPath()

    // Link layer of the innermost frame.
    public var sourceMAC: MACAddress?
    public var destinationMAC: MACAddress?
    public var vlans = VLANStack()
    /// EtherType (or SLL protocol) that the link layer led to; nil for 802.3 LLC frames.
    public var etherType: UInt16?
    /// 802.3 frames: DSAP and SSAP of the LLC header.
    public var llcSAPs: UInt16?
    /// Linux cooked captures: packet type (0 host ... 4 outgoing) and, for SLL2, the interface index.
    public var cookedPacketType: UInt16?
    public var cookedInterfaceIndex: UInt32?
    /// MPLS: labels walked and the top one.
    public var mplsLabels: Int = 0
    public var topMPLSLabel: UInt32?
    /// Frame offset where the innermost frame's link layer starts.
    public var innerFrameOffset: Int = 0

    // Network layer.
    public var arp: ARPPacket? {
        @inline(__always) get { arpStorage.value }
        @inline(__always) set { arpStorage.value = newValue }
    }
    private var arpStorage = Presence<ARPPacket>()
    public var sourceIP: IPAddress?
    public var destinationIP: IPAddress?
    /// Transport protocol: IPv4 protocol, or IPv6 next header after the extension headers.
    public var ipProtocol: UInt8?
    /// TTL or hop limit.
    public var ttl: UInt8?
    public var dscp: UInt8?
    /// IPv4 identification, or the IPv6 fragment header's.
    public var ipIdentification: UInt32?
    public var fragmentOffset: UInt16 = 0
    public var moreFragments = false
    /// IP total length (IPv4) or 40 + payload length (IPv6), as the header says.
    public var ipLength: Int?
    /// Where the IP header, or the ARP body, starts in the frame.
    public var networkOffset: Int?

    // Transport layer (first fragments only).
    public var sourcePort: UInt16?
    public var destinationPort: UInt16?
    public var tcpFlags: UInt8?
    public var tcpSequence: UInt32?
    public var tcpAcknowledgment: UInt32?
    public var tcpWindow: UInt16?
    public var icmp: ICMPFields? {
        @inline(__always) get { icmpStorage.value }
        @inline(__always) set { icmpStorage.value = newValue }
    }
    private var icmpStorage = Presence<ICMPFields>()
    public var neighborDiscovery: NeighborDiscovery? {
        @inline(__always) get { neighborDiscoveryStorage.value }
        @inline(__always) set { neighborDiscoveryStorage.value = newValue }
    }
    private var neighborDiscoveryStorage = Presence<NeighborDiscovery>()
    /// HSRP, GLBP, VRRP or CARP message.
    public var fhrp: FHRPMessage? {
        @inline(__always) get { fhrpStorage.value }
        @inline(__always) set { fhrpStorage.value = newValue }
    }
    private var fhrpStorage = Presence<FHRPMessage>()
    public var transportOffset: Int?
    /// Application payload: where it starts in the frame and how long the headers say it is
    /// (it may extend beyond the captured bytes).
    public var payloadOffset: Int?
    public var payloadLength: Int?

    // Tunnels.
    public var tunnel: TunnelInfo? {
        @inline(__always) get { tunnelStorage.value }
        @inline(__always) set { tunnelStorage.value = newValue }
    }
    private var tunnelStorage = Presence<TunnelInfo>()
    public var tunnelCount: Int = 0
    public var erspan: ERSPANHeader? {
        @inline(__always) get { erspanStorage.value }
        @inline(__always) set { erspanStorage.value = newValue }
    }
    private var erspanStorage = Presence<ERSPANHeader>()
    public var vni: UInt32?

    /// Why the walk stopped early, or nil when every layer it knows was read.
    public var stop: DecodeStop? {
        @inline(__always) get { stopStorage.value }
        @inline(__always) set { stopStorage.value = newValue }
    }
    private var stopStorage = Presence<DecodeStop>()

    public init(linkType: LinkType, capturedLength: Int) {
        self.linkType = linkType
        self.capturedLength = capturedLength
    }

    /// Back to what `init` gives, field by field and in place: cheaper than building a new
    /// value and copying its thousand bytes over this one. A test checks that a reused value
    /// decodes exactly like a fresh one, so a field added above must be added here too.
    @inline(__always)
    public mutating func reset(linkType: LinkType, capturedLength: Int) {
        self.linkType = linkType
        self.capturedLength = capturedLength
        layers = LayerPath()
        sourceMAC = nil
        destinationMAC = nil
        vlans = VLANStack()
        etherType = nil
        llcSAPs = nil
        cookedPacketType = nil
        cookedInterfaceIndex = nil
        mplsLabels = 0
        topMPLSLabel = nil
        innerFrameOffset = 0
        arpStorage.clear()
        sourceIP = nil
        destinationIP = nil
        ipProtocol = nil
        ttl = nil
        dscp = nil
        ipIdentification = nil
        fragmentOffset = 0
        moreFragments = false
        ipLength = nil
        networkOffset = nil
        sourcePort = nil
        destinationPort = nil
        tcpFlags = nil
        tcpSequence = nil
        tcpAcknowledgment = nil
        tcpWindow = nil
        icmpStorage.clear()
        neighborDiscoveryStorage.clear()
        fhrpStorage.clear()
        transportOffset = nil
        payloadOffset = nil
        payloadLength = nil
        tunnelStorage.clear()
        tunnelCount = 0
        erspanStorage.clear()
        vni = nil
        stopStorage.clear()
    }

    /// TCP flag bits.
    public enum TCPFlag {
        public static let fin: UInt8 = 0x01
        public static let syn: UInt8 = 0x02
        public static let rst: UInt8 = 0x04
        public static let psh: UInt8 = 0x08
        public static let ack: UInt8 = 0x10
        public static let urg: UInt8 = 0x20
        public static let ece: UInt8 = 0x40
        public static let cwr: UInt8 = 0x80
    }

    /// tcpdump's flag letters: S F R P U E W and `.` for ACK.
    public var tcpFlagsText: String? {
        guard let flags = tcpFlags else { return nil }
        var text = ""
        if flags & TCPFlag.syn != 0 { text += "S" }
        if flags & TCPFlag.fin != 0 { text += "F" }
        if flags & TCPFlag.rst != 0 { text += "R" }
        if flags & TCPFlag.psh != 0 { text += "P" }
        if flags & TCPFlag.urg != 0 { text += "U" }
        if flags & TCPFlag.ece != 0 { text += "E" }
        if flags & TCPFlag.cwr != 0 { text += "W" }
        if flags & TCPFlag.ack != 0 { text += "." }
        return text.isEmpty ? "none" : text
    }

    /// Clears what described the frame before a tunnel, keeping the tunnel context.
    mutating func enterInnerFrame(at offset: Int) {
        let keep = (linkType, capturedLength, tunnel, tunnelCount, erspan, vni, layers)
        self = DecodedPacket(linkType: keep.0, capturedLength: keep.1)
        layers = keep.6
        tunnel = keep.2
        tunnelCount = keep.3
        erspan = keep.4
        vni = keep.5
        innerFrameOffset = offset
    }
}
