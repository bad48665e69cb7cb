import HairpinWire

/// A bidirectional flow key of fixed size: the two endpoints in canonical order (lower address
/// first), ports, IP protocol and the VLAN or VNI of the segment. Hashes without SipHash.
public struct FlowKey: Hashable, Sendable, BitwiseCopyable {
    public var lowAddressHigh: UInt64
    public var lowAddressLow: UInt64
    public var highAddressHigh: UInt64
    public var highAddressLow: UInt64
    /// Both ports and the segment in one word (low port in bits 48-63, high port in 32-47), the
    /// protocol and family in another: a key is compared in six words, not nine fields.
    private let portsAndSegment: UInt64
    private let protocolAndFamily: UInt16

    public init(lowAddressHigh: UInt64, lowAddressLow: UInt64, highAddressHigh: UInt64, highAddressLow: UInt64, lowPort: UInt16,
                highPort: UInt16, ipProtocol: UInt8, isIPv6: Bool, segment: UInt32) {
        self.lowAddressHigh = lowAddressHigh
        self.lowAddressLow = lowAddressLow
        self.highAddressHigh = highAddressHigh
        self.highAddressLow = highAddressLow
        portsAndSegment = UInt64(lowPort) << 48 | UInt64(highPort) << 32 | UInt64(segment)
        protocolAndFamily = UInt16(ipProtocol) | (isIPv6 ? 0x100 : 0)
    }

    public var lowPort: UInt16 { UInt16(truncatingIfNeeded: portsAndSegment >> 48) }
    public var highPort: UInt16 { UInt16(truncatingIfNeeded: portsAndSegment >> 32) }
    public var ipProtocol: UInt8 { UInt8(truncatingIfNeeded: protocolAndFamily) }
    public var isIPv6: Bool { protocolAndFamily & 0x100 != 0 }
    /// VLAN id, or VNI with bit 24 set; 0 when untagged.
    public var segment: UInt32 { UInt32(truncatingIfNeeded: portsAndSegment) }

    static let empty = segmentOnly(0)

    /// An empty key but for its segment: where a frame without a flow keeps its segment (`FrameSummary`).
    @inline(__always)
    static func segmentOnly(_ segment: UInt32) -> FlowKey {
        FlowKey(lowAddressHigh: 0, lowAddressLow: 0, highAddressHigh: 0, highAddressLow: 0, lowPort: 0, highPort: 0, ipProtocol: 0,
                isIPv6: false, segment: segment)
    }

    /// The key of a packet and whether the packet goes from the low to the high endpoint.
    /// Inlined: returned through memory, the key's narrow fields were stored one by one and read
    /// back as wider words, which the processor cannot forward (a stall on every frame).
    @inline(__always)
    public static func of(_ packet: PacketView) -> (key: FlowKey, fromLow: Bool)? {
        guard let source = packet.sourceIP, let destination = packet.destinationIP, let proto = packet.ipProtocol else { return nil }
        let (sh, sl, isV6a) = words(source)
        let (dh, dl, _) = words(destination)
        return of(source: (sh, sl), destination: (dh, dl), isIPv6: isV6a, sourcePort: packet.sourcePort ?? 0,
                  destinationPort: packet.destinationPort ?? 0, proto: proto, segment: Self.segment(of: packet) ?? 0)
    }

    /// The key of a `CommonTCPFrame`, as `of(_:)` gives it for its packet.
    @inline(__always)
    public static func of(_ frame: CommonTCPFrame) -> (key: FlowKey, fromLow: Bool) {
        of(frame, segment: segment(of: frame) ?? 0)
    }

    /// The key of a `CommonTCPFrame` seen on `segment` (a tenant's frame in an overlay: its VNI's).
    @inline(__always)
    static func of(_ frame: CommonTCPFrame, segment: UInt32) -> (key: FlowKey, fromLow: Bool) {
        of(source: (0, UInt64(frame.sourceIP.rawValue)), destination: (0, UInt64(frame.destinationIP.rawValue)), isIPv6: false,
           sourcePort: frame.sourcePort, destinationPort: frame.destinationPort, proto: 6, segment: segment)
    }

    @inline(__always)
    private static func of(source: (UInt64, UInt64), destination: (UInt64, UInt64), isIPv6 isV6a: Bool, sourcePort: UInt16,
                           destinationPort: UInt16, proto: UInt8, segment: UInt32) -> (key: FlowKey, fromLow: Bool) {
        let (sh, sl) = source, (dh, dl) = destination
        let sourceFirst = (sh, sl, sourcePort) <= (dh, dl, destinationPort)
        let key = sourceFirst
            ? FlowKey(lowAddressHigh: sh, lowAddressLow: sl, highAddressHigh: dh, highAddressLow: dl, lowPort: sourcePort,
                      highPort: destinationPort, ipProtocol: proto, isIPv6: isV6a, segment: segment)
            : FlowKey(lowAddressHigh: dh, lowAddressLow: dl, highAddressHigh: sh, highAddressLow: sl, lowPort: destinationPort,
                      highPort: sourcePort, ipProtocol: proto, isIPv6: isV6a, segment: segment)
        return (key, sourceFirst)
    }

    /// The segment a packet was seen on: its VNI with bit 24 set, else its innermost VLAN id; nil
    /// when untagged (keys hold 0).
    @inline(__always)
    static func segment(of packet: PacketView) -> UInt32? {
        if let vni = packet.vni { return segment(ofVNI: vni) }
        return packet.vlans.innermostId.map { UInt32($0) }
    }

    /// The segment of a `CommonTCPFrame`: its tag's VLAN id.
    @inline(__always)
    static func segment(of frame: CommonTCPFrame) -> UInt32? {
        frame.tagControl.map { UInt32(VLANTag(tpid: 0x8100, tci: $0).id) }
    }

    /// The segment of a tenant's frame in an overlay: its VNI, as `segment(of:)` gives it for its packet.
    @inline(__always)
    static func segment(ofVNI vni: UInt32) -> UInt32 { 0x0100_0000 | (vni & 0xFF_FFFF) }

    @inline(__always)
    private static func words(_ address: IPAddress) -> (UInt64, UInt64, Bool) {
        switch address {
        case .v4(let v4): (0, UInt64(v4.rawValue), false)
        case .v6(let v6): (v6.high, v6.low, true)
        }
    }

    public var lowAddress: IPAddress { Self.address(lowAddressHigh, lowAddressLow, isIPv6) }
    public var highAddress: IPAddress { Self.address(highAddressHigh, highAddressLow, isIPv6) }

    private static func address(_ high: UInt64, _ low: UInt64, _ v6: Bool) -> IPAddress {
        v6 ? .v6(IPv6Address(high: high, low: low)) : .v4(IPv4Address(rawValue: UInt32(truncatingIfNeeded: low)))
    }

    /// Every word compared without a branch per word (this runs on every probe of the table).
    @inline(__always)
    public static func == (a: FlowKey, b: FlowKey) -> Bool {
        let addresses = (a.lowAddressHigh ^ b.lowAddressHigh) | (a.lowAddressLow ^ b.lowAddressLow)
            | (a.highAddressHigh ^ b.highAddressHigh) | (a.highAddressLow ^ b.highAddressLow)
        let rest = (a.portsAndSegment ^ b.portsAndSegment) | UInt64(a.protocolAndFamily ^ b.protocolAndFamily)
        return addresses | rest == 0
    }

    /// A 64-bit mix of every field (multiply-xorshift), for open addressing.
    @inline(__always)
    var mixedHash: UInt64 {
        var h = lowAddressHigh &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ lowAddressLow) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ highAddressHigh) &* 0x94D0_49BB_1331_11EB
        h = (h ^ highAddressLow) &* 0x9E37_79B9_7F4A_7C15
        h ^= portsAndSegment | UInt64(ipProtocol) << 24
        h = (h ^ (h >> 31)) &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 29)
    }
}

extension FlowKey {
    /// Bytes of the longest `endpointsText`: two IPv6 addresses of 39, two ports, the protocol
    /// and a VNI.
    static let longestText = 128

    /// "a:p <-> b:q tcp" (ports for TCP and UDP, "ip-N" for another protocol), with " vlan N" or
    /// " vni N" when tagged: a routed flow's two legs differ only there. Written into the
    /// string's bytes once: interpolated, it cost some 5,000 instructions, and the report
    /// describes every flow tied at the cut of an uplink's top talkers.
    var endpointsText: String {
        String(unsafeUninitializedCapacity: Self.longestText) { buffer in
            var text = TextBytes(buffer)
            writeEndpointsText(into: &text)
            return text.count
        }
    }

    /// `endpointsText` written into `text`: compared where it is, it makes no string.
    func writeEndpointsText(into text: inout TextBytes) {
        let ports = ipProtocol == 6 || ipProtocol == 17
        text.append(lowAddress)
        if ports {
            text.append(UInt8(ascii: ":"))
            text.append(decimal: Int(lowPort))
        }
        text.append(" <-> ")
        text.append(highAddress)
        if ports {
            text.append(UInt8(ascii: ":"))
            text.append(decimal: Int(highPort))
        }
        switch ipProtocol {
        case 6: text.append(" tcp")
        case 17: text.append(" udp")
        default:
            text.append(" ip-")
            text.append(decimal: Int(ipProtocol))
        }
        if segment != 0 {
            if segment & 0x0100_0000 != 0 {
                text.append(" vni ")
                text.append(decimal: Int(segment & 0xFF_FFFF))
            } else {
                text.append(" vlan ")
                text.append(decimal: Int(segment))
            }
        }
    }
}
