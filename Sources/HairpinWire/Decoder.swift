/// Decodes a captured frame in one pass into a `DecodedPacket`: link layer, VLAN tags, MPLS,
/// ARP/RARP, IPv4/IPv6 (extension headers, fragments), ICMP/ICMPv6 ND, TCP, UDP, and the
/// tunnels of a data-center capture (GRE, ERSPAN I/II/III, VXLAN, VXLAN-GPE, Geneve), whose
/// inner frames are decoded like any other. It never allocates and never reads beyond the
/// captured bytes; a header that is cut or contradicts itself stops the walk with a typed
/// reason and leaves every earlier layer in place.
public struct Decoder: Sendable {
    /// Tunnels entered at most; deeper nesting stops with `tooManyLayers`.
    public var maximumTunnels = 4
    /// Headers walked at most (tags, labels, extension headers and layers together).
    public var maximumLayers = 32
    /// Reads the commonest frame of a migration capture, Ethernet (one 802.1Q tag or none),
    /// IPv4 without options or fragmentation, and a whole TCP header, in one straight pass. It
    /// gives exactly what the general walk gives (a test compares the two on every shipped and
    /// real capture); off, every frame takes the general walk.
    public var takesCommonFramesDirectly = true

    public init() {}

    /// The next header to read: what it is and where it starts.
    enum Step {
        case ethernet(Int)
        case etherType(UInt16, Int, from: Layer)
        case ipv4(Int)
        case ipv6(Int)
        case ipByNibble(Int, from: Layer)
        case done
    }

    /// A fresh value per frame, built where the caller keeps it: a local the caller then lends
    /// to other functions without copies.
    @inline(__always)
    public func decode(_ bytes: UnsafeRawBufferPointer, linkType: LinkType) -> DecodedPacket {
        var packet = DecodedPacket(linkType: linkType, capturedLength: bytes.count)
        walk(bytes, linkType: linkType, into: &packet, reused: false)
        return packet
    }

    /// Decodes into `packet`, which is overwritten: the form for loops that reuse one value.
    public func decode(_ bytes: UnsafeRawBufferPointer, linkType: LinkType, into packet: inout DecodedPacket) {
        walk(bytes, linkType: linkType, into: &packet, reused: true)
    }

    /// A `reused` packet is reset here: by the common TCP path, only in the fields it does not
    /// set itself; otherwise whole, before the layers are walked.
    @inline(__always)
    private func walk(_ bytes: UnsafeRawBufferPointer, linkType: LinkType, into packet: inout DecodedPacket, reused: Bool) {
        guard let base = bytes.baseAddress else {
            if reused { packet.reset(linkType: linkType, capturedLength: bytes.count) }
            if linkType == .ethernet { packet.stop = DecodeStop(kind: .truncated, layer: .link, offset: 0, needed: 14, available: 0) }
            return
        }
        withUnsafeMutablePointer(to: &packet) { storage in
            var walk = FrameWalk(bytes: ByteView(base: base, count: bytes.count), storage: storage, decoder: self)
            if linkType == .ethernet && takesCommonFramesDirectly
                && (walk.commonTCPFrame(resetting: reused) || walk.mirroredTCPFrame(resetting: reused)
                    || walk.overlayTCPFrameApart(resetting: reused)) { return }
            if reused { storage.pointee.reset(linkType: linkType, capturedLength: bytes.count) }
            walk.run(linkType)
        }
    }
}

extension FrameWalk {
    mutating func run(_ linkType: LinkType) {
        var step = linkLayer(linkType)
        var layers = 0
        let maximumLayers = decoder.maximumLayers
        while true {
            layers &+= 1
            if layers > maximumLayers {
                stop(.tooManyLayers, .link, at: 0)
                return
            }
            switch step {
            case .done:
                return
            case .ethernet(let offset):
                // A tunnel's inner frame, just entered (its packet reset but for the tunnel's
                // fields), that is a common TCP frame is read straight, as an outer one is, when
                // the walk has left the three steps the general one would take (EtherType, IPv4
                // header, end): the mirrored frames of an ERSPAN capture.
                if offset > 0 && offset == packet.innerFrameOffset && packet.tunnelCount > 0 && decoder.takesCommonFramesDirectly
                    && layers + CommonTCPFrame.walkSteps <= maximumLayers && commonTCPFrame(resetting: false, innerAt: offset) { return }
                step = ethernet(at: offset)
            case .etherType(let type, let offset, let layer):
                step = dispatch(etherType: type, at: offset, from: layer)
            case .ipv4(let offset):
                step = ipv4(at: offset)
            case .ipv6(let offset):
                step = ipv6(at: offset)
            case .ipByNibble(let offset, let layer):
                guard offset < bytes.count else {
                    truncated(layer, at: offset, needed: 1)
                    return
                }
                let version = bytes.u8(offset) >> 4
                step = version == 4 ? .ipv4(offset) : version == 6 ? .ipv6(offset) : .done
                if case .done = step { stop(.malformed, layer, at: offset) }
            }
        }
    }
}

extension FrameWalk {
    /// A `CommonTCPFrame`, filled in here field for field as `ethernet`, `vlanTags`, `ipv4` and
    /// `tcp` would, first `resetting` the fields of a reused packet it does not set itself;
    /// false (nothing written) for any other frame. `innerAt`: the frame is a tunnel's inner
    /// frame starting there, entered already (`enterTunnel`), its layers added to the outer ones.
    @inline(__always)
    mutating func commonTCPFrame(resetting: Bool, innerAt start: Int = 0) -> Bool {
        guard let frame = CommonTCPFrame(bytes.suffix(from: start)) else { return false }
        if resetting { packet.resetBesidesCommonTCPFields(linkType: .ethernet, capturedLength: bytes.count) }
        fill(frame, at: start)
        return true
    }

    /// The fields of `frame`, starting at `start` (a tunnel's inner frame, entered already, when
    /// not 0).
    @inline(__always)
    mutating func fill(_ frame: CommonTCPFrame, at start: Int) {
        packet.destinationMAC = frame.destinationMAC
        packet.sourceMAC = frame.sourceMAC
        // The layers put together aside and stored once: appended one by one through the
        // packet, each paid its own bounds test.
        var layers = start == 0 ? LayerPath() : packet.layers
        layers.append(.link)
        if let control = frame.tagControl {
            packet.vlans.append(VLANTag(tpid: 0x8100, tci: control))
            layers.append(.vlan)
        }
        layers.append(.ipv4)
        layers.append(.tcp)
        packet.layers = layers
        packet.etherType = 0x0800
        packet.networkOffset = start + frame.networkOffset
        packet.sourceIP = .v4(frame.sourceIP)
        packet.destinationIP = .v4(frame.destinationIP)
        packet.ipProtocol = IPProtocol.tcp
        packet.ttl = frame.ttl
        packet.dscp = frame.dscp
        packet.ipIdentification = UInt32(frame.ipIdentification)
        packet.ipLength = frame.ipLength
        packet.sourcePort = frame.sourcePort
        packet.destinationPort = frame.destinationPort
        packet.tcpSequence = frame.sequence
        packet.tcpAcknowledgment = frame.acknowledgment
        packet.tcpFlags = frame.flags
        packet.tcpWindow = frame.window
        packet.payloadOffset = start + frame.payloadOffset
        packet.payloadLength = frame.payloadLength
    }

    /// What the straight passes over a tunnelled common frame (`MirroredTCPFrame`,
    /// `OverlayTCPFrame`) write alike: the layers (link, the outer tag, IPv4, then the tunnel's
    /// two), the tunnel, then the inner frame at `innerOffset` as `commonTCPFrame` fills it.
    @inline(__always)
    mutating func fillTunnelled(_ inner: CommonTCPFrame, at innerOffset: Int, outerTagged: Bool, tunnelLayers: (Layer, Layer),
                                tunnel info: TunnelInfo) {
        var layers = LayerPath()
        layers.append(.link)
        if outerTagged { layers.append(.vlan) }
        layers.append(.ipv4)
        layers.append(tunnelLayers.0)
        layers.append(tunnelLayers.1)
        packet.layers = layers
        packet.tunnel = info
        packet.tunnelCount = 1
        packet.innerFrameOffset = innerOffset
        fill(inner, at: innerOffset)
    }
}

/// The state of one walk over a frame; each protocol file adds the step that reads its header.
struct FrameWalk {
    let bytes: ByteView
    /// The caller's packet, written in place (no copy of the whole value per layer or per frame).
    let storage: UnsafeMutablePointer<DecodedPacket>
    let decoder: Decoder

    var packet: DecodedPacket {
        _read { yield storage.pointee }
        nonmutating _modify { yield &storage.pointee }
    }

    mutating func stop(_ kind: DecodeStop.Kind, _ layer: Layer, at offset: Int, value: UInt32 = 0,
                       subject: DecodeStop.Subject = .none) {
        if packet.stop == nil {
            packet.stop = DecodeStop(kind: kind, layer: layer, offset: offset, value: value, subject: subject)
        }
    }

    mutating func truncated(_ layer: Layer, at offset: Int, needed: Int) {
        if packet.stop == nil {
            packet.stop = DecodeStop(kind: .truncated, layer: layer, offset: offset, needed: needed,
                                     available: max(0, bytes.count - offset))
        }
    }

    /// True when `length` bytes from `offset` were captured; otherwise records the truncation.
    mutating func has(_ length: Int, at offset: Int, _ layer: Layer) -> Bool {
        // Both non-negative: the difference cannot overflow, and is not checked for it.
        if offset >= 0 && bytes.count &- offset >= length { return true }
        truncated(layer, at: offset, needed: length)
        return false
    }

    /// Enters a tunnel's inner frame, or stops when too many tunnels are nested.
    mutating func enterTunnel(_ info: TunnelInfo, innerAt offset: Int, _ layer: Layer) -> Bool {
        if packet.tunnelCount >= decoder.maximumTunnels {
            stop(.tooManyLayers, layer, at: offset)
            return false
        }
        // Told by the presence bits: compared with nil, the optional value was built first.
        let present = packet.presentLargeFields
        if present & PacketView.tunnelBit == 0 { packet.tunnel = info }
        if present & PacketView.erspanBit == 0, let erspan = info.erspan { packet.erspan = erspan }
        if packet.vni == nil, let vni = info.vni { packet.vni = vni }
        packet.tunnelCount += 1
        packet.enterInnerFrame(at: offset)
        return true
    }

    /// EtherTypes after which there is nothing more this decoder reads, and nothing to flag.
    static func isTerminal(_ type: UInt16) -> Bool {
        switch type {
        // LLDP, slow protocols (LACP), PTP, EAPOL, CFM, loopback, IPX, AppleTalk, AARP, FCoE, FIP,
        // RoCE, local experimental, Wake-on-LAN, TRILL/IS-IS carriers, HSR/PRP, NSH-less OAM.
        case 0x88CC, 0x8809, 0x88F7, 0x888E, 0x8902, 0x9000, 0x8137, 0x809B, 0x80F3, 0x8906, 0x8914,
             0x8915, 0x88B5, 0x88B6, 0x0842, 0x22F3, 0x88FB, 0x892F, 0x6000...0x6007:
            return true
        default:
            return false
        }
    }

    mutating func dispatch(etherType type: UInt16, at offset: Int, from layer: Layer) -> Decoder.Step {
        packet.etherType = type
        switch type {
        case 0x0800: return .ipv4(offset)
        case 0x86DD: return .ipv6(offset)
        case 0x0806, 0x8035: return arp(at: offset, rarp: type == 0x8035)
        case 0x8847, 0x8848: return mpls(at: offset)
        case GREHeader.ProtocolType.transparentEthernetBridging:
            return .ethernet(offset)
        case NSHHeader.etherType:
            return nsh(at: offset)
        default:
            if let step = providerTag(type, at: offset, from: layer) { return step }
            if !Self.isTerminal(type) { stop(.unsupported, layer, at: offset, value: UInt32(type), subject: .etherType) }
            return .done
        }
    }
}
