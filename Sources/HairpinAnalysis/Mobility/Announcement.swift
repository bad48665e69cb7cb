import HairpinWire

/// What a frame that tells the network where a MAC (and maybe an IP) lives is, classified as
/// protocols.md 2.7 does.
public enum AnnouncementKind: String, Sendable, CaseIterable, Codable {
    /// RARP request with sender = target = the Ethernet source and no addresses: ESXi Notify
    /// Switches, QEMU self-announce, vhost-user.
    case rarp
    /// Any other RARP (PXE, legacy boot ROMs).
    case rarpOther = "rarp_other"
    case garpRequest = "garp_request"
    case garpReply = "garp_reply"
    /// RFC 5227 announcement: a request with sender IP = target IP and a zero target MAC.
    case arpAnnouncement = "arp_announcement"
    /// RFC 5227 probe: a request from 0.0.0.0 (whatever the target MAC: arping -D sends broadcast).
    case arpProbe = "arp_probe"
    case unsolicitedNA = "unsolicited_na"

    /// The announcement a frame carries: kind, the MAC announced and the IP, if any.
    @inline(__always)
    static func classify(_ packet: PacketView) -> (kind: AnnouncementKind, mac: MACAddress, ip: IPAddress?)? {
        // Only ARP and neighbour discovery announce: most frames are turned away here, inlined.
        guard packet.arp != nil || packet.neighborDiscovery != nil else { return nil }
        return classifyARPOrNeighborDiscovery(packet)
    }

    private static func classifyARPOrNeighborDiscovery(_ packet: PacketView) -> (kind: AnnouncementKind, mac: MACAddress, ip: IPAddress?)? {
        let source = packet.sourceMAC, destination = packet.destinationMAC
        if let arp = packet.arp {
            guard arp.hardwareType == 1, arp.protocolType == 0x0800, let sender = arp.senderMAC else { return nil }
            if arp.isRARPEtherType || arp.opcode == ARPPacket.reverseRequest || arp.opcode == ARPPacket.reverseReply {
                let selfAnnounce = arp.opcode == ARPPacket.reverseRequest && arp.targetMAC == sender && source == sender
                    && (arp.senderIP?.isUnspecified ?? false) && (arp.targetIP?.isUnspecified ?? false)
                    && (destination?.isBroadcast ?? false)
                return (selfAnnounce ? .rarp : .rarpOther, sender, nil)
            }
            guard let senderIP = arp.senderIP, let targetIP = arp.targetIP else { return nil }
            if arp.opcode == ARPPacket.request && senderIP.isUnspecified { return (.arpProbe, sender, .v4(targetIP)) }
            guard senderIP == targetIP else { return nil }
            if arp.opcode == ARPPacket.request {
                return ((arp.targetMAC?.rawValue ?? 0) == 0 ? .arpAnnouncement : .garpRequest, sender, .v4(senderIP))
            }
            if arp.opcode == ARPPacket.reply { return (.garpReply, sender, .v4(senderIP)) }
            return nil
        }
        if let nd = packet.neighborDiscovery, nd.message == .neighborAdvertisement, !nd.solicited,
           case .v6(let destination)? = packet.destinationIP, destination.isMulticast,
           let target = nd.target, let mac = nd.targetLinkLayer ?? source {
            return (.unsolicitedNA, mac, .v6(target))
        }
        return nil
    }
}

/// Who sent a burst, when its shape says so (protocols.md 2.2-2.5). A hint, not a proof.
enum AnnouncerFingerprint: String, Sendable {
    /// QEMU's rounds: gaps of 50, 150, 250, 350 ms (announce-initial 50, step 100).
    case qemu
    /// ESXi Notify Switches: a short burst of RARPs, evenly spaced.
    case esxi
    /// Linux netdev_notify_peers: ARP announcements and unsolicited NAs for the guest's addresses.
    case linux
    /// Hyper-V: an unsolicited ARP reply.
    case hyperv

    static func of(kind: AnnouncementKind, gaps: [Int64]) -> AnnouncerFingerprint? {
        switch kind {
        case .rarp:
            let qemu: [Int64] = [50, 150, 250, 350].map { $0 * 1_000_000 }
            if gaps.count >= 2, zip(gaps, qemu).allSatisfy({ abs($0 - $1) <= $1 / 5 }) { return .qemu }
            // ESXi: 2 to 8 frames at a steady pace.
            guard (1...7).contains(gaps.count), let shortest = gaps.min(), let longest = gaps.max(), shortest > 0 else { return nil }
            return longest <= 2 * shortest ? .esxi : nil
        case .arpAnnouncement, .unsolicitedNA: return .linux
        case .garpReply: return .hyperv
        default: return nil
        }
    }
}
