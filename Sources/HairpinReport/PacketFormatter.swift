import HairpinCapture
import HairpinWire

/// One decoded packet as a line of text (in the spirit of `tcpdump -n -e`) or a JSON object.
public struct PacketFormatter {
    public let interfaces: InterfaceTable

    public init(interfaces: InterfaceTable) { self.interfaces = interfaces }

    // MARK: Text

    public func text(frame: Int, record: Record, packet: DecodedPacket) -> String {
        var parts: [String] = []
        parts.append("\(frame) \(Units.timestamp(record.timestamp)) \(interfaces[record.interface].displayName)")
        if record.direction != .unknown { parts[0] += " \(record.direction.name)" }
        var body: [String] = []
        if let tunnel = packet.tunnel {
            var text = tunnelText(tunnel, erspan: packet.erspan, vni: packet.vni)
            if packet.tunnelCount > 1 { text += " (+\(packet.tunnelCount - 1) inner)" }
            body.append(text + ":")
        }
        if let source = packet.sourceMAC {
            body.append(packet.destinationMAC.map { "\(source) > \($0)" } ?? "\(source) >")
        }
        if let index = packet.cookedInterfaceIndex { body.append("ifindex \(index)") }
        let tags = packet.vlans.all.map { tag in
            "vlan \(tag.id) p\(tag.priority)" + (tag.tpid == 0x8100 ? "" : " [0x\(String(tag.tpid, radix: 16))]")
        }
        if !tags.isEmpty { body.append(tags.joined(separator: ", ")) }
        if packet.mplsLabels > 0, let label = packet.topMPLSLabel {
            body.append("mpls \(label)" + (packet.mplsLabels > 1 ? " (+\(packet.mplsLabels - 1))" : ""))
        }
        body.append(networkText(packet))
        var line = parts[0] + " " + body.filter { !$0.isEmpty }.joined(separator: " ")
        line += ", length \(record.originalLength)"
        if record.bytes.count < record.originalLength { line += " (captured \(record.bytes.count))" }
        if let stop = packet.stop { line += " [\(stop)]" }
        return line
    }

    private func tunnelText(_ tunnel: TunnelInfo, erspan: ERSPANHeader?, vni: UInt32?) -> String {
        var text = tunnel.kind.name
        if let erspan {
            text += " session \(erspan.sessionID)"
            if erspan.vlan != 0 { text += " vlan \(erspan.vlan)" }
            if let index = erspan.index { text += " index \(index)" }
            if let hardware = erspan.hardwareID { text += " hw \(hardware)" }
            if let port = erspan.portIndex { text += " port \(port)" }
            if let egress = erspan.egress { text += egress ? " egress" : " ingress" }
        }
        if let vni { text += " vni \(vni)" }
        if let key = tunnel.greKey { text += " key \(key)" }
        if let source = tunnel.outerSource, let destination = tunnel.outerDestination {
            text += " (\(source) > \(destination))"
        }
        return text
    }

    private func networkText(_ packet: DecodedPacket) -> String {
        if let arp = packet.arp {
            let kind = arp.isRARPEtherType ? "RARP" : "ARP"
            let sender = [arp.senderIP?.description, arp.senderMAC?.description].compactMap { $0 }.joined(separator: " ")
            let target = [arp.targetIP?.description, arp.targetMAC?.description].compactMap { $0 }.joined(separator: " ")
            switch arp.opcode {
            case ARPPacket.request:
                return "\(kind) request who-has \(arp.targetIP?.description ?? "?") tell \(sender)"
            case ARPPacket.reply:
                return "\(kind) reply \(arp.senderIP?.description ?? "?") is-at \(arp.senderMAC?.description ?? "?")"
            case ARPPacket.reverseRequest:
                return "\(kind) reverse-request who-is \(arp.targetMAC?.description ?? "?") tell \(arp.senderMAC?.description ?? "?")"
            case ARPPacket.reverseReply:
                return "\(kind) reverse-reply \(arp.targetMAC?.description ?? "?") at \(arp.targetIP?.description ?? "?")"
            default:
                return "\(kind) \(arp.opcodeName) sender \(sender) target \(target)"
            }
        }
        guard let source = packet.sourceIP, let destination = packet.destinationIP else {
            if let type = packet.etherType { return "ethertype \(EtherTypeName.of(type))" }
            if let saps = packet.llcSAPs { return "llc 0x\(String(saps, radix: 16))" }
            return ""
        }
        let family = if case .v4 = source { "IPv4" } else { "IPv6" }
        var text = family + " "
        if let sourcePort = packet.sourcePort, let destinationPort = packet.destinationPort {
            text += "\(source).\(sourcePort) > \(destination).\(destinationPort):"
        } else {
            text += "\(source) > \(destination):"
        }
        let proto = packet.ipProtocol.map(IPProtocolName.of) ?? "?"
        text += " " + proto
        if let flags = packet.tcpFlagsText {
            text += " [\(flags)]"
            if let sequence = packet.tcpSequence { text += " seq \(sequence)" }
            if let ack = packet.tcpAcknowledgment, (packet.tcpFlags ?? 0) & DecodedPacket.TCPFlag.ack != 0 { text += " ack \(ack)" }
            if let window = packet.tcpWindow { text += " win \(window)" }
        }
        if let fhrp = packet.fhrp {
            text += " " + fhrpText(fhrp)
        } else if let nd = packet.neighborDiscovery {
            text += " " + ndName(nd.message)
            if let target = nd.target { text += " tgt \(target)" }
            if nd.message == .neighborAdvertisement {
                let flags = [nd.router ? "R" : nil, nd.solicited ? "S" : nil, nd.override ? "O" : nil].compactMap { $0 }
                text += " [\(flags.joined(separator: ","))]"
            }
            if let mac = nd.sourceLinkLayer ?? nd.targetLinkLayer { text += " lladdr \(mac)" }
        } else if let icmp = packet.icmp {
            text += " type \(icmp.type) code \(icmp.code)"
        }
        if packet.fragmentOffset != 0 || packet.moreFragments {
            text += " frag \(packet.fragmentOffset)\(packet.moreFragments ? "+" : "")"
        }
        if let payload = packet.payloadLength, packet.sourcePort != nil { text += " payload \(payload)" }
        if let ttl = packet.ttl { text += ", ttl \(ttl)" }
        return text
    }

    private func fhrpText(_ message: FHRPMessage) -> String {
        if message.kind == .carp { return "carp vhid \(message.group) advskew/prio \(message.priority)" }
        var parts = ["\(message.kind.name) group \(message.group)"]
        switch message.kind {
        case .hsrp1, .hsrp2, .hsrp6:
            let opcode = ["hello", "coup", "resign", "advertise"]
            parts.append(Int(message.opcode) < opcode.count ? opcode[Int(message.opcode)] : "opcode-\(message.opcode)")
        default:
            break
        }
        if message.opcode != 3 || message.kind == .vrrp2 || message.kind == .vrrp3 {
            if message.kind != .vrrp2 && message.kind != .vrrp3 { parts.append(message.state.name) }
            parts.append("prio \(message.priority)")
        }
        if !message.virtualIPs.isEmpty { parts.append("vip " + message.virtualIPs.map(\.description).joined(separator: ",")) }
        if message.addressesPresent < message.addressCount { parts.append("(\(message.addressCount) addresses claimed)") }
        if let hello = message.helloMilliseconds, let hold = message.holdMilliseconds { parts.append("hello \(hello)ms hold \(hold)ms") }
        else if let hello = message.helloMilliseconds { parts.append("interval \(hello)ms") }
        if let identifier = message.identifier { parts.append("id \(identifier)") }
        for forwarder in message.forwarders {
            parts.append("vf\(forwarder.number) \(forwarder.state.name) \(forwarder.virtualMAC) weight \(forwarder.weight)")
        }
        if let active = message.activeGroups, let passive = message.passiveGroups { parts.append("groups active \(active) passive \(passive)") }
        if let auth = message.authenticationText, !auth.isEmpty { parts.append("auth \"\(auth)\"") }
        if message.hasMD5Authentication { parts.append("md5") }
        return parts.joined(separator: " ")
    }

    private func ndName(_ message: NeighborDiscovery.Message) -> String {
        switch message {
        case .routerSolicitation: "router-solicitation"
        case .routerAdvertisement: "router-advertisement"
        case .neighborSolicitation: "neighbor-solicitation"
        case .neighborAdvertisement: "neighbor-advertisement"
        case .redirect: "redirect"
        }
    }

    // MARK: JSON

    public func json(frame: Int, record: Record, packet: DecodedPacket) -> JSONValue {
        func mac(_ value: MACAddress?) -> JSONValue { .optional(value) { .string($0.description) } }
        func ip(_ value: IPAddress?) -> JSONValue { .optional(value) { .string($0.description) } }
        func ipv4(_ value: IPv4Address?) -> JSONValue { .optional(value) { .string($0.description) } }
        return .object([
            ("frame", .int(frame)),
            ("time_ns", .int(record.timestamp)),
            ("interface", .int(record.interface)),
            ("length", .int(record.originalLength)),
            ("captured_length", .int(record.bytes.count)),
            ("direction", record.direction == .unknown ? .null : .string(record.direction.name)),
            ("file_offset", .int(record.fileOffset)),
            ("layers", .string(packet.layers.description)),
            ("src_mac", mac(packet.sourceMAC)),
            ("dst_mac", mac(packet.destinationMAC)),
            ("vlans", .array(packet.vlans.all.map { tag in
                .object([("id", .int(Int(tag.id))), ("pcp", .int(Int(tag.priority))), ("dei", .bool(tag.dropEligible)),
                         ("tpid", .int(Int(tag.tpid)))])
            })),
            ("ethertype", .optional(packet.etherType) { .int(Int($0)) }),
            ("sll_ifindex", .optional(packet.cookedInterfaceIndex) { .uint(UInt64($0)) }),
            ("mpls_label", .optional(packet.topMPLSLabel) { .uint(UInt64($0)) }),
            ("src_ip", ip(packet.sourceIP)),
            ("dst_ip", ip(packet.destinationIP)),
            ("ip_proto", .optional(packet.ipProtocol) { .int(Int($0)) }),
            ("ttl", .optional(packet.ttl) { .int(Int($0)) }),
            ("fragment_offset", .int(Int(packet.fragmentOffset))),
            ("more_fragments", .bool(packet.moreFragments)),
            ("src_port", .optional(packet.sourcePort) { .int(Int($0)) }),
            ("dst_port", .optional(packet.destinationPort) { .int(Int($0)) }),
            ("tcp_flags", .optional(packet.tcpFlagsText) { .string($0) }),
            ("tcp_seq", .optional(packet.tcpSequence) { .uint(UInt64($0)) }),
            ("tcp_ack", .optional(packet.tcpAcknowledgment) { .uint(UInt64($0)) }),
            ("tcp_window", .optional(packet.tcpWindow) { .int(Int($0)) }),
            ("payload_length", .optional(packet.payloadLength) { .int($0) }),
            ("icmp", .optional(packet.icmp) { icmp in
                .object([("type", .int(Int(icmp.type))), ("code", .int(Int(icmp.code))), ("v6", .bool(icmp.isVersion6))])
            }),
            ("nd", .optional(packet.neighborDiscovery) { nd in
                .object([("type", .int(Int(nd.message.rawValue))), ("target", .optional(nd.target) { .string($0.description) }),
                         ("router", .bool(nd.router)), ("solicited", .bool(nd.solicited)), ("override", .bool(nd.override)),
                         ("source_lladdr", mac(nd.sourceLinkLayer)), ("target_lladdr", mac(nd.targetLinkLayer))])
            }),
            ("fhrp", .optional(packet.fhrp) { message in
                .object([
                    ("protocol", .string(message.kind.name)),
                    ("group", .int(Int(message.group))),
                    ("opcode", .int(Int(message.opcode))),
                    ("state", .string(message.state.name)),
                    ("state_raw", .int(Int(message.rawState))),
                    ("priority", .uint(UInt64(message.priority))),
                    ("hello_ms", .optional(message.helloMilliseconds) { .uint(UInt64($0)) }),
                    ("hold_ms", .optional(message.holdMilliseconds) { .uint(UInt64($0)) }),
                    ("virtual_ips", .array(message.virtualIPs.map { .string($0.description) })),
                    ("address_count", .int(message.addressCount)),
                    ("identifier", mac(message.identifier)),
                    ("authentication", .optional(message.authenticationText) { .string($0) }),
                    ("md5", .bool(message.hasMD5Authentication)),
                    ("forwarders", .array(message.forwarders.map { forwarder in
                        .object([("number", .int(Int(forwarder.number))), ("state", .string(forwarder.state.name)),
                                 ("priority", .int(Int(forwarder.priority))), ("weight", .int(Int(forwarder.weight))),
                                 ("virtual_mac", .string(forwarder.virtualMAC.description))])
                    })),
                    ("active_groups", .optional(message.activeGroups) { .int(Int($0)) }),
                    ("passive_groups", .optional(message.passiveGroups) { .int(Int($0)) }),
                ])
            }),
            ("arp", .optional(packet.arp) { arp in
                .object([("opcode", .int(Int(arp.opcode))), ("opcode_name", .string(arp.opcodeName)),
                         ("rarp", .bool(arp.isRARPEtherType)),
                         ("hardware_type", .int(Int(arp.hardwareType))), ("protocol_type", .int(Int(arp.protocolType))),
                         ("hardware_size", .int(Int(arp.hardwareSize))), ("protocol_size", .int(Int(arp.protocolSize))),
                         ("sender_mac", mac(arp.senderMAC)), ("sender_ip", ipv4(arp.senderIP)),
                         ("target_mac", mac(arp.targetMAC)), ("target_ip", ipv4(arp.targetIP))])
            }),
            ("tunnel", .optional(packet.tunnel) { tunnel in
                .object([
                    ("kind", .string(tunnel.kind.name)),
                    ("depth", .int(packet.tunnelCount)),
                    ("outer_src_ip", ip(tunnel.outerSource)),
                    ("outer_dst_ip", ip(tunnel.outerDestination)),
                    ("gre_protocol", .optional(tunnel.greProtocol) { .int(Int($0)) }),
                    ("gre_key", .optional(tunnel.greKey) { .uint(UInt64($0)) }),
                    ("gre_sequence", .optional(tunnel.greSequence) { .uint(UInt64($0)) }),
                    ("vni", .optional(packet.vni) { .uint(UInt64($0)) }),
                    ("erspan", .optional(packet.erspan) { erspan in
                        .object([
                            ("version", .int(Int(erspan.version))),
                            ("session", .int(Int(erspan.sessionID))),
                            ("vlan", .int(Int(erspan.vlan))),
                            ("cos", .int(Int(erspan.cos))),
                            ("truncated", .bool(erspan.truncated)),
                            ("index", .optional(erspan.index) { .uint(UInt64($0)) }),
                            ("hardware_id", .optional(erspan.hardwareID) { .int(Int($0)) }),
                            ("direction", .optional(erspan.egress) { .string($0 ? "egress" : "ingress") }),
                            ("port_index", .optional(erspan.portIndex) { .uint(UInt64($0)) }),
                        ])
                    }),
                ])
            }),
            ("anomaly", .optional(packet.stop) { .string($0.name) }),
            ("anomaly_detail", .optional(packet.stop) { .string($0.description) }),
        ])
    }
}

/// Short names for EtherTypes and IP protocols in text output.
public enum EtherTypeName {
    public static func of(_ type: UInt16) -> String {
        switch type {
        case 0x0800: "IPv4"
        case 0x86DD: "IPv6"
        case 0x0806: "ARP"
        case 0x8035: "RARP"
        case 0x88CC: "LLDP"
        case 0x8809: "slow-protocols"
        case 0x8847: "MPLS"
        case 0x88E7: "PBB"
        case 0x8926: "VN-Tag"
        case 0x893F: "E-Tag"
        case 0x8903: "FabricPath"
        case 0x88F7: "PTP"
        case 0x9000: "loopback"
        default: "0x" + String(type, radix: 16)
        }
    }
}

public enum IPProtocolName {
    public static func of(_ proto: UInt8) -> String {
        switch proto {
        case 1: "icmp"
        case 2: "igmp"
        case 4: "ipip"
        case 6: "tcp"
        case 17: "udp"
        case 41: "ipv6"
        case 47: "gre"
        case 50: "esp"
        case 51: "ah"
        case 58: "icmpv6"
        case 89: "ospf"
        case 103: "pim"
        case 112: "vrrp"
        case 132: "sctp"
        default: "proto-\(proto)"
        }
    }
}
