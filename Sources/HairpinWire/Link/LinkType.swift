/// A LINKTYPE_ value from a pcap file header or a pcapng IDB (the registry libpcap keeps).
/// Only the low 16 bits name the link layer; pcap headers may carry FCS bits above them,
/// which the reader strips and reports separately.
public struct LinkType: RawRepresentable, Hashable, Comparable, Sendable, BitwiseCopyable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let null = LinkType(rawValue: 0)
    public static let ethernet = LinkType(rawValue: 1)
    /// OpenBSD's DLT_RAW value as written into files by some BSDs.
    public static let rawBSD12 = LinkType(rawValue: 12)
    public static let rawBSD14 = LinkType(rawValue: 14)
    public static let raw = LinkType(rawValue: 101)
    public static let linuxSLL = LinkType(rawValue: 113)
    public static let loop = LinkType(rawValue: 108)
    public static let ipv4 = LinkType(rawValue: 228)
    public static let ipv6 = LinkType(rawValue: 229)
    public static let linuxSLL2 = LinkType(rawValue: 276)

    /// Short upper-case names as libpcap spells them (`pcap_datalink_val_to_name`), for the
    /// types a data-center capture carries; others print as their number.
    public var name: String {
        switch rawValue {
        case 0: "NULL"
        case 1: "EN10MB"
        case 9: "PPP"
        case 12, 14: "RAW"
        case 50: "PPP_HDLC"
        case 101: "RAW"
        case 104: "C_HDLC"
        case 105: "IEEE802_11"
        case 107: "FRELAY"
        case 108: "LOOP"
        case 113: "LINUX_SLL"
        case 127: "IEEE802_11_RADIO"
        case 201: "BLUETOOTH_HCI_H4_WITH_PHDR"
        case 220: "USB_LINUX_MMAPPED"
        case 228: "IPV4"
        case 229: "IPV6"
        case 253: "NETLINK"
        case 276: "LINUX_SLL2"
        default: "LINKTYPE_\(rawValue)"
        }
    }

    public var description: String { "\(name)(\(rawValue))" }

    public static func < (lhs: LinkType, rhs: LinkType) -> Bool { lhs.rawValue < rhs.rawValue }
}
