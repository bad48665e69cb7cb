import HairpinWire

/// First-hop gateway groups over time (protocols.md 3.6, 4.8, 5.5): per segment (innermost
/// VLAN or VNI) and group, the members with their real addresses, roles, timers and the
/// capture points their messages are seen on; who is active (HSRP active, VRRP master, GLBP
/// AVG) and each GLBP forwarder's owner, at every moment; every role change with the gap in
/// hellos before it; and what is wrong (two actives at once, mismatched timers or
/// authentication, resignations).
/// A gateway group member as the path analysis needs it: who, and where its messages are seen.
public struct GatewayMember: Sendable, Equatable {
    public var ip: IPAddress
    /// The member's own MAC, when the traffic showed it.
    public var mac: MACAddress?
    /// Capture points (interface ids) its messages were seen on.
    public var interfaces: Set<Int>
}

struct GatewayTracker {
    struct GroupKey: Hashable {
        var kind: FHRPMessage.Kind
        var segment: UInt32
        var group: UInt16
    }

    struct Member {
        var ip: IPAddress
        var mac: MACAddress?
        var priority: UInt32 = 0
        var state: FHRPMessage.State = .unknown
        var helloMilliseconds: UInt32?
        var holdMilliseconds: UInt32?
        var authentication: UInt64?
        var interfaces: Set<Int> = []
        var firstSeen: Int64
        var lastSeen: Int64
        /// Last hello in which the member said it was active.
        var lastActive: Int64 = .min
    }

    struct Transition {
        var time: Int64
        var frame: Int
        var memberIP: IPAddress
        var from: FHRPMessage.State
        var to: FHRPMessage.State
        /// Time since the previous active's last hello, when the active role moved.
        var gap: Int64?
        var previousActive: IPAddress?
    }

    struct Forwarder {
        var number: UInt8
        var virtualMAC: MACAddress
        var state: FHRPMessage.State
        /// Who owned the forwarder from when: (time, member index), in order; never empty.
        var owners: [(time: Int64, member: Int)]
        /// The member that owns it now.
        var owner: Int { owners[owners.count - 1].member }
    }

    struct Group {
        var key: GroupKey
        var virtualIPs: [IPAddress] = []
        var virtualMACs: [MACAddress] = []
        var members: [Member] = []
        var transitions: [Transition] = []
        var forwarders: [Forwarder] = []
        /// Who was active from when: (time, member index), in order.
        var activeTimeline: [(time: Int64, member: Int)] = []
        var dualActive: [(time: Int64, members: [Int])] = []
        /// How often each pair of members claimed the active role within each other's hold time.
        var overlaps: [Int: Int] = [:]
        var resignations = 0
        var firstSeen: Int64
        /// ARP replies for a virtual IP that carried a MAC that is no virtual MAC (keepalived
        /// without use_vmac, a misconfiguration, or a spoofer): (time, MAC).
        var foreignAnswers: [(time: Int64, mac: MACAddress)] = []
        /// Frames whose sender had no address (0.0.0.0 or ::): a router whose interface address
        /// was removed keeps advertising for the group.
        var unnumberedFrames: [Int] = []
    }

    private(set) var groups: [Group] = []
    private var index: [GroupKey: Int] = [:]
    /// Real MACs seen for IP addresses: HSRP advertisements and ARP senders (bounded).
    private var realMACs: [IPAddress: MACAddress] = [:]
    static let maximumRealMACs = 65_536

    /// Feeds one FHRP message seen at `time` on `interface`, frame `frame`.
    mutating func add(_ message: FHRPMessage, packet: PacketView, time: Int64, interface: Int, frame: Int) {
        guard message.kind != .carp, let source = packet.sourceIP else { return }
        var segment: UInt32 = 0
        if let vni = packet.vni { segment = 0x0100_0000 | vni } else if let vlan = packet.vlans.innermostId { segment = UInt32(vlan) }
        // HSRP opcode 3 and v2 interface-state messages carry no group: they only tell a member's real MAC.
        let groupless = (message.kind == .hsrp1 && message.opcode == 3)
            || ((message.kind == .hsrp2 || message.kind == .hsrp6) && message.identifier == nil)
        if groupless {
            learnRealMAC(ip: source, mac: packet.sourceMAC, segment: segment)
            return
        }
        let key = GroupKey(kind: message.kind, segment: segment, group: message.group)
        let groupIndex: Int
        if let existing = index[key] {
            groupIndex = existing
        } else {
            groupIndex = groups.count
            index[key] = groupIndex
            groups.append(Group(key: key, firstSeen: time))
        }
        update(&groups[groupIndex], message: message, packet: packet, source: source, time: time, interface: interface, frame: frame)
    }

    /// An ARP reply: a virtual IP answered with a MAC that is not one of the group's virtual MACs.
    mutating func arpReply(senderIP: IPAddress, senderMAC: MACAddress, time: Int64) {
        for g in groups.indices where groups[g].virtualIPs.contains(senderIP) {
            let isVirtual = groups[g].virtualMACs.contains(senderMAC) || VirtualMAC.kind(of: senderMAC) != nil
            if !isVirtual && groups[g].foreignAnswers.count < 16 && !groups[g].foreignAnswers.contains(where: { $0.mac == senderMAC }) {
                groups[g].foreignAnswers.append((time, senderMAC))
            }
        }
    }

    /// Evidence of the real MAC behind an address (protocols.md 3.6: opcode-3 advertisements,
    /// ARP senders); members with no MAC of their own get it.
    mutating func learnRealMAC(ip: IPAddress, mac: MACAddress?, segment: UInt32) {
        guard let mac, VirtualMAC.kind(of: mac) == nil, !mac.isMulticast else { return }
        if realMACs[ip] == nil && realMACs.count >= Self.maximumRealMACs { return }
        realMACs[ip] = mac
        for g in groups.indices {
            for m in groups[g].members.indices where groups[g].members[m].ip == ip && groups[g].members[m].mac == nil {
                groups[g].members[m].mac = mac
            }
        }
    }

    private func update(_ group: inout Group, message: FHRPMessage, packet: PacketView, source: IPAddress, time: Int64,
                        interface: Int, frame: Int) {
        for address in message.virtualIPs where !address.isUnspecified && !group.virtualIPs.contains(address) { group.virtualIPs.append(address) }
        if source.isUnspecified && group.unnumberedFrames.count < 16 { group.unnumberedFrames.append(frame) }
        let memberIndex: Int
        if let found = group.members.firstIndex(where: { $0.ip == source }) {
            memberIndex = found
        } else {
            memberIndex = group.members.count
            group.members.append(Member(ip: source, firstSeen: time, lastSeen: time))
        }
        // The real MAC: the identifier HSRP v2 and GLBP carry; else the Ethernet source when it is
        // not a virtual MAC; for VRRP over IPv6, the EUI-64 of the link-local source.
        let sourceMAC = packet.sourceMAC
        let sourceIsVirtual = sourceMAC.map { VirtualMAC.kind(of: $0) != nil } ?? false
        if let identifier = message.identifier {
            group.members[memberIndex].mac = identifier
        } else if let sourceMAC, !sourceIsVirtual {
            group.members[memberIndex].mac = sourceMAC
        } else if group.members[memberIndex].mac == nil, let known = realMACs[source] {
            group.members[memberIndex].mac = known
        } else if group.members[memberIndex].mac == nil, case .v6(let v6) = source, v6.isLinkLocal, v6.low & 0x0000_00FF_FF00_0000 == 0x0000_00FF_FE00_0000 {
            let eui = v6.low
            group.members[memberIndex].mac = MACAddress(rawValue: ((eui >> 40) << 24 | (eui & 0xFF_FFFF)) ^ 0x0200_0000_0000)
        }
        // Virtual MACs: sourced by the active (HSRP, VRRP), or listed per forwarder (GLBP).
        if let sourceMAC, sourceIsVirtual, !group.virtualMACs.contains(sourceMAC) { group.virtualMACs.append(sourceMAC) }
        var member = group.members[memberIndex]
        member.interfaces.insert(interface)
        member.lastSeen = time
        member.priority = message.priority
        member.helloMilliseconds = message.helloMilliseconds ?? member.helloMilliseconds
        member.holdMilliseconds = message.holdMilliseconds ?? member.holdMilliseconds
        if message.kind == .vrrp2 || message.kind == .vrrp3, let interval = message.helloMilliseconds {
            // Master_Down_Interval: three adverts plus the skew of the priority (RFC 5798).
            member.holdMilliseconds = 3 * interval + (256 - min(255, message.priority)) * interval / 256
        }
        member.authentication = message.authentication ?? member.authentication
        // VRRP: only the master advertises; priority 0 is the master resigning.
        var state = message.state
        if message.kind == .vrrp2 || message.kind == .vrrp3 {
            state = message.priority == 0 ? .disabled : .active
            if message.priority == 0 { group.resignations += 1 }
        }
        if message.kind.isHSRP && message.opcode == 2 { group.resignations += 1 }
        let previous = member.state
        // A message without a role of its own (a GLBP packet with forwarder TLVs only) changes none.
        if state == .unknown { state = previous }
        let previousClaim = member.lastActive
        if state == .active { member.lastActive = time }
        member.state = state
        group.members[memberIndex] = member
        if previous != state && state != .unknown {
            var transition = Transition(time: time, frame: frame, memberIP: source, from: previous, to: state)
            if state == .active {
                // The active role moved: note whose it was and how long it had been silent.
                if let current = group.activeTimeline.last?.member, current != memberIndex {
                    transition.previousActive = group.members[current].ip
                    transition.gap = time - group.members[current].lastSeen
                }
            }
            group.transitions.append(transition)
        }
        // VRRP backups are silent: a master replaced by another one has become a backup.
        if (message.kind == .vrrp2 || message.kind == .vrrp3) && state == .active,
           let current = group.activeTimeline.last?.member, current != memberIndex, group.members[current].state == .active {
            group.members[current].state = .standby
            group.transitions.append(Transition(time: time, frame: frame, memberIP: group.members[current].ip, from: .active, to: .standby))
        }
        if state == .active && group.activeTimeline.last?.member != memberIndex {
            group.activeTimeline.append((time, memberIndex))
        }
        // Two members claiming the active role within each other's hold time, again and again:
        // split brain, or isolation (a preemption overlaps once or twice and is not reported).
        if state == .active {
            let hold = Int64(member.holdMilliseconds ?? 10_000) * 1_000_000
            // Only claims that interleave count: the other claimed again since this member last did.
            for other in group.members.indices where other != memberIndex && group.members[other].lastActive != .min
                && time - group.members[other].lastActive < hold && group.members[other].lastActive > previousClaim {
                let pair = min(other, memberIndex) << 16 | max(other, memberIndex)
                group.overlaps[pair, default: 0] += 1
                if group.overlaps[pair] == 3 { group.dualActive.append((time, [memberIndex, other])) }
            }
        }
        for forwarder in message.forwarders where forwarder.state == .active {
            if let existing = group.forwarders.firstIndex(where: { $0.number == forwarder.number }) {
                if group.forwarders[existing].owners.last?.member != memberIndex {
                    group.forwarders[existing].owners.append((time, memberIndex))
                }
                group.forwarders[existing].virtualMAC = forwarder.virtualMAC
            } else {
                group.forwarders.append(Forwarder(number: forwarder.number, virtualMAC: forwarder.virtualMAC, state: .active,
                                                  owners: [(time, memberIndex)]))
                group.forwarders.sort { $0.number < $1.number }
            }
            if !group.virtualMACs.contains(forwarder.virtualMAC) { group.virtualMACs.append(forwarder.virtualMAC) }
        }
    }

    /// Whether an address is a virtual IP of some group (its GARPs are gateway events).
    func isVirtualIP(_ address: IPAddress) -> Bool {
        groups.contains { $0.virtualIPs.contains(address) }
    }

    /// Which member forwards for `virtualMAC` at `time` (the path analysis asks this), with the
    /// capture points its messages were seen on. Before the first message, the first owner.
    func forwarder(of virtualMAC: MACAddress, at time: Int64) -> GatewayMember? {
        for group in groups where group.virtualMACs.contains(virtualMAC) {
            if let forwarder = group.forwarders.first(where: { $0.virtualMAC == virtualMAC }),
               let entry = forwarder.owners.last(where: { $0.time <= time }) ?? forwarder.owners.first {
                return endpoint(group.members[entry.member])
            }
            if let member = activeMember(group, at: time) { return endpoint(member) }
        }
        return nil
    }

    /// The group a virtual MAC belongs to, if any.
    func group(of virtualMAC: MACAddress) -> Group? {
        groups.first { $0.virtualMACs.contains(virtualMAC) }
    }

    /// Which member forwards for `virtualMAC` at `time` as seen from capture point `interface`
    /// (R3): when FHRP isolation keeps one active per site, each claiming the role on capture
    /// points of its own, the one whose messages reach `interface`. `isolated` says whether
    /// that was the case.
    func forwarder(of virtualMAC: MACAddress, at time: Int64, seenFrom interface: Int)
        -> (member: GatewayMember, isolated: Bool)? {
        guard let group = group(of: virtualMAC) else { return nil }
        if group.forwarders.isEmpty, !group.dualActive.isEmpty {
            let actives = Set(group.activeTimeline.map(\.member)).sorted()
            let local = actives.filter { group.members[$0].interfaces.contains(interface) }
            let disjoint = actives.count == 2 && group.members[actives[0]].interfaces.isDisjoint(with: group.members[actives[1]].interfaces)
            if disjoint, local.count == 1 { return (endpoint(group.members[local[0]]), true) }
        }
        return forwarder(of: virtualMAC, at: time).map { ($0, false) }
    }

    /// Which member is active for `virtualIP` at `time` (for GLBP, the AVG that answers ARP for it).
    func forwarder(ofVirtualIP virtualIP: IPAddress, at time: Int64) -> GatewayMember? {
        for group in groups where group.virtualIPs.contains(virtualIP) {
            if let member = activeMember(group, at: time) { return endpoint(member) }
        }
        return nil
    }

    private func activeMember(_ group: Group, at time: Int64) -> Member? {
        guard let entry = group.activeTimeline.last(where: { $0.time <= time }) ?? group.activeTimeline.first else { return nil }
        return group.members[entry.member]
    }

    private func endpoint(_ member: Member) -> GatewayMember {
        GatewayMember(ip: member.ip, mac: member.mac, interfaces: member.interfaces)
    }
}

extension FHRPMessage.Kind {
    var isHSRP: Bool { self == .hsrp1 || self == .hsrp2 || self == .hsrp6 }
}
