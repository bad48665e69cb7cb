import HairpinCapture
import HairpinWire

/// What the trackers read of a frame, in two cache lines: the fields of the record and of the
/// decoded packet that every frame needs, the flow key with its hash, and the digest that tells
/// a frame's copies on other capture points (`MirrorCopies`). Worked out where the frame is
/// decoded: with two threads the reading thread does it, and the analysing thread
/// fetches these two lines of a common frame from the other core instead of six. The rest of the
/// packet is read only for frames that need it (`isUnusual`: ARP, neighbour
/// discovery, first-hop redundancy, SLL2, a decode stop) and for the frames other than common
/// TCP ones that the path tracker follows (`hasPathFields`).
public struct FrameSummary: BitwiseCopyable {
    // First line: the flow and the time.
    /// The flow key; without a flow (`hasFlow`) only its segment is set (`segment`).
    var flowKey: FlowKey
    /// A common TCP frame's TTL and IP identification (`hasPathFields`), in the key's padding.
    var ttlValue: UInt8
    var ipIdentificationValue: UInt16
    /// `flowKey.mixedHash` (0 without a flow).
    var flowHash: UInt64
    /// Nanoseconds since the Unix epoch (the previous record's without a time: `hasTimestamp`).
    var timestamp: Int64
    // Second line: lengths, place, addresses, transport.
    var sourceMACBits: UInt64
    var destinationMACBits: UInt64
    /// `MirrorCopies.digest` of the frame (0 when not asked for, or without a source MAC).
    var mirrorDigest: UInt64
    /// The frame's bytes when its decoded packet was not handed on (`packetDeferred`).
    private var deferredBytes: UnsafeRawPointer?
    var originalLength: UInt32
    var capturedLength: UInt32
    var interface: Int32
    var payloadLengthValue: Int32
    /// A common TCP frame's TCP sequence number (`hasPathFields`).
    var tcpSequenceValue: UInt32
    var tcpFlagsValue: UInt8
    private var traits: UInt16
    /// ERSPAN: the session, and where the mirrored frame starts.
    var erspanSessionValue: UInt16
    var mirroredFrameOffset: UInt16
    /// The record's link type, for decoding a deferred packet.
    private var linkTypeValue: UInt16
    /// The record's `Direction`.
    var directionValue: UInt8

    private static let hasFlowBit: UInt16 = 1, fromLowBit: UInt16 = 2, egressBit: UInt16 = 4
    private static let hasTimestampBit: UInt16 = 8, hasSourceMACBit: UInt16 = 16, hasDestinationMACBit: UInt16 = 32
    private static let packetDeferredBit: UInt16 = 64, unsummedBit: UInt16 = 128, hasTCPFlagsBit: UInt16 = 256
    private static let hasPayloadLengthBit: UInt16 = 512, hasPathFieldsBit: UInt16 = 1024, hasSegmentBit: UInt16 = 2048
    private static let unusualBit: UInt16 = 4096, mirroredBit: UInt16 = 8192, qemuMagicBit: UInt16 = 16384
    /// Large fields of the decoded packet that make a frame unusual.
    private static let unusualFields = PacketView.arpBit | PacketView.neighborDiscoveryBit | PacketView.fhrpBit | PacketView.stopBit

    init() {
        flowKey = .empty
        ttlValue = 0
        ipIdentificationValue = 0
        flowHash = 0
        timestamp = 0
        sourceMACBits = 0
        destinationMACBits = 0
        mirrorDigest = 0
        deferredBytes = nil
        originalLength = 0
        capturedLength = 0
        interface = 0
        payloadLengthValue = 0
        tcpSequenceValue = 0
        tcpFlagsValue = 0
        traits = 0
        erspanSessionValue = 0
        mirroredFrameOffset = 0
        linkTypeValue = 0
        directionValue = 0
    }

    /// Sums up a frame in place (a slot of the ring is written once, not built aside and copied),
    /// with its copy digest when `digests` (the host trackers run). A field whose trait bit is
    /// clear keeps what it held: it is not read.
    @inline(__always)
    mutating func fill(_ record: Record, _ packet: PacketView, digests: Bool) {
        var traits: UInt16 = 0
        if let (key, fromLow) = FlowKey.of(packet) {
            flowKey = key
            flowHash = key.mixedHash
            traits |= Self.hasFlowBit | (fromLow ? Self.fromLowBit : 0)
        }
        traits |= fillFromRecord(record)
        let source = packet.sourceMAC
        if let source { sourceMACBits = source.rawValue; traits |= Self.hasSourceMACBit }
        if let destination = packet.destinationMAC { destinationMACBits = destination.rawValue; traits |= Self.hasDestinationMACBit }
        if let flags = packet.tcpFlags { tcpFlagsValue = flags; traits |= Self.hasTCPFlagsBit }
        if let length = packet.payloadLength { payloadLengthValue = Int32(clamping: length); traits |= Self.hasPayloadLengthBit }
        if let offset = packet.payloadOffset, Self.startsWithQEMUMagic(record.bytes, at: offset) { traits |= Self.qemuMagicBit }
        if let segment = FlowKey.segment(of: packet) {
            // A flow's key holds it already; a frame without one keeps it in an otherwise empty key.
            if traits & Self.hasFlowBit == 0 { flowKey = FlowKey.segmentOnly(segment) }
            traits |= Self.hasSegmentBit
        }
        // The source address is the flow key's; a frame with one but no flow keeps it in its packet.
        if packet.present & Self.unusualFields != 0 || packet.cookedInterfaceIndex != nil || (traits & Self.hasFlowBit == 0 && packet.sourceIP != nil) {
            traits |= Self.unusualBit
        }
        if let erspan = packet.erspan {
            erspanSessionValue = erspan.sessionID
            if let offset = UInt16(exactly: packet.innerFrameOffset) { mirroredFrameOffset = offset } else { traits |= Self.unusualBit }
            traits |= Self.mirroredBit | (erspan.egress == true ? Self.egressBit : 0)
        }
        if digests, let source {
            mirrorDigest = MirrorCopies.digest(record.bytes, from: packet.networkOffset ?? packet.innerFrameOffset, source: source)
        }
        self.traits = traits
    }

    /// Sums up `record`: when `keepingCommonPacketBack` and it is a common TCP frame, plain,
    /// mirrored or in an overlay, from its headers, its packet kept back (`deferPacket`: the record's bytes must
    /// stay readable while a tracker may want it); any other frame decoded into `packet` first.
    @inline(__always)
    mutating func fill(_ record: Record, decodingWith decoder: Decoder, into packet: UnsafeMutablePointer<DecodedPacket>, digests: Bool,
                       keepingCommonPacketBack: Bool) {
        if keepingCommonPacketBack, fillKeepingPacketBack(record, decoder: decoder, digests: digests) { return }
        decoder.decode(record.bytes, linkType: record.linkType, into: &packet.pointee)
        fill(record, PacketView(packet), digests: digests)
    }

    /// Sums up a `CommonTCPFrame` as `fill` sums up its decoded packet, which is not needed.
    /// Transparent, not `@inline(__always)`: the optimiser left that one a call of its own from
    /// the ring writer's and the one thread's record loops, its frame passed through memory
    /// (64-byte benchmark capture, two threads, ring policies held fixed: the reading thread
    /// 608 -> 555 instructions a frame; the hairpin scenario at scale 60, one thread: 1,133 ->
    /// 1,093 M instructions).
    @_transparent
    mutating func fill(_ record: Record, common frame: CommonTCPFrame, digests: Bool) {
        fill(record, common: frame, at: 0, segment: FlowKey.segment(of: frame), digests: digests)
    }

    /// Sums up a `MirroredTCPFrame` as `fill` sums up its decoded packet.
    @_transparent
    mutating func fill(_ record: Record, mirrored frame: MirroredTCPFrame, digests: Bool) {
        fill(record, common: frame.inner, at: frame.innerOffset, segment: FlowKey.segment(of: frame.inner), digests: digests)
        erspanSessionValue = frame.sessionID
        // At most 74 bytes in: the offset always fits.
        mirroredFrameOffset = UInt16(truncatingIfNeeded: frame.innerOffset)
        traits |= Self.mirroredBit | (frame.egress ? Self.egressBit : 0)
    }

    /// Sums up an `OverlayTCPFrame` as `fill` sums up its decoded packet: the tenant's frame on
    /// its VNI's segment.
    @_transparent
    mutating func fill(_ record: Record, overlay frame: OverlayTCPFrame, digests: Bool) {
        fill(record, common: frame.inner, at: frame.innerOffset, segment: FlowKey.segment(ofVNI: frame.vni), digests: digests)
    }

    /// Sums up `record` from its headers when it is a common TCP frame, plain, mirrored or in an
    /// overlay, its packet kept back (`deferPacket`); false, and nothing written, for any other frame.
    @inline(__always)
    mutating func fillKeepingPacketBack(_ record: Record, decoder: Decoder, digests: Bool) -> Bool {
        if let common = decoder.commonTCPFrame(record.bytes, linkType: record.linkType) {
            fill(record, common: common, digests: digests)
            deferPacket(of: record)
            return true
        }
        return fillKeepingBackIfMirrored(record, decoder: decoder, digests: digests)
    }

    /// `fillKeepingPacketBack` for a `MirroredTCPFrame` or an `OverlayTCPFrame`; false, and
    /// nothing written, for any other frame. A call of its own, kept out of the plain common
    /// frame's path.
    @inline(never)
    private mutating func fillKeepingBackIfMirrored(_ record: Record, decoder: Decoder, digests: Bool) -> Bool {
        guard let mirrored = decoder.mirroredTCPFrame(record.bytes, linkType: record.linkType) else {
            return fillKeepingBackIfInOverlay(record, decoder: decoder, digests: digests)
        }
        fill(record, mirrored: mirrored, digests: digests)
        deferPacket(of: record)
        return true
    }

    /// `fillKeepingPacketBack` for an `OverlayTCPFrame`. A call of its own: inlined in
    /// `fillKeepingBackIfMirrored`, it made a mirrored frame dearer.
    @inline(never)
    private mutating func fillKeepingBackIfInOverlay(_ record: Record, decoder: Decoder, digests: Bool) -> Bool {
        guard let overlay = decoder.overlayTCPFrame(record.bytes, linkType: record.linkType) else { return false }
        fill(record, overlay: overlay, digests: digests)
        deferPacket(of: record)
        return true
    }

    /// A `CommonTCPFrame` starting `start` bytes into the record (a mirrored one's).
    @_transparent
    private mutating func fill(_ record: Record, common frame: CommonTCPFrame, at start: Int, segment: UInt32?, digests: Bool) {
        let (key, fromLow) = FlowKey.of(frame, segment: segment ?? 0)
        flowKey = key
        flowHash = key.mixedHash
        var traits = Self.hasFlowBit | (fromLow ? Self.fromLowBit : 0) | fillFromRecord(record)
        let source = frame.sourceMAC
        sourceMACBits = source.rawValue
        destinationMACBits = frame.destinationMAC.rawValue
        tcpFlagsValue = frame.flags
        payloadLengthValue = Int32(clamping: frame.payloadLength)
        traits |= Self.hasSourceMACBit | Self.hasDestinationMACBit | Self.hasTCPFlagsBit | Self.hasPayloadLengthBit
        if Self.startsWithQEMUMagic(record.bytes, at: start + frame.payloadOffset) { traits |= Self.qemuMagicBit }
        // The key holds the segment already (`FlowKey.of`): only whether there is one is told here.
        if segment != nil { traits |= Self.hasSegmentBit }
        ttlValue = frame.ttl
        ipIdentificationValue = frame.ipIdentification
        tcpSequenceValue = frame.sequence
        traits |= Self.hasPathFieldsBit
        if digests { mirrorDigest = MirrorCopies.digest(record.bytes, from: start + frame.networkOffset, source: source) }
        self.traits = traits
    }

    /// The fields every frame takes from its record; the trait bits they set.
    @inline(__always)
    private mutating func fillFromRecord(_ record: Record) -> UInt16 {
        timestamp = record.timestamp
        originalLength = UInt32(truncatingIfNeeded: record.originalLength)
        capturedLength = UInt32(truncatingIfNeeded: record.bytes.count)
        interface = Int32(truncatingIfNeeded: record.interface)
        directionValue = record.direction.rawValue
        return record.hasTimestamp ? Self.hasTimestampBit : 0
    }

    /// Marks the frame's decoded packet as not handed on with the summary: its bytes (which must
    /// stay valid, as a mapped file's do) are decoded again where a tracker needs the packet of
    /// a common frame (`Analysis`, the path tracker). Only after `fill`.
    @inline(__always)
    mutating func deferPacket(of record: Record) {
        holdBytes(of: record)
        traits |= Self.packetDeferredBit
    }

    /// Keeps where the record's bytes are and their link type, for decoding them later.
    @inline(__always)
    private mutating func holdBytes(of record: Record) {
        deferredBytes = record.bytes.baseAddress
        linkTypeValue = record.linkType.rawValue
    }

    /// The bytes kept by `holdBytes`.
    private var heldBuffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: deferredBytes, count: Int(capturedLength)) }

    /// Whether the decoded packet was left out (`deferPacket`).
    var packetDeferred: Bool { has(Self.packetDeferredBit) }

    /// Holds only what the record itself says, the frame's bytes (which must stay valid, as a
    /// mapped file's do) left to be summed up where the frame is analysed (`isUnsummed`,
    /// `unsummedRecord`): the reading thread's share of a frame when it is the slower one.
    @inline(__always)
    mutating func holdUnsummed(_ record: Record) {
        traits = fillFromRecord(record) | Self.unsummedBit
        holdBytes(of: record)
    }

    /// Whether only the record was held (`holdUnsummed`).
    var isUnsummed: Bool { has(Self.unsummedBit) }

    /// Where the frame's bytes are, when its packet was kept back or its summary left undone.
    var heldBytes: UnsafeRawPointer? { deferredBytes }

    /// The record held by `holdUnsummed`, as the analysis consumes a record (its pcapng flags,
    /// file and offset, which no tracker reads, are not kept).
    var unsummedRecord: Record {
        Record(interface: Int(interface), linkType: LinkType(rawValue: linkTypeValue), timestamp: timestamp, originalLength: Int(originalLength),
               bytes: heldBuffer,
               direction: Direction(rawValue: directionValue) ?? .unknown, flags: 0, fileIndex: 0, fileOffset: 0,
               hasTimestamp: has(Self.hasTimestampBit))
    }

    /// Decodes a deferred packet again into `packet`.
    func decodeDeferredPacket(with decoder: Decoder, into packet: inout DecodedPacket) {
        decoder.decode(heldBuffer, linkType: LinkType(rawValue: linkTypeValue), into: &packet)
    }

    @inline(__always) private func has(_ bit: UInt16) -> Bool { traits & bit != 0 }

    /// QEMU's main migration channel opens with "QEVM", a multifd channel with 0x11223344. Read
    /// here, where the frame's bytes are at hand: the trackers read no frame's bytes, so neither
    /// the ring nor a streamed input's buffer has to keep them.
    @inline(__always)
    private static func startsWithQEMUMagic(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard offset >= 0, offset <= bytes.count - 4, let base = bytes.baseAddress else { return false }
        let word = UInt32(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        return word == 0x5145_564D || word == 0x1122_3344
    }

    var flow: (key: FlowKey, fromLow: Bool)? { has(Self.hasFlowBit) ? (flowKey, has(Self.fromLowBit)) : nil }
    var hasFlow: Bool { has(Self.hasFlowBit) }
    var fromLow: Bool { has(Self.fromLowBit) }
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
    /// The source address: the flow key's end the frame came from, or for an unusual frame
    /// without a flow, its packet's.
    @inline(__always)
    func sourceIP(_ decoded: UnsafePointer<DecodedPacket>) -> IPAddress? {
        if has(Self.hasFlowBit) { return has(Self.fromLowBit) ? flowKey.lowAddress : flowKey.highAddress }
        return isUnusual ? decoded.pointee.sourceIP : nil
    }
    /// Mirrored by ERSPAN as it left a port (type III egress).
    var isEgressMirror: Bool { has(Self.egressBit) }
    var direction: Direction { Direction(rawValue: directionValue) ?? .unknown }
    var tcpFlags: UInt8? { has(Self.hasTCPFlagsBit) ? tcpFlagsValue : nil }
    var payloadLength: Int? { has(Self.hasPayloadLengthBit) ? Int(payloadLengthValue) : nil }
    /// The transport payload opens with a QEMU migration channel's magic (`startsWithQEMUMagic`).
    var opensWithQEMUMagic: Bool { has(Self.qemuMagicBit) }
    /// The segment as `MobilityTracker` keeps it: VLAN id, or VNI with `vniFlag`; nil untagged.
    var segment: Int? { has(Self.hasSegmentBit) ? Int(flowKey.segment) : nil }
    /// Whether the frame is a common TCP frame whose summary holds what the path tracker reads
    /// beyond its flow (`SummaryPathFields`): its packet is then not needed.
    var hasPathFields: Bool { has(Self.hasPathFieldsBit) }
}
