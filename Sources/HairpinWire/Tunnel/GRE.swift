/// GRE (RFC 2784/2890) version 0: flags word, protocol type, then optional checksum, key and
/// sequence words in that order.
@usableFromInline struct GREHeader {
    @usableFromInline static let minimumLength = 4
    @usableFromInline enum Flag {
        @usableFromInline static let checksum: UInt16 = 0x8000
        @usableFromInline static let routing: UInt16 = 0x4000
        @usableFromInline static let key: UInt16 = 0x2000
        @usableFromInline static let sequence: UInt16 = 0x1000
        @usableFromInline static let version: UInt16 = 0x0007
    }

    let flags: UInt16
    let protocolType: UInt16

    var version: UInt16 { flags & Flag.version }
    var hasKey: Bool { flags & Flag.key != 0 }
    var hasSequence: Bool { flags & Flag.sequence != 0 }
    var hasRouting: Bool { flags & Flag.routing != 0 }

    /// 4 bytes plus 4 for each of checksum, key and sequence present.
    @inlinable static func length(flags: UInt16) -> Int {
        4 + (flags & Flag.checksum != 0 ? 4 : 0) + (flags & Flag.key != 0 ? 4 : 0) + (flags & Flag.sequence != 0 ? 4 : 0)
    }

    var length: Int { Self.length(flags: flags) }

    var keyOffset: Int { 4 + (flags & Flag.checksum != 0 ? 4 : 0) }
    var sequenceOffset: Int { keyOffset + (hasKey ? 4 : 0) }

    @usableFromInline enum ProtocolType {
        @usableFromInline static let transparentEthernetBridging: UInt16 = 0x6558
        @usableFromInline static let erspanTypeIAndII: UInt16 = 0x88BE
        @usableFromInline static let erspanTypeIII: UInt16 = 0x22EB
    }
}

/// What a tunnel carried the frame in: the outermost one is kept, with its outer addresses.
public struct TunnelInfo: Sendable, BitwiseCopyable, Equatable {
    public enum Kind: UInt8, Sendable, BitwiseCopyable {
        case gre, erspanI, erspanII, erspanIII, vxlan, vxlanGPE, geneve, ipInIP, pbb, fabricPath

        public var name: String {
            switch self {
            case .gre: "gre"
            case .erspanI: "erspan-i"
            case .erspanII: "erspan-ii"
            case .erspanIII: "erspan-iii"
            case .vxlan: "vxlan"
            case .vxlanGPE: "vxlan-gpe"
            case .geneve: "geneve"
            case .ipInIP: "ip-in-ip"
            case .pbb: "pbb"
            case .fabricPath: "fabricpath"
            }
        }
    }

    public var kind: Kind
    public var outerSource: IPAddress?
    public var outerDestination: IPAddress?
    public var greProtocol: UInt16?
    public var greKey: UInt32?
    public var greSequence: UInt32?
    /// VXLAN or Geneve network identifier (the I-SID for PBB).
    public var vni: UInt32?
    public var erspan: ERSPANHeader?

    init(kind: Kind, outerSource: IPAddress?, outerDestination: IPAddress?) {
        self.kind = kind
        self.outerSource = outerSource
        self.outerDestination = outerDestination
    }

    /// GRE's: its protocol, and its key and sequence words when present (all captured).
    init(gre header: GREHeader, at offset: Int, in bytes: ByteView, outerSource: IPAddress?, outerDestination: IPAddress?) {
        self.init(kind: .gre, outerSource: outerSource, outerDestination: outerDestination)
        greProtocol = header.protocolType
        if header.hasKey { greKey = bytes.u32(offset + header.keyOffset) }
        if header.hasSequence { greSequence = bytes.u32(offset + header.sequenceOffset) }
    }
}

extension FrameWalk {
    mutating func gre(at offset: Int, end: Int) -> Decoder.Step {
        guard has(GREHeader.minimumLength, at: offset, .gre) else { return .done }
        let header = GREHeader(flags: bytes.u16(offset), protocolType: bytes.u16(offset + 2))
        packet.layers.append(.gre)
        guard header.version == 0 else {
            // Version 1 is PPTP's enhanced GRE carrying PPP.
            stop(.unsupported, .gre, at: offset, value: UInt32(header.version), subject: .greVersion)
            return .done
        }
        guard !header.hasRouting else {
            // Source routing (RFC 1701) is obsolete; its variable-length entries are not walked.
            stop(.unsupported, .gre, at: offset, value: UInt32(header.flags))
            return .done
        }
        guard has(header.length, at: offset, .gre) else { return .done }
        var info = TunnelInfo(gre: header, at: offset, in: bytes, outerSource: packet.sourceIP, outerDestination: packet.destinationIP)
        let payload = offset + header.length
        switch header.protocolType {
        case GREHeader.ProtocolType.erspanTypeIAndII:
            return erspanTypeIOrII(&info, at: payload, sequenced: header.hasSequence)
        case GREHeader.ProtocolType.erspanTypeIII:
            return erspanTypeIII(&info, at: payload)
        case GREHeader.ProtocolType.transparentEthernetBridging:
            guard enterTunnel(info, innerAt: payload, .gre) else { return .done }
            return .ethernet(payload)
        case 0x0800, 0x86DD, 0x8847, 0x8848:
            guard enterTunnel(info, innerAt: payload, .gre) else { return .done }
            return .etherType(header.protocolType, payload, from: .gre)
        default:
            stop(.unsupported, .gre, at: offset, value: UInt32(header.protocolType), subject: .greProtocol)
            return .done
        }
    }
}
