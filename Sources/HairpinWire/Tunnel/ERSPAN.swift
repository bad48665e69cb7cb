/// ERSPAN type II (8 bytes, version 1) and type III (12 bytes, version 2, plus an 8-byte
/// platform sub-header when O is set). Type I has no header of its own.
public struct ERSPANHeader: Sendable, BitwiseCopyable, Equatable {
    /// 1 for type II, 2 for type III.
    public var version: UInt8
    public var sessionID: UInt16
    /// The mirrored frame's original VLAN (see `encapsulation`).
    public var vlan: UInt16
    public var cos: UInt8
    /// Type II En (0 untagged, 1 ISL, 2 802.1Q removed, 3 tag kept) or type III BSO.
    public var encapsulation: UInt8
    public var truncated: Bool
    /// Type II: 20-bit port index.
    public var index: UInt32?
    /// Type III: hardware (engine) id, direction bit, frame type, timestamp and its granularity.
    public var hardwareID: UInt8?
    public var egress: Bool?
    public var frameType: UInt8?
    public var timestamp: UInt32?
    public var granularity: UInt8?
    public var securityGroupTag: UInt16?
    /// Type III platform sub-header: platform id and, where the platform has one, the port index.
    public var platformID: UInt8?
    public var portIndex: UInt32?

    @usableFromInline static let typeIILength = 8
    @usableFromInline static let typeIIILength = 12
    @usableFromInline static let platformLength = 8

    /// Type II at `offset`; nil when the version is not 1 (then the payload is read as type I).
    static func parseTypeII(_ bytes: ByteView, at offset: Int) -> ERSPANHeader? {
        let word0 = bytes.u32(offset)
        guard version(word0: word0) == 1 else { return nil }
        var header = ERSPANHeader(word0: word0)
        header.index = bytes.u32(offset + 4) & 0xF_FFFF
        return header
    }

    /// Type III at `offset`, needing `end` for the optional sub-header; returns its length too.
    static func parseTypeIII(_ bytes: ByteView, at offset: Int, end: Int) -> (ERSPANHeader, length: Int)? {
        let word0 = bytes.u32(offset)
        guard version(word0: word0) == 2 else { return nil }
        var header = ERSPANHeader(word0: word0)
        header.timestamp = bytes.u32(offset + 4)
        let word2 = bytes.u32(offset + 8)
        header.securityGroupTag = UInt16(word2 >> 16)
        header.frameType = frameType(word2: word2)
        header.hardwareID = UInt8((word2 >> 4) & 0x3F)
        header.egress = isEgress(word2: word2)
        header.granularity = UInt8((word2 >> 1) & 0x3)
        var length = typeIIILength
        if hasPlatformHeader(word2: word2) {
            guard end - offset >= typeIIILength + platformLength else { return (header, typeIIILength + platformLength) }
            let platform = bytes.u32(offset + typeIIILength)
            let platformWord1 = bytes.u32(offset + typeIIILength + 4)
            let platformID = UInt8(platform >> 26)
            header.platformID = platformID
            switch platformID {
            case 1: header.portIndex = platformWord1
            case 3: header.portIndex = (platform >> 12) & 0x3FFF
            case 5, 6: header.portIndex = platform & 0xFFFF
            default: break
            }
            length += platformLength
        }
        return (header, length)
    }

    private init(word0: UInt32) {
        version = UInt8(Self.version(word0: word0))
        vlan = UInt16((word0 >> 16) & 0xFFF)
        cos = UInt8((word0 >> 13) & 0x7)
        encapsulation = UInt8((word0 >> 11) & 0x3)
        truncated = word0 & 0x400 != 0
        sessionID = Self.sessionID(word0: word0)
    }

    // The fields a mirrored frame's summary needs (`MirroredTCPFrame`), of the first word (both
    // types) and the third (type III).
    @inlinable static func version(word0: UInt32) -> UInt32 { word0 >> 28 }
    @inlinable static func sessionID(word0: UInt32) -> UInt16 { UInt16(word0 & 0x3FF) }
    /// 0 for an Ethernet frame, 2 for an IP packet without its link layer.
    @inlinable static func frameType(word2: UInt32) -> UInt8 { UInt8((word2 >> 10) & 0x1F) }
    @inlinable static func isEgress(word2: UInt32) -> Bool { word2 & 0x8 != 0 }
    @inlinable static func hasPlatformHeader(word2: UInt32) -> Bool { word2 & 1 != 0 }
}

extension FrameWalk {
    /// GRE 0x88BE: type II when GRE carries a sequence number and the header says version 1,
    /// otherwise type I (the mirrored frame follows GRE directly).
    /// The ERSPAN header after GRE, `info` (the GRE's) completed in place.
    mutating func erspanTypeIOrII(_ info: inout TunnelInfo, at offset: Int, sequenced: Bool) -> Decoder.Step {
        var inner = offset
        if sequenced, bytes.count - offset >= ERSPANHeader.typeIILength,
           let header = ERSPANHeader.parseTypeII(bytes, at: offset) {
            info.kind = .erspanII
            info.erspan = header
            packet.layers.append(.erspan)
            inner = offset + ERSPANHeader.typeIILength
        } else if sequenced && bytes.count - offset < ERSPANHeader.typeIILength {
            truncated(.erspan, at: offset, needed: ERSPANHeader.typeIILength)
            return .done
        } else {
            info.kind = .erspanI
        }
        guard enterTunnel(info, innerAt: inner, .erspan) else { return .done }
        return .ethernet(inner)
    }

    mutating func erspanTypeIII(_ info: inout TunnelInfo, at offset: Int) -> Decoder.Step {
        guard has(ERSPANHeader.typeIIILength, at: offset, .erspan) else { return .done }
        guard let (header, length) = ERSPANHeader.parseTypeIII(bytes, at: offset, end: bytes.count) else {
            stop(.malformed, .erspan, at: offset)
            return .done
        }
        guard has(length, at: offset, .erspan) else { return .done }
        packet.layers.append(.erspan)
        info.kind = .erspanIII
        info.erspan = header
        let inner = offset + length
        guard enterTunnel(info, innerAt: inner, .erspan) else { return .done }
        // Frame type 0 is Ethernet; 2 is an IP packet without its link layer.
        if header.frameType == 2 { return .ipByNibble(inner, from: .erspan) }
        if header.frameType != 0 {
            stop(.unsupported, .erspan, at: offset, value: UInt32(header.frameType ?? 0))
            return .done
        }
        return .ethernet(inner)
    }
}
