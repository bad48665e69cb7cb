import HairpinWire

extension Analysis {
    /// Which member forwards for a virtual MAC at a time, and where its messages are seen.
    public func gatewayForwarder(of virtualMAC: MACAddress, at time: Int64) -> GatewayMember? {
        gatewayTracker.forwarder(of: virtualMAC, at: time)
    }

    /// The first-hop virtual MAC a host's frames mostly go to (its gateway binding), if it sent
    /// any to a virtual MAC.
    public func gatewayBinding(of host: MACAddress) -> MACAddress? {
        mobility.location(of: host)?.gatewayMAC
    }

    /// Which member is active for a virtual IP at a time (for GLBP, the AVG answering ARP for it).
    public func gatewayForwarder(ofVirtualIP virtualIP: IPAddress, at time: Int64) -> GatewayMember? {
        gatewayTracker.forwarder(ofVirtualIP: virtualIP, at: time)
    }

    /// The protocol's own name for a role: VRRP says master and backup.
    func stateName(_ state: FHRPMessage.State, _ kind: FHRPMessage.Kind) -> String {
        guard kind == .vrrp2 || kind == .vrrp3 else { return state.name }
        switch state {
        case .active: return "master"
        case .standby: return "backup"
        case .disabled: return "resigned"
        default: return state.name
        }
    }

    /// The default virtual MAC the protocol derives from the group (GLBP has one per forwarder).
    static func ruleMAC(_ key: GatewayTracker.GroupKey) -> MACAddress? {
        let group = Int(key.group)
        switch key.kind {
        case .hsrp1: return VirtualMAC.hsrpV1(group: group)
        case .hsrp2: return VirtualMAC.hsrpV2(group: group)
        case .hsrp6: return VirtualMAC.hsrpV6(group: group)
        case .vrrp2: return VirtualMAC.vrrp(vrid: group)
        case .vrrp3: return nil
        case .glbp, .carp: return nil
        }
    }

    func gatewayReport() -> [Report.Gateway] {
        let tracker = gatewayTracker
        return tracker.groups.map { group in
            func endpoint(_ index: Int) -> Report.Gateway.Endpoint {
                let member = group.members[index]
                return .init(mac: member.mac?.description, ip: member.ip.description, interfaces: member.interfaces.sorted())
            }
            let end = group.members.map(\.lastSeen).max() ?? group.firstSeen
            let activeNow = group.members.indices.filter { index in
                let member = group.members[index]
                let hold = Int64(member.holdMilliseconds ?? 10_000) * 1_000_000
                return member.state == .active && end - member.lastActive <= hold
            }
            var anomalies: [String] = []
            // Actives seen on capture points of their own are isolated (a DCI filter); seen together, split.
            func describe(_ members: [Int], at time: Int64?) -> String {
                let sets = members.map { group.members[$0].interfaces }
                let disjoint = sets.count == 2 && sets[0].isDisjoint(with: sets[1])
                return (disjoint ? "isolated_actives" : "dual_active") + (time.map { " at \($0)" } ?? " at the end") + ": "
                    + members.map { group.members[$0].ip.description }.joined(separator: ", ")
            }
            for entry in group.dualActive { anomalies.append(describe(entry.members, at: entry.time)) }
            if group.dualActive.isEmpty && activeNow.count > 1 { anomalies.append(describe(activeNow, at: nil)) }
            // VRRP derives its hold time from each member's priority: only the intervals must agree.
            let isVRRP = group.key.kind == .vrrp2 || group.key.kind == .vrrp3
            let helloTimers = Set(group.members.compactMap(\.helloMilliseconds))
            let holdTimers = isVRRP ? [] : Set(group.members.compactMap(\.holdMilliseconds))
            if helloTimers.count > 1 || holdTimers.count > 1 { anomalies.append("timer_mismatch") }
            if Set(group.members.compactMap(\.authentication)).count > 1 { anomalies.append("authentication_mismatch") }
            if group.resignations > 0 { anomalies.append("resignations \(group.resignations)") }
            if !group.unnumberedFrames.isEmpty {
                anomalies.append("unnumbered_sender at frames " + group.unnumberedFrames.map(String.init).joined(separator: ","))
            }
            for answer in group.foreignAnswers {
                anomalies.append("virtual_ip_answered_by_real_mac at \(answer.time): \(answer.mac)")
            }
            // With no message sourced from a virtual MAC, the protocol's rule names it.
            var virtualMACs = group.virtualMACs
            if virtualMACs.isEmpty, let rule = Self.ruleMAC(group.key) { virtualMACs = [rule] }
            let segment = group.key.segment
            return Report.Gateway(
                protocol: group.key.kind.name, group: Int(group.key.group),
                vlan: segment & 0x0100_0000 == 0 && segment != 0 ? Int(segment) : nil,
                vni: segment & 0x0100_0000 != 0 ? Int(segment & 0xFF_FFFF) : nil,
                virtualIPs: group.virtualIPs.map(\.description),
                virtualMACs: virtualMACs.map(\.description).sorted(),
                members: group.members.map { member in
                    .init(mac: member.mac?.description, ip: member.ip.description, priority: Int(member.priority),
                          state: stateName(member.state, group.key.kind),
                          helloMs: member.helloMilliseconds.map(Int.init), holdMs: member.holdMilliseconds.map(Int.init),
                          interfaces: member.interfaces.sorted())
                }.sorted { $0.ip < $1.ip },
                active: group.activeTimeline.last.map { endpoint($0.member) },
                actives: activeNow.map(endpoint),
                forwarders: group.forwarders.map { forwarder in
                    .init(number: Int(forwarder.number), virtualMAC: forwarder.virtualMAC.description,
                          ownerMAC: group.members[forwarder.owner].mac?.description,
                          ownerIP: group.members[forwarder.owner].ip.description, state: forwarder.state.name)
                },
                transitions: group.transitions.map { transition in
                    .init(timeNs: transition.time, frame: transition.frame, memberIP: transition.memberIP.description,
                          from: stateName(transition.from, group.key.kind), to: stateName(transition.to, group.key.kind), previousActive: transition.previousActive?.description,
                          gapNs: transition.gap)
                },
                anomalies: anomalies)
        }.sorted { ($0.vlan ?? 0, $0.protocol, $0.group) < ($1.vlan ?? 0, $1.protocol, $1.group) }
    }
}
