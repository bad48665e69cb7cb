import HairpinCapture
import HairpinWire

/// One decoded packet as a line of text (in the spirit of `tcpdump -n -e`) or a JSON object.
public struct PacketFormatter {
    public let interfaces: InterfaceTable

    public init(interfaces: InterfaceTable) { self.interfaces = interfaces }

    // MARK: Text

    /// The packet as a line of text (in the spirit of `tcpdump -n -e`), written at the end of
    /// `line`: each piece straight as bytes, no string made for it.
    public func writeText(frame: Int, record: Record, packet: DecodedPacket, to line: TextBuffer) {
        line.append(decimal: frame)
        line.append(" ")
        line.write(room: TextBytes.longestTimestamp) { $0.append(timestamp: record.timestamp) }
        line.append(" ")
        line.append(contentsOf: interfaces.displayName(of: record.interface))
        if record.direction != .unknown {
            line.append(" ")
            line.append(contentsOf: record.direction.name)
        }
        line.append(" ")
        // The body's pieces, one space between those that are not empty.
        var separated = false
        func separate() {
            if separated { line.append(" ") }
            separated = true
        }
        if let tunnel = packet.tunnel {
            separate()
            writeTunnel(tunnel, erspan: packet.erspan, vni: packet.vni, to: line)
            if packet.tunnelCount > 1 {
                line.append(" (+")
                line.append(decimal: packet.tunnelCount - 1)
                line.append(" inner)")
            }
            line.append(":")
        }
        if let source = packet.sourceMAC {
            separate()
            line.append(source)
            line.append(" >")
            if let destination = packet.destinationMAC {
                line.append(" ")
                line.append(destination)
            }
        }
        if let index = packet.cookedInterfaceIndex {
            separate()
            line.append("ifindex ")
            line.append(decimal: Int(index))
        }
        // By index: `all` makes an array for every packet.
        for position in 0..<packet.vlans.count {
            let tag = packet.vlans[position]
            if position == 0 { separate() } else { line.append(", ") }
            line.append("vlan ")
            line.append(decimal: Int(tag.id))
            line.append(" p")
            line.append(decimal: Int(tag.priority))
            if tag.tpid != 0x8100 {
                line.append(" [0x")
                line.append(contentsOf: String(tag.tpid, radix: 16))
                line.append("]")
            }
        }
        if packet.mplsLabels > 0, let label = packet.topMPLSLabel {
            separate()
            line.append("mpls ")
            line.append(decimal: Int(label))
            if packet.mplsLabels > 1 {
                line.append(" (+")
                line.append(decimal: Int(packet.mplsLabels) - 1)
                line.append(")")
            }
        }
        // The network part may be empty: its separator is taken back then.
        let beforeNetwork = line.count
        if separated { line.append(" ") }
        let networkStart = line.count
        writeNetwork(packet, to: line)
        if line.count == networkStart { line.removeLast(line.count - beforeNetwork) }
        line.append(", length ")
        line.append(decimal: record.originalLength)
        if record.bytes.count < record.originalLength {
            line.append(" (captured ")
            line.append(decimal: record.bytes.count)
            line.append(")")
        }
        if let stop = packet.stop {
            line.append(" [")
            line.append(contentsOf: stop.description)
            line.append("]")
        }
    }

    private func writeTunnel(_ tunnel: TunnelInfo, erspan: ERSPANHeader?, vni: UInt32?, to line: TextBuffer) {
        line.append(contentsOf: tunnel.kind.name)
        if let erspan {
            line.append(" session ")
            line.append(decimal: Int(erspan.sessionID))
            if erspan.vlan != 0 {
                line.append(" vlan ")
                line.append(decimal: Int(erspan.vlan))
            }
            write(" index ", erspan.index, to: line)
            write(" hw ", erspan.hardwareID, to: line)
            write(" port ", erspan.portIndex, to: line)
            if let egress = erspan.egress { line.append(egress ? " egress" as StaticString : " ingress") }
        }
        write(" vni ", vni, to: line)
        write(" key ", tunnel.greKey, to: line)
        if let source = tunnel.outerSource, let destination = tunnel.outerDestination {
            line.append(" (")
            line.append(source)
            line.append(" > ")
            line.append(destination)
            line.append(")")
        }
    }

    private func writeNetwork(_ packet: DecodedPacket, to line: TextBuffer) {
        if let arp = packet.arp {
            line.append(contentsOf: arpText(arp))
            return
        }
        guard let source = packet.sourceIP, let destination = packet.destinationIP else {
            if let type = packet.etherType {
                line.append("ethertype ")
                line.append(contentsOf: EtherTypeName.of(type))
            } else if let saps = packet.llcSAPs {
                line.append("llc 0x")
                line.append(contentsOf: String(saps, radix: 16))
            }
            return
        }
        if case .v4 = source { line.append("IPv4 ") } else { line.append("IPv6 ") }
        line.append(source)
        if let sourcePort = packet.sourcePort, let destinationPort = packet.destinationPort {
            line.append(".")
            line.append(decimal: Int(sourcePort))
            line.append(" > ")
            line.append(destination)
            line.append(".")
            line.append(decimal: Int(destinationPort))
        } else {
            line.append(" > ")
            line.append(destination)
        }
        line.append(": ")
        line.append(contentsOf: packet.ipProtocol.map(IPProtocolName.of) ?? "?")
        if let flags = packet.tcpFlags {
            line.append(" [")
            line.write(room: 8) { $0.append(tcpFlags: flags) }
            line.append("]")
            write(" seq ", packet.tcpSequence, to: line)
            if flags & DecodedPacket.TCPFlag.ack != 0 { write(" ack ", packet.tcpAcknowledgment, to: line) }
            write(" win ", packet.tcpWindow, to: line)
        }
        if let fhrp = packet.fhrp {
            line.append(" ")
            line.append(contentsOf: fhrpText(fhrp))
        } else if let nd = packet.neighborDiscovery {
            line.append(" ")
            line.append(contentsOf: ndName(nd.message))
            if let target = nd.target {
                line.append(" tgt ")
                line.append(.v6(target))
            }
            if nd.message == .neighborAdvertisement {
                let flags = [nd.router ? "R" : nil, nd.solicited ? "S" : nil, nd.override ? "O" : nil].compactMap { $0 }
                line.append(contentsOf: " [\(flags.joined(separator: ","))]")
            }
            if let mac = nd.sourceLinkLayer ?? nd.targetLinkLayer {
                line.append(" lladdr ")
                line.append(mac)
            }
        } else if let icmp = packet.icmp {
            line.append(" type ")
            line.append(decimal: Int(icmp.type))
            line.append(" code ")
            line.append(decimal: Int(icmp.code))
        }
        if packet.fragmentOffset != 0 || packet.moreFragments {
            line.append(" frag ")
            line.append(decimal: Int(packet.fragmentOffset))
            if packet.moreFragments { line.append("+") }
        }
        if packet.sourcePort != nil { write(" payload ", packet.payloadLength, to: line) }
        write(", ttl ", packet.ttl, to: line)
    }

    /// `label` and `value` in decimal, when there is a value.
    private func write<Value: BinaryInteger>(_ label: StaticString, _ value: Value?, to line: TextBuffer) {
        guard let value else { return }
        line.append(label)
        line.append(decimal: Int(value))
    }

    private func arpText(_ arp: ARPPacket) -> String {
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

    /// The packet as a JSON object, written as it is made (key order is the schema's).
    public func writeJSON(frame: Int, record: Record, packet: DecodedPacket, to json: inout JSONWriter) {
        func mac(_ value: MACAddress?) { json.optional(value) { $0.string($1) } }
        func ip(_ value: IPAddress?) { json.optional(value) { $0.string($1) } }
        func int<T: BinaryInteger>(_ value: T?) { json.optional(value) { $0.int(Int($1)) } }
        func uint<T: BinaryInteger>(_ value: T?) { json.optional(value) { $0.uint(UInt64($1)) } }
        json.beginObject()
        json.key("frame"); json.int(frame)
        json.key("time_ns"); json.int(record.timestamp)
        json.key("interface"); json.int(record.interface)
        json.key("length"); json.int(record.originalLength)
        json.key("captured_length"); json.int(record.bytes.count)
        json.key("direction")
        if record.direction == .unknown { json.null() } else { json.string(record.direction.name) }
        json.key("file_offset"); json.int(record.fileOffset)
        json.key("layers"); json.string(packet.layers)
        json.key("src_mac"); mac(packet.sourceMAC)
        json.key("dst_mac"); mac(packet.destinationMAC)
        json.key("vlans")
        json.beginArray()
        for tag in packet.vlans.all {
            json.beginObject()
            json.key("id"); json.int(Int(tag.id))
            json.key("pcp"); json.int(Int(tag.priority))
            json.key("dei"); json.bool(tag.dropEligible)
            json.key("tpid"); json.int(Int(tag.tpid))
            json.endObject()
        }
        json.endArray()
        json.key("ethertype"); int(packet.etherType)
        json.key("sll_ifindex"); uint(packet.cookedInterfaceIndex)
        json.key("mpls_label"); uint(packet.topMPLSLabel)
        json.key("src_ip"); ip(packet.sourceIP)
        json.key("dst_ip"); ip(packet.destinationIP)
        json.key("ip_proto"); int(packet.ipProtocol)
        json.key("ttl"); int(packet.ttl)
        json.key("fragment_offset"); json.int(Int(packet.fragmentOffset))
        json.key("more_fragments"); json.bool(packet.moreFragments)
        json.key("src_port"); int(packet.sourcePort)
        json.key("dst_port"); int(packet.destinationPort)
        json.key("tcp_flags"); json.optional(packet.tcpFlagsText) { $0.string($1) }
        json.key("tcp_seq"); uint(packet.tcpSequence)
        json.key("tcp_ack"); uint(packet.tcpAcknowledgment)
        json.key("tcp_window"); int(packet.tcpWindow)
        json.key("payload_length"); int(packet.payloadLength)
        json.key("icmp")
        json.optional(packet.icmp) { json, icmp in
            json.beginObject()
            json.key("type"); json.int(Int(icmp.type))
            json.key("code"); json.int(Int(icmp.code))
            json.key("v6"); json.bool(icmp.isVersion6)
            json.endObject()
        }
        json.key("nd")
        json.optional(packet.neighborDiscovery) { json, nd in
            json.beginObject()
            json.key("type"); json.int(Int(nd.message.rawValue))
            json.key("target"); json.optional(nd.target) { $0.string(.v6($1)) }
            json.key("router"); json.bool(nd.router)
            json.key("solicited"); json.bool(nd.solicited)
            json.key("override"); json.bool(nd.override)
            json.key("source_lladdr"); json.optional(nd.sourceLinkLayer) { $0.string($1) }
            json.key("target_lladdr"); json.optional(nd.targetLinkLayer) { $0.string($1) }
            json.endObject()
        }
        json.key("fhrp")
        json.optional(packet.fhrp) { json, message in Self.writeFHRP(message, to: &json) }
        json.key("arp")
        json.optional(packet.arp) { json, arp in
            json.beginObject()
            json.key("opcode"); json.int(Int(arp.opcode))
            json.key("opcode_name"); json.string(arp.opcodeName)
            json.key("rarp"); json.bool(arp.isRARPEtherType)
            json.key("hardware_type"); json.int(Int(arp.hardwareType))
            json.key("protocol_type"); json.int(Int(arp.protocolType))
            json.key("hardware_size"); json.int(Int(arp.hardwareSize))
            json.key("protocol_size"); json.int(Int(arp.protocolSize))
            json.key("sender_mac"); json.optional(arp.senderMAC) { $0.string($1) }
            json.key("sender_ip"); json.optional(arp.senderIP) { $0.string(.v4($1)) }
            json.key("target_mac"); json.optional(arp.targetMAC) { $0.string($1) }
            json.key("target_ip"); json.optional(arp.targetIP) { $0.string(.v4($1)) }
            json.endObject()
        }
        json.key("tunnel")
        json.optional(packet.tunnel) { json, tunnel in
            json.beginObject()
            json.key("kind"); json.string(tunnel.kind.name)
            json.key("depth"); json.int(packet.tunnelCount)
            json.key("outer_src_ip"); json.optional(tunnel.outerSource) { $0.string($1) }
            json.key("outer_dst_ip"); json.optional(tunnel.outerDestination) { $0.string($1) }
            json.key("gre_protocol"); json.optional(tunnel.greProtocol) { $0.int(Int($1)) }
            json.key("gre_key"); json.optional(tunnel.greKey) { $0.uint(UInt64($1)) }
            json.key("gre_sequence"); json.optional(tunnel.greSequence) { $0.uint(UInt64($1)) }
            json.key("vni"); json.optional(packet.vni) { $0.uint(UInt64($1)) }
            json.key("erspan")
            json.optional(packet.erspan) { json, erspan in
                json.beginObject()
                json.key("version"); json.int(Int(erspan.version))
                json.key("session"); json.int(Int(erspan.sessionID))
                json.key("vlan"); json.int(Int(erspan.vlan))
                json.key("cos"); json.int(Int(erspan.cos))
                json.key("truncated"); json.bool(erspan.truncated)
                json.key("index"); json.optional(erspan.index) { $0.uint(UInt64($1)) }
                json.key("hardware_id"); json.optional(erspan.hardwareID) { $0.int(Int($1)) }
                json.key("direction"); json.optional(erspan.egress) { $0.string($1 ? "egress" : "ingress") }
                json.key("port_index"); json.optional(erspan.portIndex) { $0.uint(UInt64($1)) }
                json.endObject()
            }
            json.endObject()
        }
        json.key("anomaly"); json.optional(packet.stop) { $0.string($1.name) }
        json.key("anomaly_detail"); json.optional(packet.stop) { $0.string($1.description) }
        json.endObject()
    }

    private static func writeFHRP(_ message: FHRPMessage, to json: inout JSONWriter) {
        json.beginObject()
        json.key("protocol"); json.string(message.kind.name)
        json.key("group"); json.int(Int(message.group))
        json.key("opcode"); json.int(Int(message.opcode))
        json.key("state"); json.string(message.state.name)
        json.key("state_raw"); json.int(Int(message.rawState))
        json.key("priority"); json.uint(UInt64(message.priority))
        json.key("hello_ms"); json.optional(message.helloMilliseconds) { $0.uint(UInt64($1)) }
        json.key("hold_ms"); json.optional(message.holdMilliseconds) { $0.uint(UInt64($1)) }
        json.key("virtual_ips")
        json.beginArray()
        for address in message.virtualIPs { json.string(address) }
        json.endArray()
        json.key("address_count"); json.int(message.addressCount)
        json.key("identifier"); json.optional(message.identifier) { $0.string($1) }
        json.key("authentication"); json.optional(message.authenticationText) { $0.string($1) }
        json.key("md5"); json.bool(message.hasMD5Authentication)
        json.key("forwarders")
        json.beginArray()
        for forwarder in message.forwarders {
            json.beginObject()
            json.key("number"); json.int(Int(forwarder.number))
            json.key("state"); json.string(forwarder.state.name)
            json.key("priority"); json.int(Int(forwarder.priority))
            json.key("weight"); json.int(Int(forwarder.weight))
            json.key("virtual_mac"); json.string(forwarder.virtualMAC)
            json.endObject()
        }
        json.endArray()
        json.key("active_groups"); json.optional(message.activeGroups) { $0.int(Int($1)) }
        json.key("passive_groups"); json.optional(message.passiveGroups) { $0.int(Int($1)) }
        json.endObject()
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
