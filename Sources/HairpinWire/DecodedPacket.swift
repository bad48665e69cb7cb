/// Everything the decoder learned from one frame, in fixed-size fields (no allocation). The
/// top-level fields describe the innermost frame; `tunnel` keeps the outermost tunnel with its
/// outer addresses, `erspan` and `vni` the first of each met on the way in.
public struct DecodedPacket: Sendable, BitwiseCopyable {
    // What the trackers read of every frame comes first, together: a thread on another core,
    // reading frames the reading thread decoded, fetches three cache lines of each, not six.
    /// Which large optional fields (`arp`, `icmp`, ... `stop`) hold a value: one bit each
    /// (`PacketView.arpBit` ...), cleared for every frame with one write.
    public private(set) var presentLargeFields: UInt8 = 0
    public var sourceMAC: MACAddress?
    public var destinationMAC: MACAddress?
    public var sourceIP: IPAddress?
    public var destinationIP: IPAddress?
    /// Transport protocol: IPv4 protocol, or IPv6 next header after the extension headers.
    public var ipProtocol: UInt8?
    public var tcpFlags: UInt8?
    public var sourcePort: UInt16?
    public var destinationPort: UInt16?
    /// VXLAN or Geneve: the first VNI met on the way in.
    public var vni: UInt32?
    /// Linux cooked captures (SLL2): the interface index.
    public var cookedInterfaceIndex: UInt32?
    /// Frame offset where the innermost frame's link layer starts.
    public var innerFrameOffset: Int = 0
    /// Where the IP header, or the ARP body, starts in the frame.
    public var networkOffset: Int?
    /// Application payload: where it starts in the frame and how long the headers say it is
    /// (it may extend beyond the captured bytes).
    public var payloadOffset: Int?
    public var payloadLength: Int?
    public var vlans = VLANStack()

    public var linkType: LinkType
    /// Bytes captured (the decoder never reads beyond them).
    public var capturedLength: Int
    /// Every layer read, outermost first, tunnels included.
    public var layers = LayerPath()

    // Link layer of the innermost frame (its MACs, VLANs and SLL2 index are above).
    /// EtherType (or SLL protocol) that the link layer led to; nil for 802.3 LLC frames.
    public var etherType: UInt16?
    /// 802.3 frames: DSAP and SSAP of the LLC header.
    public var llcSAPs: UInt16?
    /// Linux cooked captures: packet type (0 host ... 4 outgoing); the SLL2 interface index is above.
    public var cookedPacketType: UInt16?
    /// MPLS: labels walked and the top one.
    public var mplsLabels: Int = 0
    public var topMPLSLabel: UInt32?

    // Network layer (addresses, protocol and offset above).
    public var arp: ARPPacket? {
        @inline(__always) get { presentLargeFields & PacketView.arpBit != 0 ? arpStorage.payload : nil }
        @inline(__always) set {
            if let newValue { arpStorage.payload = newValue; presentLargeFields |= PacketView.arpBit } else { presentLargeFields &= ~PacketView.arpBit }
        }
    }
    /// TTL or hop limit.
    public var ttl: UInt8?
    public var dscp: UInt8?
    /// IPv4 identification, or the IPv6 fragment header's.
    public var ipIdentification: UInt32?
    public var fragmentOffset: UInt16 = 0
    public var moreFragments = false
    /// IP total length (IPv4) or 40 + payload length (IPv6), as the header says.
    public var ipLength: Int?

    // Transport layer, first fragments only (ports, flags and payload above).
    public var tcpSequence: UInt32?
    public var tcpAcknowledgment: UInt32?
    public var tcpWindow: UInt16?
    public var icmp: ICMPFields? {
        @inline(__always) get { presentLargeFields & PacketView.icmpBit != 0 ? icmpStorage.payload : nil }
        @inline(__always) set {
            if let newValue { icmpStorage.payload = newValue; presentLargeFields |= PacketView.icmpBit } else { presentLargeFields &= ~PacketView.icmpBit }
        }
    }
    public var neighborDiscovery: NeighborDiscovery? {
        @inline(__always) get { presentLargeFields & PacketView.neighborDiscoveryBit != 0 ? neighborDiscoveryStorage.payload : nil }
        @inline(__always) set {
            if let newValue { neighborDiscoveryStorage.payload = newValue; presentLargeFields |= PacketView.neighborDiscoveryBit } else { presentLargeFields &= ~PacketView.neighborDiscoveryBit }
        }
    }
    /// HSRP, GLBP, VRRP or CARP message.
    public var fhrp: FHRPMessage? {
        @inline(__always) get { presentLargeFields & PacketView.fhrpBit != 0 ? fhrpStorage.payload : nil }
        @inline(__always) set {
            if let newValue { fhrpStorage.payload = newValue; presentLargeFields |= PacketView.fhrpBit } else { presentLargeFields &= ~PacketView.fhrpBit }
        }
    }

    // Tunnels.
    public var tunnel: TunnelInfo? {
        @inline(__always) get { presentLargeFields & PacketView.tunnelBit != 0 ? tunnelStorage.payload : nil }
        @inline(__always) set {
            if let newValue { tunnelStorage.payload = newValue; presentLargeFields |= PacketView.tunnelBit } else { presentLargeFields &= ~PacketView.tunnelBit }
        }
    }
    public var tunnelCount: Int = 0
    public var erspan: ERSPANHeader? {
        @inline(__always) get { presentLargeFields & PacketView.erspanBit != 0 ? erspanStorage.payload : nil }
        @inline(__always) set {
            if let newValue { erspanStorage.payload = newValue; presentLargeFields |= PacketView.erspanBit } else { presentLargeFields &= ~PacketView.erspanBit }
        }
    }

    /// Why the walk stopped early, or nil when every layer it knows was read.
    public var stop: DecodeStop? {
        @inline(__always) get { presentLargeFields & PacketView.stopBit != 0 ? stopStorage.payload : nil }
        @inline(__always) set {
            if let newValue { stopStorage.payload = newValue; presentLargeFields |= PacketView.stopBit } else { presentLargeFields &= ~PacketView.stopBit }
        }
    }

    // The large optional fields' storage, after every small field: the small ones a frame sets
    // share few cache lines, and one field's presence is one bit of `presentLargeFields`.
    fileprivate var arpStorage = LargeField<ARPPacket>()
    fileprivate var icmpStorage = LargeField<ICMPFields>()
    fileprivate var neighborDiscoveryStorage = LargeField<NeighborDiscovery>()
    fileprivate var fhrpStorage = LargeField<FHRPMessage>()
    fileprivate var tunnelStorage = LargeField<TunnelInfo>()
    fileprivate var erspanStorage = LargeField<ERSPANHeader>()
    fileprivate var stopStorage = LargeField<DecodeStop>()

    public init(linkType: LinkType, capturedLength: Int) {
        self.linkType = linkType
        self.capturedLength = capturedLength
    }

    /// Back to what `init` gives, field by field and in place: cheaper than building a new
    /// value and copying its thousand bytes over this one. A test checks that a reused value
    /// decodes exactly like a fresh one, so a field added above must be added here too: below if
    /// the decoder's common TCP path (`FrameWalk.commonTCPFrame`) sets it, else in
    /// `resetBesidesCommonTCPFields`.
    @inline(__always)
    public mutating func reset(linkType: LinkType, capturedLength: Int) {
        resetBesidesCommonTCPFields(linkType: linkType, capturedLength: capturedLength)
        sourceMAC = nil
        destinationMAC = nil
        etherType = nil
        sourceIP = nil
        destinationIP = nil
        ipProtocol = nil
        ttl = nil
        dscp = nil
        ipIdentification = nil
        ipLength = nil
        networkOffset = nil
        sourcePort = nil
        destinationPort = nil
        tcpFlags = nil
        tcpSequence = nil
        tcpAcknowledgment = nil
        tcpWindow = nil
        payloadOffset = nil
        payloadLength = nil
    }

    /// `reset` of every field the common TCP path does not set: that path, which sets the rest,
    /// does not write them twice.
    @inline(__always)
    mutating func resetBesidesCommonTCPFields(linkType: LinkType, capturedLength: Int) {
        self.linkType = linkType
        self.capturedLength = capturedLength
        layers = LayerPath()
        presentLargeFields = 0
        vlans = VLANStack()
        llcSAPs = nil
        cookedPacketType = nil
        cookedInterfaceIndex = nil
        mplsLabels = 0
        topMPLSLabel = nil
        innerFrameOffset = 0
        fragmentOffset = 0
        moreFragments = false
        tunnelCount = 0
        vni = nil
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
        return String(unsafeUninitializedCapacity: 8) { buffer in
            var text = TextBytes(buffer)
            text.append(tcpFlags: flags)
            return text.count
        }
    }

    /// Clears what described the frame before a tunnel, keeping the tunnel context.
    mutating func enterInnerFrame(at offset: Int) {
        // Every field reset as a reused packet is (`reset`), keeping the tunnel's: the large
        // fields' storage is left as it is, their presence bits say which are kept. Built anew
        // and copied back whole, the packet cost a tunnelled frame about 150 instructions.
        let keptLarge = presentLargeFields & (PacketView.tunnelBit | PacketView.erspanBit)
        let keep = (tunnelCount, vni, layers)
        reset(linkType: linkType, capturedLength: capturedLength)
        presentLargeFields = keptLarge
        layers = keep.2
        tunnelCount = keep.0
        vni = keep.1
        innerFrameOffset = offset
    }
}

/// A decoded packet lent by its address: each field is read where the packet was decoded.
/// A `DecodedPacket` passed on from a pointer or an `inout` is first copied whole (a thousand
/// bytes per frame); this view is one pointer, so the trackers read only the fields they use.
@dynamicMemberLookup
public struct PacketView {
    public let pointer: UnsafePointer<DecodedPacket>
    /// `presentLargeFields`, read once: an absent large field is told without touching its lines.
    public let present: UInt8

    public static let arpBit: UInt8 = 1, icmpBit: UInt8 = 2, neighborDiscoveryBit: UInt8 = 4, fhrpBit: UInt8 = 8
    public static let tunnelBit: UInt8 = 16, erspanBit: UInt8 = 32, stopBit: UInt8 = 64

    @inline(__always)
    public init(_ pointer: UnsafePointer<DecodedPacket>) {
        self.pointer = pointer
        present = pointer.pointee.presentLargeFields
    }

    @inline(__always)
    public subscript<Value>(dynamicMember field: KeyPath<DecodedPacket, Value>) -> Value {
        pointer.pointee[keyPath: field]
    }

    // The large optional fields: their presence is tested before the value is read, or the
    // whole field would be copied first.
    public var arp: ARPPacket? { @inline(__always) get { present & Self.arpBit != 0 ? pointer.pointee.arp : nil } }
    public var icmp: ICMPFields? { @inline(__always) get { present & Self.icmpBit != 0 ? pointer.pointee.icmp : nil } }
    public var neighborDiscovery: NeighborDiscovery? {
        @inline(__always) get { present & Self.neighborDiscoveryBit != 0 ? pointer.pointee.neighborDiscovery : nil }
    }
    public var fhrp: FHRPMessage? { @inline(__always) get { present & Self.fhrpBit != 0 ? pointer.pointee.fhrp : nil } }
    public var tunnel: TunnelInfo? { @inline(__always) get { present & Self.tunnelBit != 0 ? pointer.pointee.tunnel : nil } }
    public var erspan: ERSPANHeader? { @inline(__always) get { present & Self.erspanBit != 0 ? pointer.pointee.erspan : nil } }
    public var stop: DecodeStop? { @inline(__always) get { present & Self.stopBit != 0 ? pointer.pointee.stop : nil } }
}
