import HairpinWire

typealias Place = MobilityTracker.Place

/// What the path analysis needs that is the same for every moved VM: the tracker's tallies,
/// gateway and MAC state, the topology, and the capture's places and clocks.
struct PathContext {
    let tracker: PathTracker
    let gateways: GatewayTracker
    let mobility: MobilityTracker
    let topology: Topology?
    let settings: PathSettings
    let interfaces: [Report.Interface]
    /// Every place frames were captured at.
    let places: Set<Place>
    /// Places a migration crossed that neither of its hosts lives on (the DCI, without a topology).
    let transit: Set<Place>
    let clockOffsets: [Place: Int64]
    /// Gateway members' real and virtual MACs and the topology's routers.
    let routerMACs: Set<MACAddress>
    let end: Int64
    /// The FHRP group a virtual MAC belongs to.
    let group: (MACAddress) -> GatewayTracker.Group?

    func name(_ place: Place) -> String {
        var text = interfaces.first { $0.id == Int(place.interface) }?.name ?? "if\(place.interface)"
        if place.session >= 0 { text += " session \(place.session)" }
        if place.interfaceIndex >= 0 { text += " ifindex \(place.interfaceIndex)" }
        return text
    }

    func routerName(_ mac: MACAddress) -> String? {
        topology?.routers.first { $0.macs.contains(mac) }?.id
    }
}

/// The gateway a moved VM uses (R2) and who forwards for it (R3).
struct GatewayBinding {
    /// The MAC its off-subnet frames go to: a virtual MAC, or a static / anycast gateway's own.
    var mac: MACAddress?
    var isStatic = false
    var anycast = false
    var record: Report.Path.Gateway?
    var forwarderMAC: MACAddress?
    var forwarderIP: IPAddress?
    /// FHRP isolation: the forwarder is the active of the VM's own site.
    var isolated = false
}

/// One moved VM's path record, assembled from the tallies of its watch (R2-R10).
struct PathAssembly {
    /// What the analysis knows about one capture place for this VM.
    struct PlaceFacts {
        var dci = false
        var site: String?
    }

    let context: PathContext
    let move: Report.Move
    let watch: Int32
    let newPlace: Place
    let oldPlace: Place
    let vmSite: String?
    /// Sites and DCI points come from the topology (else from the captures).
    let byTopology: Bool
    let facts: [Place: PlaceFacts]
    /// A DCI capture point exists, so frames not crossing it prove something.
    let remoteCaptured: Bool
    let vmAddresses: [IPAddress]
    let subnets: [Subnet]
    let outboundTallies: [Int]
    let returnTallies: [Int]
    let routedTallies: [Int]
    private(set) var limitations: [String] = []
    /// The gateway the topology gives the VM's segment.
    let segmentGateway: Topology.Segment.Gateway?
    /// The confidence of a verdict the frames decide.
    var seen: String { byTopology ? "proven" : "strong" }
    private var tracker: PathTracker { context.tracker }
    private var settings: PathSettings { context.settings }

    init(context: PathContext, move: Report.Move, watch: Int32) {
        self.context = context
        self.move = move
        self.watch = watch
        newPlace = Place(move.to)
        oldPlace = Place(move.from)
        vmSite = move.to.site
        let topology = context.topology
        byTopology = topology != nil && vmSite != nil
        // Which places are on the far side: by the topology's roles and sites, or else the
        // places the migration crossed that no MAC lives on (the link between the two hosts).
        var facts: [Place: PlaceFacts] = [:]
        for place in context.places {
            var fact = PlaceFacts()
            if byTopology, let point = topology?.capturePoint(of: place.reported(), interfaces: context.interfaces) {
                fact.dci = point.role == .dci
                fact.site = point.site
            } else if !byTopology {
                fact.dci = context.transit.contains(place)
            }
            facts[place] = fact
        }
        self.facts = facts
        remoteCaptured = facts.values.contains { $0.dci }
        if topology == nil {
            limitations.append(context.transit.isEmpty
                ? "no topology and no capture point between the hosts: outbound and return cannot be placed"
                : "no topology: the DCI is taken to be the capture points the migration crossed that no MAC lives on")
        } else if vmSite == nil {
            limitations.append("the VM's new place matches no capture point of the topology")
        }
        if !remoteCaptured { limitations.append("no DCI capture" + (topology == nil ? "" : ": verdicts rest on gateway state and the topology")) }
        if let interface = context.interfaces.first(where: { $0.id == move.to.interface }), interface.linkType == 113 || interface.linkType == 276 {
            limitations.append("cooked capture at the VM's place: no destination MACs, so the gateway binding cannot be seen")
        }
        if context.tracker.untallied > 0 {
            limitations.append("\(context.tracker.untallied) frames or departures were not followed: the path tables were full")
        }
        let keyed = context.tracker.keys.indices.filter { context.tracker.keys[$0].watch == watch }
        outboundTallies = keyed.filter { context.tracker.keys[$0].leg == .outbound }
        returnTallies = keyed.filter { context.tracker.keys[$0].leg == .inbound }
        routedTallies = keyed.filter { context.tracker.keys[$0].leg == .routed }
        // The VM's subnet: the topology's, or else the /24 or /64 around its address.
        let addresses = move.ips.compactMap(IPAddress.init)
        vmAddresses = addresses
        // The topology's segments the VM is on, by their subnets.
        let segments = topology?.segments.filter { segment in segment.subnets.contains { subnet in addresses.contains { subnet.contains($0) } } } ?? []
        segmentGateway = segments.first?.gateway
        var subnets = segments.flatMap(\.subnets).filter { subnet in addresses.contains { subnet.contains($0) } }
        if subnets.isEmpty {
            subnets = addresses.compactMap { address in
                switch address {
                case .v4(let v4): Subnet("\(IPv4Address(rawValue: v4.rawValue & 0xFFFF_FF00))/24")
                case .v6(let v6): Subnet("\(IPv6Address(high: v6.high, low: 0))/64")
                }
            }
            if !addresses.isEmpty { limitations.append("the VM's subnet is taken to be " + subnets.map(\.description).joined(separator: ", ")) }
        }
        self.subnets = subnets
    }

    // MARK: The record

    mutating func record(moveIndex: Int?, migration: Report.Migration?) -> Report.Path {
        let binding = gatewayBinding()
        var outbound = outboundVerdict(binding)
        var (inbound, routers) = returnVerdict(binding)
        outbound.endedBy = endOfHairpin(outbound, binding)
        if let last = inbound.endNs { inbound.endedBy = context.end - last <= settings.endSlack ? "capture_end" : "traffic_stopped" }
        // R6: asymmetry, when both directions have a forwarder; per flow at the VM's place.
        let returnMAC = routers.first
        let asymmetric = binding.forwarderMAC != nil && returnMAC != nil && returnMAC != binding.forwarderMAC
        // A mirror of one direction (rx or tx only) shows the VM's place half of each flow.
        let seenOut = outboundTallies.contains { tracker.keys[$0].place == newPlace }
        let seenIn = returnTallies.contains { tracker.keys[$0].place == newPlace }
        if seenOut != seenIn {
            limitations.append("the VM's place shows only its \(seenOut ? "outbound" : "incoming") frames (a one-direction mirror?): "
                               + "the other direction is judged from other capture points, asymmetry is one-sided")
        }
        let flows = routedFlows()
        let forwarderSite = binding.forwarderMAC.flatMap(routerSite)
        let returnSite = returnMAC.flatMap(routerSite)
        // R8: frames to the VM still reaching its old place after the grace period.
        let flood = oldPlace == newPlace ? []
            : returnTallies.filter { tracker.keys[$0].place == oldPlace && tracker.tallies[$0].lateFrames > 0 }
        func host(_ ip: String?, _ mac: String?) -> String? {
            context.topology?.hosts.first { host in
                ip.flatMap(IPAddress.init).map(host.vmotionIPs.contains) == true || mac.flatMap(MACAddress.init).map(host.macs.contains) == true
            }?.id
        }
        return Report.Path(
            vmMAC: move.mac, vmIPs: move.ips, move: moveIndex, timeNs: move.timeNs, place: move.to, fromSite: move.from.site, toSite: vmSite,
            fromHost: host(migration?.sourceIP, migration?.sourceMAC), toHost: host(migration?.destinationIP, migration?.destinationMAC),
            migration: move.migration, gateway: binding.record, outbound: outbound, inbound: inbound, asymmetric: asymmetric,
            crossSite: asymmetric ? forwarderSite.flatMap { a in returnSite.map { a != $0 } } : nil,
            flows: Array(flows.prefix(settings.maximumFlows)), flowCount: flows.count, asymmetricFlows: flows.filter(\.asymmetric).count,
            trombone: trombone(after: outbound), floodBytes: flood.reduce(0) { $0 + tracker.tallies[$1].lateBytes },
            floodEvidence: evidence(flood, what: "frames to the VM at its old place after the move").first,
            placesFrom: byTopology ? "topology" : "captures", limitations: limitations)
    }

    // MARK: R2, R3: the gateway and its forwarder

    func gatewayBinding() -> GatewayBinding {
        var binding = GatewayBinding()
        // The virtual MAC most of its frames go to after the move.
        var virtualCounts: [MACAddress: Int] = [:]
        for index in outboundTallies where VirtualMAC.kind(of: tracker.keys[index].counterpart) != nil {
            virtualCounts[tracker.keys[index].counterpart, default: 0] += tracker.tallies[index].frames
        }
        // None: a real MAC its off-subnet frames go to is a static or anycast gateway (S3).
        var staticGateway: MACAddress?
        if virtualCounts.isEmpty {
            var realCounts: [MACAddress: Int] = [:]
            for index in outboundTallies {
                guard let remote = tracker.tallies[index].remoteIP, !subnets.contains(where: { $0.contains(remote) }) else { continue }
                realCounts[tracker.keys[index].counterpart, default: 0] += tracker.tallies[index].frames
            }
            staticGateway = Self.mostFrames(realCounts)
        }
        binding.mac = Self.mostFrames(virtualCounts)
            ?? staticGateway ?? MACAddress(move.mac).flatMap { context.mobility.location(of: $0)?.gatewayMAC }
        if let staticGateway {
            binding.isStatic = true
            binding.anycast = segmentGateway?.protocol == "anycast"
            binding.forwarderMAC = staticGateway
            binding.forwarderIP = context.topology?.routers.first { $0.macs.contains(staticGateway) }?.ips.first ?? segmentGateway?.virtualIP
            binding.record = .init(protocol: binding.anycast ? "anycast" : "static", group: 0, virtualMAC: staticGateway.description,
                                   virtualIP: segmentGateway?.virtualIP?.description, isolated: false)
        } else if let mac = binding.mac {
            var member = context.gateways.forwarder(of: mac, at: move.timeNs, seenFrom: move.to.interface)
            if let group = context.group(mac) {
                if member == nil, let virtualIP = group.virtualIPs.first,
                   let active = context.gateways.forwarder(ofVirtualIP: virtualIP, at: move.timeNs) {
                    member = (active, false)
                }
                binding.record = .init(protocol: group.key.kind.name, group: Int(group.key.group), virtualMAC: mac.description,
                                       virtualIP: group.virtualIPs.first?.description, isolated: member?.isolated ?? false)
            } else {
                binding.record = .init(protocol: VirtualMAC.kind(of: mac).map { "\($0)" } ?? "unknown", group: 0,
                                       virtualMAC: mac.description, virtualIP: nil, isolated: false)
            }
            binding.forwarderMAC = member?.member.mac
            binding.forwarderIP = member?.member.ip
            binding.isolated = member?.isolated ?? false
        }
        return binding
    }

    private static func mostFrames(_ counts: [MACAddress: Int]) -> MACAddress? {
        counts.max { ($0.value, $1.key.rawValue) < ($1.value, $0.key.rawValue) }?.key
    }

    // MARK: R4: outbound

    func outboundVerdict(_ binding: GatewayBinding) -> Report.Path.Direction {
        var outbound = Self.undecided()
        guard let mac = binding.mac else {
            outbound.reason = "no frame from the VM to a first-hop virtual MAC"
            return outbound
        }
        let toGateway = outboundTallies.filter { tracker.keys[$0].counterpart == mac }
        let forwarderSite = binding.forwarderMAC.flatMap(routerSite)
        if binding.forwarderMAC != nil || binding.forwarderIP != nil {
            outbound.forwarders = [.init(mac: binding.forwarderMAC?.description ?? "", ip: binding.forwarderIP?.description,
                                         name: binding.forwarderMAC.flatMap(context.routerName), site: forwarderSite,
                                         frames: toGateway.reduce(0) { $0 + tracker.tallies[$1].frames },
                                         bytes: toGateway.reduce(0) { $0 + tracker.tallies[$1].bytes })]
        }
        let glbp = binding.record?.protocol == "glbp"
        let localReason = binding.anycast ? "anycast gateway: the gateway at its own site routes"
            : vpcPair(binding) ? "vPC pair at its site: both peers route frames to the virtual MAC"
            : binding.isolated ? "FHRP isolation: the active at its own site forwards"
            : glbp ? "its GLBP forwarder is at its own site" : "its frames to the gateway stay at its site"
        if judge(&outbound, toGateway,
                 hairpin: (glbp ? "its GLBP forwarder is at the other site" : "its frames to the gateway cross the DCI",
                           "frames from the VM to \(mac) beyond its site"),
                 local: (localReason, "frames from the VM to \(mac), none beyond its site")) {
            return outbound
        }
        if binding.anycast {
            outbound.verdict = "local"
            outbound.confidence = "inferred"
            outbound.reason = localReason
        } else if byTopology, let forwarderSite {
            outbound.verdict = forwarderSite == vmSite ? "local" : "hairpin"
            outbound.confidence = "inferred"
            outbound.reason = vpcPair(binding) ? localReason : "the forwarder of \(mac) is at site \(forwarderSite)"
            outbound.evidence = evidence(toGateway, what: "frames from the VM to \(mac)")
        } else {
            outbound.reason = "no capture shows where its frames to the gateway go"
        }
        return outbound
    }

    /// Whether the forwarder and another member of its group are the two switches of one vPC
    /// domain at the VM's site (the topology's switch of the same id as the router), so either
    /// routes its frames (S3). A vPC pair at the other site does not keep its traffic local.
    func vpcPair(_ binding: GatewayBinding) -> Bool {
        guard let topology = context.topology, let mac = binding.mac, let group = context.group(mac),
              let forwarder = binding.forwarderMAC, routerSite(forwarder) == vmSite, vmSite != nil else { return false }
        func domain(_ member: MACAddress) -> Int? {
            guard let router = topology.routers.first(where: { $0.macs.contains(member) }) else { return nil }
            return topology.switches.first { $0.id == router.id }?.vpcDomain
        }
        guard let own = domain(forwarder) else { return false }
        return group.members.contains { member in member.mac.map { $0 != forwarder && domain($0) == own } == true }
    }

    /// How the outbound hairpin ended: with the capture, a gateway change, the VM re-binding
    /// to another gateway MAC, or its traffic stopping.
    func endOfHairpin(_ outbound: Report.Path.Direction, _ binding: GatewayBinding) -> String? {
        guard let last = outbound.endNs else { return nil }
        if context.end - last <= settings.endSlack { return "capture_end" }
        if let forwarder = binding.forwarderMAC, let mac = binding.mac, !binding.isStatic,
           context.gateways.forwarder(of: mac, at: context.end)?.mac != forwarder {
            return "gateway_change"
        }
        let rebound = outboundTallies.contains {
            let key = tracker.keys[$0]
            return key.counterpart != binding.mac && VirtualMAC.kind(of: key.counterpart) != nil && tracker.tallies[$0].lastTime > last
        }
        return rebound ? "rebind" : "traffic_stopped"
    }

    // MARK: R5: return

    /// The return verdict and the routers delivering off-subnet frames to the VM, most frames first.
    func returnVerdict(_ binding: GatewayBinding) -> (Report.Path.Direction, routers: [MACAddress]) {
        var inbound = Self.undecided()
        // A router: a known gateway member, or a MAC relaying frames from several sources or
        // from off the VM's subnet.
        let relays = Set(returnTallies.filter { index in
            let tally = tracker.tallies[index]
            return tally.remoteVaried || tally.remoteIP.map { address in !subnets.contains { $0.contains(address) } } == true
        }.map { tracker.keys[$0].counterpart })
        let routed = returnTallies.filter {
            let counterpart = tracker.keys[$0].counterpart
            return context.routerMACs.contains(counterpart) || relays.contains(counterpart) || (binding.isStatic && counterpart == binding.mac)
        }
        var perRouter: [MACAddress: (frames: Int, bytes: Int)] = [:]
        for index in routed {
            let entry = perRouter[tracker.keys[index].counterpart] ?? (0, 0)
            perRouter[tracker.keys[index].counterpart] = (entry.frames + tracker.tallies[index].frames, entry.bytes + tracker.tallies[index].bytes)
        }
        let routers = perRouter.keys.sorted { (perRouter[$0]!.frames, $1.rawValue) > (perRouter[$1]!.frames, $0.rawValue) }
        inbound.forwarders = routers.map { router in
            .init(mac: router.description,
                  ip: (context.gateways.groups.lazy.flatMap(\.members).first { $0.mac == router }?.ip
                       ?? context.topology?.routers.first { $0.macs.contains(router) }?.ips.first)?.description,
                  name: context.routerName(router), site: routerSite(router), frames: perRouter[router]!.frames, bytes: perRouter[router]!.bytes)
        }
        if judge(&inbound, routed, hairpin: ("routed frames to the VM cross the DCI", "frames from a router to the VM beyond its site"),
                 local: ("routed frames reach the VM from its own site", "frames from a router to the VM, none beyond its site")) {
            return (inbound, routers)
        }
        if byTopology, let first = routers.first, let site = routerSite(first) {
            inbound.verdict = site == vmSite ? "local" : "hairpin"
            inbound.confidence = "inferred"
            inbound.reason = "the router delivering it is at site \(site)"
            inbound.evidence = evidence(routed, what: "frames from a router to the VM")
        } else {
            inbound.reason = routers.isEmpty ? "no routed frame to the VM after the move" : "no capture shows where routed frames to it come from"
        }
        return (inbound, routers)
    }

    // MARK: R6 per flow, R7

    /// Its conversations with off-subnet peers at its new place, most bytes first.
    func routedFlows() -> [Report.Path.Flow] {
        var flows: [Report.Path.Flow] = []
        for index in tracker.flowKeys.indices where tracker.flowKeys[index].watch == watch {
            let key = tracker.flowKeys[index], tally = tracker.flows[index]
            guard !subnets.contains(where: { $0.contains(key.remoteIP) }) else { continue }
            // The forwarder of the gateway MAC it used; a real MAC is a static gateway itself.
            let forwarder = tally.gatewayMAC.flatMap { gatewayMAC in
                VirtualMAC.kind(of: gatewayMAC) == nil ? gatewayMAC
                    : context.gateways.forwarder(of: gatewayMAC, at: move.timeNs, seenFrom: move.to.interface)?.member.mac
            }
            flows.append(.init(remoteIP: key.remoteIP.description, ipProtocol: Int(key.ipProtocol), vmPort: Int(key.localPort),
                               remotePort: Int(key.remotePort), outboundBytes: tally.outboundBytes, returnBytes: tally.returnBytes,
                               gatewayMAC: tally.gatewayMAC?.description, forwarderMAC: forwarder?.description,
                               returnMAC: tally.returnMAC?.description,
                               asymmetric: forwarder != nil && tally.returnMAC != nil && forwarder != tally.returnMAC))
        }
        return flows.sorted { ($0.outboundBytes + $0.returnBytes, $1.remoteIP, $1.vmPort) > ($1.outboundBytes + $1.returnBytes, $0.remoteIP, $0.vmPort) }
    }

    /// Routed copies of its packets crossing the DCI after its frames crossed to the gateway.
    func trombone(after outbound: Report.Path.Direction) -> Report.Path.Trombone? {
        let across = routedTallies.filter { facts[tracker.keys[$0].place]?.dci == true }
        guard outbound.verdict == "hairpin", !across.isEmpty else { return nil }
        let crossings = dciUse(across)
        let routers: [MACAddress] = Set(across.map { tracker.keys[$0].counterpart }).sorted { $0.rawValue < $1.rawValue }
        let destinations: [IPAddress] = Set(across.compactMap { tracker.tallies[$0].remoteIP }).sorted()
        return .init(frames: crossings.map(\.frames).max() ?? 0, bytes: crossings.map(\.bytes).max() ?? 0,
                     routers: routers.map(\.description), destinations: destinations.map(\.description),
                     evidence: evidence(across, what: "its packets routed on, TTL one lower, crossing the DCI again"))
    }

    // MARK: Judging frames

    private static func undecided() -> Report.Path.Direction {
        .init(forwarders: [], verdict: "unknown", confidence: "unknown", reason: "", bytes: 0, startNs: nil, endNs: nil, endedBy: nil,
              evidence: [], dci: [])
    }

    func isRemote(_ place: Place) -> Bool {
        guard let fact = facts[place] else { return false }
        return fact.dci || (byTopology && fact.site != nil && fact.site != vmSite)
    }

    /// A router's site: the topology's router entry, or the site of the place it lives on.
    func routerSite(_ mac: MACAddress) -> String? {
        if let router = context.topology?.routers.first(where: { $0.macs.contains(mac) }) { return router.site }
        guard byTopology, let home = context.mobility.location(of: mac)?.place else { return nil }
        return facts[home]?.site ?? context.topology?.capturePoint(of: home.reported(), interfaces: context.interfaces)?.site
    }

    /// Up to four tallies as evidence, DCI sightings first: they are the proof a reader looks for.
    func evidence(_ indices: [Int], what: String) -> [Report.Path.Evidence] {
        indices.sorted { a, b in
            let (dciA, dciB) = (facts[tracker.keys[a].place]?.dci == true, facts[tracker.keys[b].place]?.dci == true)
            return dciA != dciB ? dciA : tracker.tallies[a].firstFrame < tracker.tallies[b].firstFrame
        }.prefix(4).map { index in
            let tally = tracker.tallies[index], place = tracker.keys[index].place
            return Report.Path.Evidence(
                what: what, file: context.interfaces.first { $0.id == Int(place.interface) }?.file ?? "",
                interface: Int(place.interface), session: place.session >= 0 ? Int(place.session) : nil, place: context.name(place),
                firstFrame: tally.firstFrame, firstNs: tally.firstTime, lastFrame: tally.lastFrame, lastNs: tally.lastTime,
                frames: tally.frames, clockOffsetNs: context.clockOffsets[place])
        }
    }

    /// The tallies' frames, bytes and bytes per second on each DCI capture point.
    func dciUse(_ indices: [Int]) -> [Report.Path.DCIUse] {
        var byPlace: [Place: (frames: Int, bytes: Int, series: [Int])] = [:]
        for index in indices where facts[tracker.keys[index].place]?.dci == true {
            let tally = tracker.tallies[index]
            var entry = byPlace[tracker.keys[index].place] ?? (0, 0, [])
            entry.frames += tally.frames
            entry.bytes += tally.bytes
            for (second, bytes) in tally.perSecond.settled.enumerated() { entry.series.add(bytes, at: second) }
            byPlace[tracker.keys[index].place] = entry
        }
        return byPlace.keys.sorted().map { place in
            let entry = byPlace[place]!
            return .init(interface: Int(place.interface), session: place.session >= 0 ? Int(place.session) : nil,
                         place: context.name(place), frames: entry.frames, bytes: entry.bytes, bytesPerSecond: entry.series)
        }
    }

    /// Enough frames past the grace period to prove a verdict.
    func proves(_ indices: [Int]) -> Bool {
        let frames = indices.reduce(0) { $0 + tracker.tallies[$1].lateFrames }
        let bytes = indices.reduce(0) { $0 + tracker.tallies[$1].lateBytes }
        return frames >= settings.proofFrames || bytes >= settings.proofBytes
    }

    /// The data-plane verdict of one direction from its frames (R4, R5): a hairpin when enough
    /// were seen beyond the VM's site past the grace period (frames in flight at the move are
    /// no proof), or, when the capture ends too soon for that, when most of what the VM's own
    /// place saw also crossed; local when the DCI is captured, enough were seen at the VM's
    /// place and next to none beyond its site. False when the frames decide nothing.
    func judge(_ direction: inout Report.Path.Direction, _ frames: [Int], hairpin: (reason: String, what: String),
               local: (reason: String, what: String)) -> Bool {
        let remote = frames.filter { isRemote(tracker.keys[$0].place) }
        direction.dci = dciUse(frames)
        direction.bytes = direction.dci.map(\.bytes).max() ?? 0
        let own = frames.filter { tracker.keys[$0].place == newPlace }.reduce(0) { $0 + tracker.tallies[$1].frames }
        var remoteByPlace: [Place: Int] = [:]
        for index in remote { remoteByPlace[tracker.keys[index].place, default: 0] += tracker.tallies[index].frames }
        let crossing = remoteByPlace.values.max() ?? 0
        let shortCapture = context.end - move.timeNs < 2 * settings.grace
        if proves(remote) || (shortCapture && crossing >= settings.minimumShortProof && 2 * crossing >= own) {
            direction.verdict = "hairpin"
            direction.confidence = seen
            direction.reason = hairpin.reason + (proves(remote) ? "" : " (the capture ends within the grace period after the move)")
            direction.evidence = evidence(remote, what: hairpin.what)
            // In the reference clock: each capture point's time less its offset.
            func corrected(_ time: Int64, _ index: Int) -> Int64 { time - (context.clockOffsets[tracker.keys[index].place] ?? 0) }
            direction.startNs = remote.map { corrected(tracker.tallies[$0].firstTime, $0) }.min()
            direction.endNs = remote.map { corrected(tracker.tallies[$0].lastTime, $0) }.max()
            return true
        }
        if crossing > 0 && 10 * crossing >= own {
            direction.reason = "some of its frames crossed the DCI, too few to prove a hairpin"
            direction.evidence = evidence(remote, what: hairpin.what)
            return true
        }
        guard remoteCaptured && (own >= settings.proofFrames || (shortCapture && own >= settings.minimumShortProof)) else { return false }
        direction.verdict = "local"
        direction.confidence = seen
        direction.reason = local.reason
        direction.evidence = evidence(frames.filter { tracker.keys[$0].place == newPlace }, what: local.what)
        return true
    }
}
