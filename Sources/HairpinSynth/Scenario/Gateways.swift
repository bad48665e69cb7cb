import HairpinCapture
import HairpinWire

/// A gateway group with its names resolved: who is active where, which virtual MAC each member
/// forwards, and the hellos each member sends.
struct GatewayModel {
    enum Kind: String { case hsrp1, hsrp2, hsrp6, vrrp2, vrrp3, glbp }

    struct Member {
        var router: Int
        var priority: Int
        var role: String
        var forwarders: [Int]
    }

    let kind: Kind
    let group: Int
    let vlan: UInt16
    let virtualIP: IPAddress
    let isolation: Bool
    let members: [Member]

    init(_ gateway: Scenario.Gateway, world: World) throws {
        guard let kind = Kind(rawValue: gateway.protocolName) else {
            throw World.ScenarioError(description: "unknown gateway protocol \(gateway.protocolName)")
        }
        self.kind = kind
        group = gateway.group
        vlan = try world.vlan(gateway.segment)
        virtualIP = try World.ip(gateway.virtualIP)
        isolation = gateway.isolation
        members = try gateway.members.map { member in
            Member(router: try world.router(member.router), priority: member.priority ?? 100, role: member.role,
                   forwarders: member.forwarders ?? [])
        }
    }

    var isActiveRole: (Member) -> Bool { { ["active", "master"].contains($0.role) } }

    /// The virtual MAC hosts use (GLBP: that of `forwarder`).
    func virtualMAC(forwarder: Int = 1) -> MACAddress {
        switch kind {
        case .hsrp1: VirtualMAC.hsrpV1(group: group)
        case .hsrp2: VirtualMAC.hsrpV2(group: group)
        case .hsrp6: VirtualMAC.hsrpV6(group: group)
        case .vrrp2, .vrrp3: VirtualMAC.vrrp(vrid: group, ipv6: { if case .v6 = virtualIP { return true }; return false }())
        case .glbp: VirtualMAC.glbp(group: group, forwarder: forwarder)
        }
    }

    var allVirtualMACs: [MACAddress] {
        if kind == .glbp { return members.flatMap(\.forwarders).sorted().map { virtualMAC(forwarder: $0) } }
        return [virtualMAC()]
    }

    /// The router that forwards frames sent to the virtual MAC, as the switches at `site` learned
    /// it: the active member (at that site when the sites are isolated), or GLBP's AVF.
    func forwarder(site: Int, forwarderNumber: Int?, world: World) -> Int? {
        if kind == .glbp, let number = forwarderNumber {
            return members.first { $0.forwarders.contains(number) }?.router
        }
        let actives = members.filter(isActiveRole)
        if isolation, let local = actives.first(where: { world.routers[$0.router].site == site }) { return local.router }
        return actives.first?.router
    }

    /// Hellos of every member for the whole capture.
    func generateHellos(into synthesizer: Synthesizer) {
        let world = synthesizer.world
        let interval: Int64 = kind == .vrrp2 || kind == .vrrp3 ? 1_000_000_000 : 3_000_000_000
        for (index, member) in members.enumerated() {
            let router = world.routers[member.router]
            let active = isActiveRole(member)
            // VRRP backups stay silent; HSRP listeners too.
            if (kind == .vrrp2 || kind == .vrrp3) && !active { continue }
            if kind.rawValue.hasPrefix("hsrp") && member.role == "listen" { continue }
            let frame = hello(member: member, router: router, active: active)
            let copies = world.flood(from: .router(member.router), stayLocal: isolation)
            let path = synthesizer.path(copies)
            // Members start their timers at different offsets, as real routers do.
            var time = world.start + Int64(index) * 31_000_000 + Int64(group % 7) * 7_000_000
            while time < synthesizer.endTime {
                synthesizer.emit(time, .frame(frame), path: path)
                time += interval
            }
            // HSRP v1 routers also advertise their interface state from their own MAC (opcode 3),
            // the active too (protocols.md 3.3): where an observer learns the active's real MAC.
            if kind == .hsrp1 {
                let advertisement = advertise(router: router)
                var time = world.start + 5_000_000 + Int64(index) * 13_000_000
                while time < synthesizer.endTime {
                    synthesizer.emit(time, .frame(advertisement), path: path)
                    time += 10_000_000_000
                }
            }
        }
    }

    private func advertise(router: World.Router) -> [UInt8] {
        let message = HSRPMessage.advertisement(activeGroups: 1, passiveGroups: 0)
        return multicast(message, from: router, to: HSRPMessage.groupV1, port: HSRPMessage.port, ttl: 1, source: router.mac)
    }

    /// A frame from `router` to the IPv4 multicast `group` (to the group's MAC, RFC 1112) with
    /// `message` over UDP `port`, or without a port as IP protocol `ipProtocol`.
    private func multicast(_ message: [UInt8], from router: World.Router, to group: IPv4Address, port: UInt16? = nil,
                           ipProtocol: UInt8 = 17, ttl: UInt8, source: MACAddress) -> [UInt8] {
        let payload = port.map {
            TransportSegment.udp(source: .v4(router.ip), destination: .v4(group), sourcePort: $0, destinationPort: $0, payload: message)
        } ?? message
        let ip = IPPacket.ipv4(source: router.ip, destination: group, protocol: ipProtocol, ttl: ttl, tos: 0xC0, payload: payload)
        return EthernetFrame.frame(destination: MACAddress(rawValue: 0x0100_5E00_0000 | UInt64(group.rawValue & 0x7F_FFFF)), source: source,
                                   vlans: [vlan], etherType: 0x0800, payload: ip)
    }

    private func hello(member: Member, router: World.Router, active: Bool) -> [UInt8] {
        let vmac = virtualMAC()
        switch kind {
        case .hsrp1:
            guard case .v4(let vip) = virtualIP else { return [] }
            let message = HSRPMessage.version1(opcode: .hello, state: active ? .active : .standby, priority: UInt8(clamping: member.priority),
                                               group: UInt8(truncatingIfNeeded: group), virtualIP: vip)
            return multicast(message, from: router, to: HSRPMessage.groupV1, port: HSRPMessage.port, ttl: 1, source: active ? vmac : router.mac)
        case .hsrp2:
            let message = HSRPMessage.version2(opcode: .hello, state: active ? .active : .standby, group: UInt16(group),
                                               identifier: router.mac, priority: UInt32(member.priority), virtualIP: virtualIP)
            return multicast(message, from: router, to: HSRPMessage.groupV2, port: HSRPMessage.port, ttl: 1, source: active ? vmac : router.mac)
        case .hsrp6:
            let source = AnnouncementFrames.linkLocal(for: router.mac)
            let message = HSRPMessage.version2(opcode: .hello, state: active ? .active : .standby, group: UInt16(group),
                                               identifier: router.mac, priority: UInt32(member.priority), virtualIP: virtualIP)
            let udp = TransportSegment.udp(source: .v6(source), destination: .v6(HSRPMessage.groupV6), sourcePort: HSRPMessage.portV6,
                                           destinationPort: HSRPMessage.portV6, payload: message)
            let ip = IPPacket.ipv6(source: source, destination: HSRPMessage.groupV6, nextHeader: 17, hopLimit: 255, payload: udp)
            return EthernetFrame.frame(destination: MACAddress(rawValue: 0x3333_0000_0066), source: active ? vmac : router.mac,
                                       vlans: [vlan], etherType: 0x86DD, payload: ip)
        case .vrrp2:
            guard case .v4(let vip) = virtualIP else { return [] }
            let message = VRRPMessage.version2(vrid: UInt8(group), priority: UInt8(clamping: member.priority), addresses: [vip])
            return multicast(message, from: router, to: VRRPMessage.groupV4, ipProtocol: VRRPMessage.protocolNumber, ttl: 255, source: vmac)
        case .vrrp3:
            let message = VRRPMessage.version3(vrid: UInt8(group), priority: UInt8(clamping: member.priority), addresses: [virtualIP],
                                               source: .v4(router.ip))
            return multicast(message, from: router, to: VRRPMessage.groupV4, ipProtocol: VRRPMessage.protocolNumber, ttl: 255, source: vmac)
        case .glbp:
            guard case .v4(let vip) = virtualIP else { return [] }
            let forwarders = member.forwarders.map { number in
                GLBPMessage.Forwarder(number: UInt8(number), state: .active, priority: UInt8(clamping: member.priority),
                                      weight: 100, virtualMAC: virtualMAC(forwarder: number))
            }
            let state: GLBPMessage.GatewayState = switch member.role {
            case "active": .active
            case "standby": .standby
            default: .listen
            }
            let message = GLBPMessage.hello(group: UInt16(group), owner: router.mac, state: state, priority: UInt8(clamping: member.priority),
                                            virtualIP: vip, forwarders: forwarders)
            return multicast(message, from: router, to: GLBPMessage.group, port: GLBPMessage.port, ttl: 255, source: router.mac)
        }
    }
}

extension Synthesizer {
    func gatewayModels() throws -> [GatewayModel] {
        try world.scenario.gateways.map { try GatewayModel($0, world: world) }
    }

    func generateGateways() throws {
        for model in try gatewayModels() { model.generateHellos(into: self) }
    }
}
