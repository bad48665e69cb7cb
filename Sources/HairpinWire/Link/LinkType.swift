/// A LINKTYPE_ value from a pcap file header or a pcapng IDB (the registry libpcap keeps).
/// Only the low 16 bits name the link layer; pcap headers may carry FCS bits above them,
/// which the reader strips and reports separately.
public struct LinkType: RawRepresentable, Hashable, Comparable, Sendable, BitwiseCopyable, CustomStringConvertible {
    public let rawValue: UInt16

    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }

    // Computed and inlinable: a stored constant was read in other modules through its lazy
    // global's accessor, a call on every frame a common TCP frame is recognised in.
    @inlinable public static var null: LinkType { LinkType(rawValue: 0) }
    @inlinable public static var ethernet: LinkType { LinkType(rawValue: 1) }
    /// OpenBSD's DLT_RAW value as written into files by some BSDs.
    @inlinable public static var rawBSD12: LinkType { LinkType(rawValue: 12) }
    @inlinable public static var rawBSD14: LinkType { LinkType(rawValue: 14) }
    @inlinable public static var raw: LinkType { LinkType(rawValue: 101) }
    @inlinable public static var linuxSLL: LinkType { LinkType(rawValue: 113) }
    @inlinable public static var loop: LinkType { LinkType(rawValue: 108) }
    @inlinable public static var ipv4: LinkType { LinkType(rawValue: 228) }
    @inlinable public static var ipv6: LinkType { LinkType(rawValue: 229) }
    @inlinable public static var linuxSLL2: LinkType { LinkType(rawValue: 276) }

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
