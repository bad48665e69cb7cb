extension Synthesizer {
    /// The topology file (docs/topology.md) describing the scenario's network: sites, segments
    /// with their subnet and gateway, routers, hosts, and how each capture point of the written
    /// capture is matched (pcapng interface name, or ERSPAN session in the mirrored mode), with
    /// its role and site. Nil for single-interface pcap output, where capture points cannot be told apart.
    public func topologyDocument(format: String) -> String? {
        guard format != "pcap" else { return nil }
        let scenario = world.scenario
        func quoted(_ text: String) -> String { "\"\(text)\"" }
        var lines = ["# The network of scenario \(scenario.name), for hairpin analyze --topology."]
        lines.append("sites: [" + world.sites.map { "{id: \($0)}" }.joined(separator: ", ") + "]")
        lines.append("segments:")
        for segment in scenario.segments {
            lines.append("  - id: \(segment.name)")
            lines.append("    members: [" + world.sites.map { "{site: \($0), vlan: \(segment.vlan)}" }.joined(separator: ", ") + "]")
            if let subnet = segment.subnet { lines.append("    subnets: [\(subnet)]") }
            if let gateway = scenario.gateways.first(where: { $0.segment == segment.name }) {
                lines.append("    gateway: {protocol: \(gateway.protocolName), group: \(gateway.group), vip: \(gateway.virtualIP), "
                             + "isolation: \(gateway.isolation ? "per_site_same_group" : "none")}")
            }
        }
        lines.append("routers:")
        for router in world.routers {
            lines.append("  - {id: \(router.name), site: \(world.sites[router.site]), macs: [\(quoted(router.mac.description))], ips: [\(router.ip)]}")
        }
        lines.append("hosts:")
        for host in world.hosts {
            lines.append("  - {id: \(host.name), site: \(world.sites[host.site]), vmotion_ips: [" + host.vmkernel.map(\.description).joined(separator: ", ")
                         + "], macs: [\(quoted(host.mac.description))]}")
        }
        lines.append("capture_points:")
        for (index, point) in scenario.capturePoints.enumerated() {
            let match = scenario.captureMode == .erspan ? "{erspan: {session_id: \(index + 1)}}" : "{if_name: \(quoted(point.name))}"
            let (role, site): (String, Int?) = switch world.capturePoints[index] {
            case .endpoint(.host(let host)), .hostNIC(let host, _): ("server", world.hosts[host].site)
            case .endpoint(.router(let router)): ("uplink", world.routers[router].site)
            case .wan(let router): ("l3_uplink", world.routers[router].site)
            case .dci: ("dci", nil)
            }
            lines.append("  - {match: \(match), " + (site.map { "site: \(world.sites[$0]), " } ?? "") + "role: \(role)}")
        }
        if world.sites.count == 2, let dci = scenario.capturePoints.indices.first(where: { world.capturePoints[$0] == .dci }) {
            lines.append("dci:")
            lines.append("  - {between: [\(world.sites[0]), \(world.sites[1])], one_way_delay_ms: \(scenario.dciLatencyMilliseconds), "
                         + "capture_points: [\(quoted(scenario.capturePoints[dci].name))]}")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
