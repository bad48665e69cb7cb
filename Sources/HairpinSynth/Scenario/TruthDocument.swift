import HairpinCapture
import HairpinReport
import HairpinWire

extension Synthesizer {
    /// The truth as JSON (schema `hairpin.truth/1`), keys as in the analysis report.
    public func truthDocument(_ truth: Truth) throws -> JSONValue {
        let scenario = world.scenario
        let models = try gatewayModels()
        func mac(_ value: MACAddress) -> JSONValue { .string(value.description) }
        func site(ofHost host: Int) -> String { world.sites[world.hosts[host].site] }

        let migrations: [JSONValue] = truth.migrations.map { entry in
            let plan = entry.plan
            let vm = scenario.vms[plan.vm]
            let firstAnnouncement = truth.announcements.filter { $0.migration == plan.index }.map(\.time).min()
            let seconds = Double(plan.stunStart - plan.start) / 1e9
            return .object([
                ("id", .int(plan.index)),
                ("kind", .string(plan.kind)),
                ("source_ip", .string(world.hosts[plan.from].vmkernel[0].description)),
                ("destination_ip", .string(world.hosts[plan.to].vmkernel[0].description)),
                ("source_host", .string(world.hosts[plan.from].name)),
                ("destination_host", .string(world.hosts[plan.to].name)),
                ("streams", .int(plan.streams)),
                ("port", .int(Int(plan.port))),
                ("start_ns", .int(plan.start)),
                ("end_ns", .int(plan.close)),
                ("bytes", .int(entry.bytes)),
                ("memory_bytes", .int(plan.memoryBytes)),
                ("precopy_passes", .int(plan.passes.count - 1)),
                ("mean_bps", .double((Double(entry.bytes) * 8 / max(seconds, 1e-9)).rounded())),
                ("interfaces", .array(entry.interfaces.sorted().map { .int($0) })),
                ("vm_macs", .array([.string(vm.mac.lowercased())])),
                ("switchover_ns", .optional(firstAnnouncement) { .int($0) }),
            ])
        }

        let announcements: [JSONValue] = truth.announcements.sorted { ($0.time, $0.kind) < ($1.time, $1.kind) }.map { entry in
            .object([
                ("time_ns", .int(entry.time)),
                ("kind", .string(entry.kind)),
                ("mac", mac(entry.mac)),
                ("ip", .optional(entry.ip) { .string($0) }),
                ("vlan", .int(Int(entry.vlan))),
                ("interface", .optional(entry.interface) { .int($0) }),
                ("frames", .int(entry.frames)),
                ("spacing_ns", .array(entry.spacing.map { .int($0) })),
                ("migration", .int(entry.migration)),
            ])
        }

        let moves: [JSONValue] = truth.migrations.map { entry in
            let plan = entry.plan
            let vm = scenario.vms[plan.vm]
            let vlan = (try? world.vlan(vm.segment)).map { Int($0) }
            let time = truth.announcements.filter { $0.migration == plan.index }.map(\.time).min() ?? plan.resume
            return .object([
                ("mac", .string(vm.mac.lowercased())),
                ("ips", .array(([vm.ip] + (vm.ipv6.map { [$0] } ?? [])).map { .string($0) })),
                ("time_ns", .int(time)),
                ("from", .object([("interface", .optional(world.hostPoint(plan.from)) { .int($0) }), ("vlan", .optional(vlan) { .int($0) }),
                                  ("site", .string(site(ofHost: plan.from)))])),
                ("to", .object([("interface", .optional(world.hostPoint(plan.to)) { .int($0) }), ("vlan", .optional(vlan) { .int($0) }),
                                ("site", .string(site(ofHost: plan.to)))])),
                ("migration", .int(plan.index)),
                ("flip_flops", .int(scenario.migrations[plan.index].flipFlops ?? 0)),
            ])
        }

        let gateways: [JSONValue] = models.map { model in
            let protocolName: String = switch model.kind {
            case .hsrp1: "hsrp1"
            case .hsrp2: "hsrp2"
            case .hsrp6: "hsrp6"
            case .vrrp2: "vrrp2"
            case .vrrp3: "vrrp3"
            case .glbp: "glbp"
            }
            let actives = model.members.filter(model.isActiveRole).map { world.routers[$0.router] }
            return .object([
                ("protocol", .string(protocolName)),
                ("group", .int(model.group)),
                ("vlan", .int(Int(model.vlan))),
                ("virtual_ips", .array([.string(model.virtualIP.description)])),
                ("virtual_macs", .array(model.allVirtualMACs.map(mac))),
                ("isolation", .bool(model.isolation)),
                ("members", .array(model.members.map { member in
                    let router = world.routers[member.router]
                    return .object([("mac", mac(router.mac)), ("ip", .string(router.ip.description)),
                                    ("priority", .int(member.priority)), ("state", .string(member.role)),
                                    ("site", .string(world.sites[router.site])),
                                    ("interfaces", .array(world.capturePoints.indices.filter {
                                        world.capturePoints[$0] == .endpoint(.router(member.router))
                                    }.map { .int($0) }))])
                })),
                ("active", actives.first.map { .object([("mac", mac($0.mac)), ("ip", .string($0.ip.description))]) } ?? .null),
                ("actives", .array(actives.map { .object([("mac", mac($0.mac)), ("ip", .string($0.ip.description)),
                                                          ("site", .string(world.sites[$0.site]))]) })),
                ("forwarders", .array(model.kind != .glbp ? [] : model.members.flatMap { member in
                    member.forwarders.map { number in
                        .object([("number", .int(number)), ("virtual_mac", mac(model.virtualMAC(forwarder: number))),
                                 ("owner_mac", mac(world.routers[member.router].mac)), ("state", .string("active"))])
                    }
                })),
                ("transitions", .array([])),
            ])
        }

        let hasDCIPoint = world.capturePoints.contains(.dci)
        var paths: [JSONValue] = []
        for entry in truth.migrations {
            let plan = entry.plan
            let vm = scenario.vms[plan.vm]
            let vlan = try world.vlan(vm.segment)
            guard let model = models.first(where: { $0.vlan == vlan }) else { continue }
            let newSite = world.hosts[plan.to].site
            guard let forwarder = model.forwarder(site: newSite, forwarderNumber: vm.glbpForwarder, world: world) else { continue }
            let flow = scenario.flows.first { $0.vm == vm.name }
            let returning = try flow.map { try world.router($0.returnAfter ?? $0.returnVia) }
            let outboundHairpin = world.routers[forwarder].site != newSite
            let returnHairpin = returning.map { world.routers[$0].site != newSite } ?? false
            let confidence = hasDCIPoint ? "proven" : "inferred"
            paths.append(.object([
                ("vm_mac", .string(vm.mac.lowercased())),
                ("vm_ips", .array([.string(vm.ip)])),
                ("move", .int(plan.index)),
                ("gateway", .object([("protocol", .string(model.kind.rawValue)), ("group", .int(model.group)),
                                     ("virtual_mac", mac(model.virtualMAC(forwarder: vm.glbpForwarder ?? 1)))])),
                ("outbound", .object([
                    ("forwarder_mac", mac(world.routers[forwarder].mac)),
                    ("forwarder_site", .string(world.sites[world.routers[forwarder].site])),
                    ("verdict", .string(outboundHairpin ? "hairpin" : "local")),
                    ("confidence", .string(confidence)),
                    ("bytes", .int(truth.outboundDCIBytes[plan.vm] ?? 0)),
                ])),
                ("return", .object([
                    ("forwarder_macs", .array(returning.map { [mac(world.routers[$0].mac)] } ?? [])),
                    ("verdict", .string(returning == nil ? "unknown" : returnHairpin ? "hairpin" : "local")),
                    ("bytes", .int(truth.inboundDCIBytes[plan.vm] ?? 0)),
                ])),
                ("asymmetric", .bool(returning.map { $0 != forwarder } ?? false)),
                ("trombone", truth.tromboneFrames[plan.vm].map { frames in
                    .object([("frames", .int(frames)), ("bytes", .int(truth.tromboneBytes[plan.vm] ?? 0))])
                } ?? .null),
            ]))
        }

        return .object([
            ("schema", .string("hairpin.truth/1")),
            ("scenario", .string(scenario.name)),
            ("scale", .double(options.scale)),
            ("seed", .uint(options.seed ?? scenario.seed)),
            ("capture_points", .array(scenario.capturePoints.enumerated().map { index, point in
                .object([("interface", .int(index)), ("name", .string(point.name)), ("link", .string(point.link)),
                         ("frames", .int(index < framesWritten.count ? framesWritten[index] : 0)),
                         ("bytes", .int(index < bytesWritten.count ? bytesWritten[index] : 0))])
            })),
            ("migrations", .array(migrations)),
            ("announcements", .array(announcements)),
            ("moves", .array(moves)),
            ("gateways", .array(gateways)),
            ("paths", .array(paths)),
        ])
    }
}
