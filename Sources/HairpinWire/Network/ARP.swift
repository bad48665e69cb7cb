/// An ARP or RARP body (RFC 826, RFC 903). Addresses are kept only when their sizes are the
/// Ethernet/IPv4 ones (6 and 4); other sizes are read safely and reported by size.
public struct ARPPacket: Sendable, BitwiseCopyable, Equatable {
    public var hardwareType: UInt16
    public var protocolType: UInt16
    public var hardwareSize: UInt8
    public var protocolSize: UInt8
    public var opcode: UInt16
    public var senderMAC: MACAddress?
    public var senderIP: IPv4Address?
    public var targetMAC: MACAddress?
    public var targetIP: IPv4Address?
    /// True when carried with EtherType 0x8035.
    public var isRARPEtherType: Bool

    enum Field {
        static let hardwareType = 0
        static let protocolType = 2
        static let hardwareSize = 4
        static let protocolSize = 5
        static let opcode = 6
        static let addresses = 8
        static let fixedLength = 8
    }

    public static let request: UInt16 = 1
    public static let reply: UInt16 = 2
    public static let reverseRequest: UInt16 = 3
    public static let reverseReply: UInt16 = 4

    /// Reads the body at `offset`; nil with `needed` set when the bytes are not all there.
    static func parse(_ bytes: ByteView, at offset: Int, end: Int, rarp: Bool) -> (ARPPacket?, needed: Int) {
        guard end - offset >= Field.fixedLength else { return (nil, Field.fixedLength) }
        let hardwareSize = bytes.u8(offset + Field.hardwareSize)
        let protocolSize = bytes.u8(offset + Field.protocolSize)
        var packet = ARPPacket(hardwareType: bytes.u16(offset + Field.hardwareType),
                               protocolType: bytes.u16(offset + Field.protocolType),
                               hardwareSize: hardwareSize, protocolSize: protocolSize,
                               opcode: bytes.u16(offset + Field.opcode), isRARPEtherType: rarp)
        let needed = Field.fixedLength + 2 * (Int(hardwareSize) + Int(protocolSize))
        guard end - offset >= needed else { return (packet, needed) }
        let sender = offset + Field.addresses
        let target = sender + Int(hardwareSize) + Int(protocolSize)
        if hardwareSize == 6 {
            packet.senderMAC = bytes.mac(sender)
            packet.targetMAC = bytes.mac(target)
        }
        if protocolSize == 4 && packet.protocolType == 0x0800 {
            packet.senderIP = bytes.ipv4(sender + Int(hardwareSize))
            packet.targetIP = bytes.ipv4(target + Int(hardwareSize))
        }
        return (packet, needed)
    }

    init(hardwareType: UInt16, protocolType: UInt16, hardwareSize: UInt8, protocolSize: UInt8, opcode: UInt16,
         isRARPEtherType: Bool) {
        self.hardwareType = hardwareType
        self.protocolType = protocolType
        self.hardwareSize = hardwareSize
        self.protocolSize = protocolSize
        self.opcode = opcode
        self.isRARPEtherType = isRARPEtherType
    }

    public var opcodeName: String {
        switch opcode {
        case 1: "request"
        case 2: "reply"
        case 3: "reverse-request"
        case 4: "reverse-reply"
        case 8: "inarp-request"
        case 9: "inarp-reply"
        case 10: "arp-nak"
        default: "opcode-\(opcode)"
        }
    }
}
