import HairpinCapture
import HairpinWire

/// What the trackers read of a frame, in two cache lines: the fields of the record and of the
/// decoded packet that every frame needs, and what depends on the frames alone (the flow key and
/// its hash, whether the frame is an original sighting of its source MAC). Worked out where the
/// frame is decoded: with two threads the reading thread does it, and the analysing thread
/// fetches these two lines of a common frame from the other core instead of six. The rest of the
/// packet and record is read only for frames that need it (`isUnusual`: ARP, neighbour
/// discovery, first-hop redundancy, SLL2, a decode stop) and for the few that the path tracker
/// follows.
public struct FrameSummary: BitwiseCopyable {
    // First line: the flow and the time.
    /// The flow key (`FlowKey.empty` without a flow: `hasFlow`).
    var flowKey: FlowKey
    /// `flowKey.mixedHash` (0 without a flow).
    var flowHash: UInt64
    /// Nanoseconds since the Unix epoch (the previous record's without a time: `hasTimestamp`).
    var timestamp: Int64
    // Second line: lengths, place, addresses, transport.
    var sourceMACBits: UInt64
    var destinationMACBits: UInt64
    var sourceIPHigh: UInt64
    var sourceIPLow: UInt64
    var originalLength: UInt32
    var capturedLength: UInt32
    var interface: Int32
    var payloadLengthValue: Int32
    var payloadOffsetValue: Int32
    /// The innermost VLAN id, or for VXLAN/Geneve the VNI with `MobilityTracker.vniFlag` set.
    var segmentValue: UInt32
    var tcpFlagsValue: UInt8
    private var traits: UInt16
    /// ERSPAN: the session, and where the mirrored frame starts.
    var erspanSessionValue: UInt16
    var mirroredFrameOffset: UInt16

    private static let hasFlowBit: UInt16 = 1, fromLowBit: UInt16 = 2, originalSightingBit: UInt16 = 4
    private static let hasTimestampBit: UInt16 = 8, hasSourceMACBit: UInt16 = 16, hasDestinationMACBit: UInt16 = 32
    private static let hasSourceIPBit: UInt16 = 64, sourceIPv6Bit: UInt16 = 128, hasTCPFlagsBit: UInt16 = 256
    private static let hasPayloadLengthBit: UInt16 = 512, hasPayloadOffsetBit: UInt16 = 1024, hasSegmentBit: UInt16 = 2048
    private static let unusualBit: UInt16 = 4096, mirroredBit: UInt16 = 8192
    /// Large fields of the decoded packet that make a frame unusual.
    private static let unusualFields = PacketView.arpBit | PacketView.neighborDiscoveryBit | PacketView.fhrpBit | PacketView.stopBit

    init() {
        flowKey = .empty
        flowHash = 0
        timestamp = 0
        sourceMACBits = 0
        destinationMACBits = 0
        sourceIPHigh = 0
        sourceIPLow = 0
        originalLength = 0
        capturedLength = 0
        interface = 0
        payloadLengthValue = 0
        payloadOffsetValue = 0
        segmentValue = 0
        tcpFlagsValue = 0
        traits = 0
        erspanSessionValue = 0
        mirroredFrameOffset = 0
    }

    /// Sums up the next frame in capture order, in place (a slot of the ring is written once, not
    /// built aside and copied), `sightings` holding what came before. A field whose trait bit is
    /// clear keeps what it held: it is not read.
    @inline(__always)
    mutating func fill(_ record: Record, _ packet: PacketView, sightings: inout SightingFilter) {
        var traits: UInt16 = 0
        if let (key, fromLow) = FlowKey.of(packet) {
            flowKey = key
            flowHash = key.mixedHash
            traits |= Self.hasFlowBit | (fromLow ? Self.fromLowBit : 0)
        }
        timestamp = record.timestamp
        if record.hasTimestamp { traits |= Self.hasTimestampBit }
        originalLength = UInt32(truncatingIfNeeded: record.originalLength)
        capturedLength = UInt32(truncatingIfNeeded: record.bytes.count)
        interface = Int32(truncatingIfNeeded: record.interface)
        let source = packet.sourceMAC
        if let source { sourceMACBits = source.rawValue; traits |= Self.hasSourceMACBit }
        if let destination = packet.destinationMAC { destinationMACBits = destination.rawValue; traits |= Self.hasDestinationMACBit }
        switch packet.sourceIP {
        case .v4(let address)?: sourceIPLow = UInt64(address.rawValue); traits |= Self.hasSourceIPBit
        case .v6(let address)?: sourceIPHigh = address.high; sourceIPLow = address.low; traits |= Self.hasSourceIPBit | Self.sourceIPv6Bit
        case nil: break
        }
        if let flags = packet.tcpFlags { tcpFlagsValue = flags; traits |= Self.hasTCPFlagsBit }
        if let length = packet.payloadLength { payloadLengthValue = Int32(clamping: length); traits |= Self.hasPayloadLengthBit }
        if let offset = packet.payloadOffset { payloadOffsetValue = Int32(clamping: offset); traits |= Self.hasPayloadOffsetBit }
        if let vni = packet.vni {
            segmentValue = UInt32(MobilityTracker.vniFlag) | (vni & 0xFF_FFFF)
            traits |= Self.hasSegmentBit
        } else if let vlan = packet.vlans.innermostId {
            segmentValue = UInt32(vlan)
            traits |= Self.hasSegmentBit
        }
        if packet.present & Self.unusualFields != 0 || packet.cookedInterfaceIndex != nil { traits |= Self.unusualBit }
        if let erspan = packet.erspan {
            erspanSessionValue = erspan.sessionID
            if let offset = UInt16(exactly: packet.innerFrameOffset) { mirroredFrameOffset = offset } else { traits |= Self.unusualBit }
            traits |= Self.mirroredBit
        }
        if sightings.enabled, let source {
            let digest = MirrorCopies.digest(record.bytes, from: packet.networkOffset ?? packet.innerFrameOffset, source: source)
            if sightings.isOriginal(packet, digest: digest, time: record.timestamp,
                                    place: MobilityTracker.place(of: packet, interface: record.interface), direction: record.direction) {
                traits |= Self.originalSightingBit
            }
        } else if !sightings.enabled {
            traits |= Self.originalSightingBit
        }
        self.traits = traits
    }

    @inline(__always) private func has(_ bit: UInt16) -> Bool { traits & bit != 0 }

    var flow: (key: FlowKey, fromLow: Bool)? { has(Self.hasFlowBit) ? (flowKey, has(Self.fromLowBit)) : nil }
    var hasFlow: Bool { has(Self.hasFlowBit) }
    var fromLow: Bool { has(Self.fromLowBit) }
    /// The mobility tracker places the frame (`SightingFilter.isOriginal`).
    var originalSighting: Bool { has(Self.originalSightingBit) }
    var hasTimestamp: Bool { has(Self.hasTimestampBit) }
    /// ARP, neighbour discovery, a first-hop redundancy message, an SLL2 interface index or a
    /// decode stop: the trackers read the decoded packet itself.
    var isUnusual: Bool { has(Self.unusualBit) }
    /// The ERSPAN session of a mirrored frame.
    var erspanSession: UInt16? { has(Self.mirroredBit) ? erspanSessionValue : nil }
    /// Where a mirrored frame starts in the captured one (an offset too large for the summary
    /// made the frame unusual: it is read from the packet).
    @inline(__always)
    func mirroredFrameStart(_ decoded: UnsafePointer<DecodedPacket>) -> Int {
        isUnusual ? decoded.pointee.innerFrameOffset : Int(mirroredFrameOffset)
    }
    var sourceMAC: MACAddress? { has(Self.hasSourceMACBit) ? MACAddress(rawValue: sourceMACBits) : nil }
    var destinationMAC: MACAddress? { has(Self.hasDestinationMACBit) ? MACAddress(rawValue: destinationMACBits) : nil }
    var sourceIP: IPAddress? {
        guard has(Self.hasSourceIPBit) else { return nil }
        return has(Self.sourceIPv6Bit) ? .v6(IPv6Address(high: sourceIPHigh, low: sourceIPLow))
            : .v4(IPv4Address(rawValue: UInt32(truncatingIfNeeded: sourceIPLow)))
    }
    var tcpFlags: UInt8? { has(Self.hasTCPFlagsBit) ? tcpFlagsValue : nil }
    var payloadLength: Int? { has(Self.hasPayloadLengthBit) ? Int(payloadLengthValue) : nil }
    var payloadOffset: Int? { has(Self.hasPayloadOffsetBit) ? Int(payloadOffsetValue) : nil }
    /// The segment as `MobilityTracker` keeps it: VLAN id, or VNI with `vniFlag`; nil untagged.
    var segment: Int? { has(Self.hasSegmentBit) ? Int(segmentValue) : nil }
}
