import HairpinCapture
import HairpinWire

extension Synthesizer {
    /// Where a VM runs at `time`, and whether it is stopped for the switch-over then.
    func location(of vm: Int, at time: Int64, plans: [MigrationPlan]) -> (host: Int, stunned: Bool)? {
        let scenario = world.scenario
        guard var host = try? world.host(scenario.vms[vm].host) else { return nil }
        var stunned = false
        for plan in plans where plan.vm == vm {
            if time >= plan.resume { host = plan.to } else if time >= plan.stunStart { stunned = true }
        }
        return (host, stunned)
    }

    /// The VMs' conversations with off-subnet peers: requests to the gateway's virtual MAC, routed
    /// out of the forwarding router's uplink; responses routed in by the scenario's return router.
    func generateFlows() throws {
        let scenario = world.scenario
        let plans = try migrationPlans()
        let models = try gatewayModels()
        for (flowIndex, flow) in scenario.flows.enumerated() {
            guard let vmIndex = scenario.vms.firstIndex(where: { $0.name == flow.vm }) else {
                throw World.ScenarioError(description: "flow of unknown VM \(flow.vm)")
            }
            guard let peer = scenario.peers.first(where: { $0.name == flow.peer }) else {
                throw World.ScenarioError(description: "flow to unknown peer \(flow.peer)")
            }
            let vm = scenario.vms[vmIndex]
            let vmMAC = try World.mac(vm.mac), vmIP = try World.ipv4(vm.ip), peerIP = try World.ipv4(peer.ip)
            // A peer on another segment: its host, MAC and VLAN.
            let local = try peer.host.map { host in
                (host: try world.host(host), mac: try World.mac(peer.mac ?? "02:00:00:00:00:01"), vlan: try world.vlan(peer.segment ?? vm.segment))
            }
            let vlan = try world.vlan(vm.segment)
            guard let model = models.first(where: { $0.vlan == vlan }) else {
                throw World.ScenarioError(description: "no gateway on the segment of VM \(vm.name)")
            }
            let gatewayMAC = model.virtualMAC(forwarder: vm.glbpForwarder ?? 1)
            let returnBefore = try world.router(flow.returnVia)
            let returnAfter = try flow.returnAfter.map(world.router) ?? returnBefore
            let move = plans.first { $0.vm == vmIndex }
            let sourcePort = 33_000 + UInt16(flowIndex)
            var time = world.start + 40_000_000 + Int64(flowIndex) * 3_000_000
            // The VM resolves its gateway once; the answer decides the virtual MAC it keeps using.
            if let host = location(of: vmIndex, at: time, plans: plans)?.host, case .v4(let vip) = model.virtualIP {
                let request = AnnouncementFrames.arpRequest(from: vmMAC, ip: vmIP, asking: vip, vlans: [vlan])
                emit(time - 20_000_000, frame: request, copies: world.flood(from: .host(host)))
                if let answering = model.forwarder(site: world.hosts[host].site, forwarderNumber: model.kind == .glbp ? nil : 1, world: world)
                    ?? model.members.first?.router {
                    let router = world.routers[answering]
                    let reply = AnnouncementFrames.arpReply(from: gatewayMAC, ip: vip, to: vmMAC, requesterIP: vmIP,
                                                            source: model.kind == .glbp ? router.mac : gatewayMAC, vlans: [vlan])
                    emit(time - 19_000_000, frame: reply, copies: world.unicast(from: .router(answering), to: .host(host)))
                }
            }
            var sequence: UInt32 = 7_000
            var peerSequence: UInt32 = 90_000
            var resolvedBy: Set<Int> = []
            let interval = 1e9 / (flow.requestsPerSecond ?? 10)
            let port = flow.port ?? 443
            let requestBytes = flow.requestBytes ?? 200
            let responseBytes = flow.responseBytes ?? 1200
            while time < endTime {
                defer { time += Int64(interval * (0.8 + 0.4 * random.unit())) }
                guard let (host, stunned) = location(of: vmIndex, at: time, plans: plans), !stunned else { continue }
                let afterMove = move.map { time >= $0.resume } ?? false
                let site = world.hosts[host].site
                guard let forwarder = model.forwarder(site: site, forwarderNumber: vm.glbpForwarder, world: world) else { continue }
                let router = world.routers[forwarder]
                // Request: VM -> gateway virtual MAC -> forwarder -> its uplink.
                let request = TransportSegment.tcp(source: .v4(vmIP), destination: .v4(peerIP), sourcePort: sourcePort,
                                                   destinationPort: port, sequence: sequence, acknowledgment: peerSequence,
                                                   flags: 0x18, window: 512, payload: [UInt8](repeating: 0x41, count: requestBytes))
                let lan = world.unicast(from: .host(host), to: .router(forwarder))
                emit(time, frame: EthernetFrame.frame(destination: gatewayMAC, source: vmMAC, vlans: [vlan], etherType: 0x0800,
                                                      payload: IPPacket.ipv4(source: vmIP, destination: peerIP, protocol: 6, ttl: 64, payload: request)),
                     copies: lan, account: .outbound(vm: vmIndex, afterMove: afterMove))
                let routedDelay = (lan.map(\.delay).max() ?? 0) + 50_000
                if let local {
                    // Routed into the peer's segment from the forwarder's own MAC.
                    emit(time + routedDelay, frame: EthernetFrame.frame(destination: local.mac, source: router.mac, vlans: [local.vlan], etherType: 0x0800,
                                                                         payload: IPPacket.ipv4(source: vmIP, destination: peerIP, protocol: 6, ttl: 63, payload: request)),
                         copies: world.unicast(from: .router(forwarder), to: .host(local.host)), account: .routed(vm: vmIndex, afterMove: afterMove))
                } else {
                    emit(time + routedDelay, frame: EthernetFrame.frame(destination: router.wanPeerMAC, source: router.wanMAC, etherType: 0x0800,
                                                                         payload: IPPacket.ipv4(source: vmIP, destination: peerIP, protocol: 6, ttl: 63, payload: request)),
                         copies: world.wan(forwarder, outbound: true, delay: 0))
                }
                sequence &+= UInt32(requestBytes)
                // Response: enters at the return router's uplink, routed onto the VM's segment.
                let responseTime = time + 2_000_000
                let returning = responseTime >= (move?.resume ?? Int64.max) ? returnAfter : returnBefore
                let inbound = world.routers[returning]
                let response = TransportSegment.tcp(source: .v4(peerIP), destination: .v4(vmIP), sourcePort: port,
                                                    destinationPort: sourcePort, sequence: peerSequence, acknowledgment: sequence,
                                                    flags: 0x18, window: 512, payload: [UInt8](repeating: 0x42, count: responseBytes))
                if let local {
                    // The peer sends its reply to the router (its gateway on that segment).
                    emit(responseTime, frame: EthernetFrame.frame(destination: inbound.mac, source: local.mac, vlans: [local.vlan], etherType: 0x0800,
                                                                   payload: IPPacket.ipv4(source: peerIP, destination: vmIP, protocol: 6, ttl: 60, payload: response)),
                         copies: world.unicast(from: .host(local.host), to: .router(returning)))
                } else {
                    emit(responseTime, frame: EthernetFrame.frame(destination: inbound.wanMAC, source: inbound.wanPeerMAC, etherType: 0x0800,
                                                                   payload: IPPacket.ipv4(source: peerIP, destination: vmIP, protocol: 6, ttl: 60, payload: response)),
                         copies: world.wan(returning, outbound: false, delay: 0))
                }
                guard let destinationHost = location(of: vmIndex, at: responseTime, plans: plans)?.host else { continue }
                // A router delivering to the VM for the first time resolves it first.
                if !resolvedBy.contains(returning) {
                    resolvedBy.insert(returning)
                    let request = AnnouncementFrames.arpRequest(from: inbound.mac, ip: inbound.ip, asking: vmIP, vlans: [vlan])
                    emit(responseTime + 10_000, frame: request, copies: world.flood(from: .router(returning)))
                    let reply = AnnouncementFrames.arpReply(from: vmMAC, ip: vmIP, to: inbound.mac, requesterIP: inbound.ip, vlans: [vlan])
                    emit(responseTime + 30_000, frame: reply, copies: world.unicast(from: .host(destinationHost), to: .router(returning)))
                }
                emit(responseTime + 50_000,
                     frame: EthernetFrame.frame(destination: vmMAC, source: inbound.mac, vlans: [vlan], etherType: 0x0800,
                                                payload: IPPacket.ipv4(source: peerIP, destination: vmIP, protocol: 6, ttl: 59, payload: response)),
                     copies: world.unicast(from: .router(returning), to: .host(destinationHost)),
                     account: .inbound(vm: vmIndex, afterMove: responseTime >= (move?.resume ?? Int64.max)))
                peerSequence &+= UInt32(responseBytes)
            }
        }
    }
}
