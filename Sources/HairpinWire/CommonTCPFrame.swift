/// The commonest frame of a migration capture: Ethernet, at most one 802.1Q tag, IPv4 with a
/// 20-byte header, not a fragment, a total length that holds the TCP header, and all of that
/// captured. Read straight from the bytes in one pass, without a `DecodedPacket`: the decoder
/// fills a packet from it (a test compares that with the general walk on every shipped and real
/// capture), and a caller that needs only its main fields reads them here. Inlined across
/// modules, so that what a caller does not read is not loaded.
public struct CommonTCPFrame {
    /// The general walk's steps after such a frame's Ethernet header (EtherType, IPv4 header,
    /// end): a tunnel's inner frame is read straight only where the layer limit leaves these.
    @usableFromInline static let walkSteps = 3
    @usableFromInline let bytes: ByteView
    /// Where the IPv4 header starts: 14, or 18 behind a tag.
    public let networkOffset: Int
    /// Where the TCP header starts.
    public let transportOffset: Int
    /// The TCP header's length, options included.
    public let tcpLength: Int
    /// The IPv4 total length.
    public let ipLength: Int

    /// The frame's headers, or nil when `bytes` is not such a frame.
    @inlinable @inline(__always)
    public init?(_ bytes: UnsafeRawBufferPointer, linkType: LinkType) {
        guard let frame = ByteView(ethernetFrame: bytes, linkType: linkType) else { return nil }
        self.init(frame)
    }

    @inlinable @inline(__always)
    init?(_ bytes: ByteView) {
        guard let network = EthernetHeader.plainIPv4(of: bytes, holding: IPv4Header.minimumLength + TCPHeader.minimumLength,
                                                     carrying: IPProtocol.tcp) else { return nil }
        let totalLength = Int(bytes.u16(network + IPv4Header.Field.totalLength))
        let transport = network + IPv4Header.minimumLength
        let tcpLength = Int(bytes.u8(transport + TCPHeader.Field.dataOffset) >> 4) * 4
        guard totalLength >= IPv4Header.minimumLength + TCPHeader.minimumLength, tcpLength >= TCPHeader.minimumLength,
              transport + tcpLength <= bytes.count else { return nil }
        self.bytes = bytes
        networkOffset = network
        transportOffset = transport
        self.tcpLength = tcpLength
        ipLength = totalLength
    }

    @inlinable public var destinationMAC: MACAddress { bytes.mac(EthernetHeader.Field.destination) }
    @inlinable public var sourceMAC: MACAddress { bytes.mac(EthernetHeader.Field.source) }
    /// The tag's control information, when the frame has one.
    @inlinable public var tagControl: UInt16? { networkOffset > EthernetHeader.length ? bytes.u16(EthernetHeader.length) : nil }
    @inlinable public var sourceIP: IPv4Address { bytes.ipv4(networkOffset + IPv4Header.Field.source) }
    @inlinable public var destinationIP: IPv4Address { bytes.ipv4(networkOffset + IPv4Header.Field.destination) }
    @inlinable public var ttl: UInt8 { bytes.u8(networkOffset + IPv4Header.Field.ttl) }
    @inlinable public var dscp: UInt8 { bytes.u8(networkOffset + IPv4Header.Field.tos) >> 2 }
    @inlinable public var ipIdentification: UInt16 { bytes.u16(networkOffset + IPv4Header.Field.identification) }
    @inlinable public var sourcePort: UInt16 { bytes.u16(transportOffset + TCPHeader.Field.sourcePort) }
    @inlinable public var destinationPort: UInt16 { bytes.u16(transportOffset + TCPHeader.Field.destinationPort) }
    @inlinable public var sequence: UInt32 { bytes.u32(transportOffset + TCPHeader.Field.sequence) }
    @inlinable public var acknowledgment: UInt32 { bytes.u32(transportOffset + TCPHeader.Field.acknowledgment) }
    @inlinable public var flags: UInt8 { bytes.u8(transportOffset + TCPHeader.Field.flags) }
    @inlinable public var window: UInt16 { bytes.u16(transportOffset + TCPHeader.Field.window) }
    @inlinable public var payloadOffset: Int { transportOffset + tcpLength }
    /// The TCP payload's length by the IPv4 total length (0 when that ends inside the TCP header).
    @inlinable public var payloadLength: Int { max(0, networkOffset + ipLength - transportOffset - tcpLength) }
}

extension Decoder {
    /// The frame as a `CommonTCPFrame`, when it is one and this decoder reads such frames
    /// directly (`takesCommonFramesDirectly`).
    @inlinable @inline(__always)
    public func commonTCPFrame(_ bytes: UnsafeRawBufferPointer, linkType: LinkType) -> CommonTCPFrame? {
        takesCommonFramesDirectly ? CommonTCPFrame(bytes, linkType: linkType) : nil
    }
}
