import HairpinWire

/// Thresholds of the path verdicts (protocols.md 8.9; starting values, not sourced numbers).
public struct PathSettings: Sendable {
    /// Frames still in flight at the move are no evidence: proof counts frames this long after it.
    public var grace: Int64 = 2_000_000_000
    /// Frames, or bytes, at a remote place after the grace period that prove a verdict (R4).
    public var proofFrames = 10
    public var proofBytes = 65_536
    /// A capture ending within twice the grace period after the move: a hairpin is proven by
    /// this many frames crossing when they are most of what the VM's place saw.
    public var minimumShortProof = 3
    /// Flows listed per moved VM (all are counted).
    public var maximumFlows = 20
    /// A hairpin still running this close to the end of the capture lasted until the end.
    public var endSlack: Int64 = 1_000_000_000

    public init() {}
}

extension Report {
    /// The paths of one moved VM after its move (protocols.md 8.12): gateway, outbound and
    /// return verdicts with their evidence, and what the hairpin cost on the DCI.
    public struct Path: Codable, Sendable, Equatable {
        public var vmMAC: String
        public var vmIPs: [String]
        /// Index of the move in `moves`.
        public var move: Int
        public var timeNs: Int64
        public var fromSite: String?
        public var toSite: String?
        /// The hypervisors it moved between, by the topology's host names (from the migration's addresses).
        public var fromHost: String?
        public var toHost: String?
        public var migration: Int?
        public var gateway: Gateway?
        public var outbound: Direction
        public var inbound: Direction
        public var asymmetric: Bool
        /// Outbound and return forwarders at different sites.
        public var crossSite: Bool?
        /// Frames to the VM seen at its old place after the grace period: stale CAM entries flooding (R8).
        /// Its routed conversations as its new place saw them (most bytes first, at most
        /// `maximumFlows`), how many there were and how many were asymmetric (R6, per flow).
        public var flows: [Flow]
        public var flowCount: Int
        public var asymmetricFlows: Int
        /// Its packets routed back across the DCI into another segment after crossing it to the
        /// gateway (R7), when the captures show them.
        public var trombone: Trombone?
        public var floodBytes: Int
        public var floodEvidence: Evidence?
        /// `topology` when sites and DCI points come from the topology file; `captures` when
        /// the DCI was recognised as the capture points the migration crossed that no MAC lives on.
        public var placesFrom: String
        public var limitations: [String]

        public struct Gateway: Codable, Sendable, Equatable {
            public var `protocol`: String
            public var group: Int
            public var virtualMAC: String
            public var virtualIP: String?
            /// Each site elects its own active (FHRP hellos filtered at the DCI).
            public var isolated: Bool
        }

        public struct Router: Codable, Sendable, Equatable {
            public var mac: String
            public var ip: String?
            public var name: String?
            public var site: String?
            public var frames: Int
            public var bytes: Int
        }

        /// One direction: who forwards it, the verdict, and what proves it.
        public struct Direction: Codable, Sendable, Equatable {
            /// The outbound forwarder, or the routers delivering the return (most frames first).
            public var forwarders: [Router]
            public var verdict: String
            public var confidence: String
            /// Why the verdict is what it is, in words a report can print.
            public var reason: String
            /// Bytes of the VM's frames in this direction that crossed the DCI after the move
            /// (the busiest DCI capture point's count, so a link mirrored at both ends counts once).
            public var bytes: Int
            public var startNs: Int64?
            public var endNs: Int64?
            /// capture_end, gateway_change, rebind or traffic_stopped.
            public var endedBy: String?
            public var evidence: [Evidence]
            public var dci: [DCIUse]
        }

        /// One conversation with an off-subnet peer: the gateway its frames went to, the router
        /// whose frames brought the replies, and whether the two differ.
        public struct Flow: Codable, Sendable, Equatable {
            public var remoteIP: String
            public var ipProtocol: Int
            public var vmPort: Int
            public var remotePort: Int
            public var outboundBytes: Int
            public var returnBytes: Int
            public var gatewayMAC: String?
            public var forwarderMAC: String?
            public var returnMAC: String?
            public var asymmetric: Bool
        }

        /// The second DCI crossing of the VM's packets: routed copies (TTL one lower) sent by
        /// `routers` towards `destinations`, counted at the busiest DCI capture point.
        public struct Trombone: Codable, Sendable, Equatable {
            public var frames: Int
            public var bytes: Int
            public var routers: [String]
            public var destinations: [String]
            public var evidence: [Evidence]
        }

        /// Frames that back a verdict: where they were captured, the first and last of them.
        public struct Evidence: Codable, Sendable, Equatable {
            public var what: String
            public var file: String
            public var interface: Int
            public var session: Int?
            public var place: String
            public var firstFrame: Int
            public var firstNs: Int64
            public var lastFrame: Int
            public var lastNs: Int64
            public var frames: Int
            /// How far this capture point's clock runs ahead of the reference of its group (R0),
            /// when copies seen both ways tell; the path's start and end are corrected by it.
            public var clockOffsetNs: Int64?
        }

        /// The VM's traffic in one direction over one DCI capture point, per second from the move.
        public struct DCIUse: Codable, Sendable, Equatable {
            public var interface: Int
            public var session: Int?
            public var place: String
            public var frames: Int
            public var bytes: Int
            public var bytesPerSecond: [Int]
        }
    }
}

extension Analysis {
    /// What the path analysis knows about one capture place.
    private struct PlaceFacts {
        var dci = false
        var site: String?
        var name: String
    }

    /// Without a topology, the DCI is recognised from the migrations: the places a migration's
    /// streams were seen on, other than where its two hosts live, lie between the hosts.
    /// `migrations` gives each one's places and its hosts' MACs.
    func transitPlaces(_ migrations: [(places: [MobilityTracker.Place], hosts: [MACAddress])]) -> Set<MobilityTracker.Place> {
        var transit = Set<MobilityTracker.Place>()
        for migration in migrations {
            var homes = Set<MobilityTracker.Place>()
            for host in migration.hosts {
                guard let location = mobility.location(of: host) else { continue }
                homes.insert(location.place)
                if let other = location.otherHome { homes.insert(other) }
            }
            transit.formUnion(Set(migration.places).subtracting(homes))
        }
        return transit
    }

    /// The path record of every move whose MAC was followed (R2-R10).
    func pathReport(moves: [Report.Move], migrations: [Report.Migration], transit: Set<MobilityTracker.Place>, interfaces: [Report.Interface],
                    placesSeen: [MobilityTracker.Place], clockOffsets: [MobilityTracker.Place: Int64], end: Int64) -> [Report.Path] {
        let settings = options.paths
        let topology = options.topology
        func reportPlace(_ place: MobilityTracker.Place) -> Report.Place {
            Report.Place(interface: Int(place.interface), session: place.session >= 0 ? Int(place.session) : nil,
                         interfaceIndex: place.interfaceIndex >= 0 ? Int(place.interfaceIndex) : nil, vlan: nil, vni: nil, site: nil)
        }
        func name(_ place: MobilityTracker.Place) -> String {
            let interface = interfaces.first { $0.id == Int(place.interface) }
            var text = interface?.name ?? "if\(place.interface)"
            if place.session >= 0 { text += " session \(place.session)" }
            if place.interfaceIndex >= 0 { text += " ifindex \(place.interfaceIndex)" }
            return text
        }
        let routerMACs = Set(gatewayTracker.groups.flatMap { $0.members.compactMap(\.mac) + $0.virtualMACs }
                             + (topology?.routers.flatMap(\.macs) ?? []))

        var records: [Report.Path] = []
        for (moveIndex, move) in moves.enumerated() {
            guard let mac = MACAddress(move.mac) else { continue }
            guard let watch = watchIndex(of: mac, beganAt: move.timeNs) else { continue }
            let oldPlace = MobilityTracker.Place(interface: Int32(move.from.interface), session: Int32(move.from.session ?? -1),
                                                 interfaceIndex: Int64(move.from.interfaceIndex ?? -1))
            let vmSite = move.to.site
            let newPlace = MobilityTracker.Place(interface: Int32(move.to.interface), session: Int32(move.to.session ?? -1),
                                                 interfaceIndex: Int64(move.to.interfaceIndex ?? -1))
            let byTopology = topology != nil && vmSite != nil
            var limitations: [String] = []
            // Which places are on the far side: by the topology's roles and sites, or else the
            // places the migration crossed that no MAC lives on (the link between the two hosts).
            var facts: [MobilityTracker.Place: PlaceFacts] = [:]
            for place in Set(placesSeen + self.paths.keys.map(\.place)) {
                var fact = PlaceFacts(name: name(place))
                if byTopology, let point = topology?.capturePoint(of: reportPlace(place), interfaces: interfaces) {
                    fact.dci = point.role == .dci
                    fact.site = point.site
                } else if !byTopology {
                    fact.dci = transit.contains(place)
                }
                facts[place] = fact
            }
            func isRemote(_ place: MobilityTracker.Place) -> Bool {
                guard let fact = facts[place] else { return false }
                return fact.dci || (byTopology && fact.site != nil && fact.site != vmSite)
            }
            let remoteCaptured = facts.values.contains { $0.dci }
            if topology == nil {
                limitations.append(transit.isEmpty
                    ? "no topology and no capture point between the hosts: outbound and return cannot be placed"
                    : "no topology: the DCI is taken to be the capture points the migration crossed that no MAC lives on")
            } else if vmSite == nil {
                limitations.append("the VM's new place matches no capture point of the topology")
            }
            if !remoteCaptured { limitations.append("no DCI capture" + (topology == nil ? "" : ": verdicts rest on gateway state and the topology")) }
            if let interface = interfaces.first(where: { $0.id == move.to.interface }), interface.linkType == 113 || interface.linkType == 276 {
                limitations.append("cooked capture at the VM's place: no destination MACs, so the gateway binding cannot be seen")
            }

            let keyed = self.paths.keys.indices.filter { self.paths.keys[$0].watch == watch }
            let outboundTallies = keyed.filter { self.paths.keys[$0].leg == .outbound }
            let returnTallies = keyed.filter { self.paths.keys[$0].leg == .inbound }
            let routedTallies = keyed.filter { self.paths.keys[$0].leg == .routed }

            // The VM's subnet: the topology's, or else the /24 or /64 around its address.
            let vmAddresses = move.ips.compactMap(IPAddress.init)
            var subnets = topology?.segments.flatMap(\.subnets).filter { subnet in vmAddresses.contains { subnet.contains($0) } } ?? []
            if subnets.isEmpty {
                subnets = vmAddresses.compactMap { address in
                    switch address {
                    case .v4(let v4): Subnet("\(IPv4Address(rawValue: v4.rawValue & 0xFFFF_FF00))/24")
                    case .v6(let v6): Subnet("\(IPv6Address(high: v6.high, low: 0))/64")
                    }
                }
                if !vmAddresses.isEmpty { limitations.append("the VM's subnet is taken to be " + subnets.map(\.description).joined(separator: ", ")) }
            }
            // R2: the gateway MAC most of its frames go to after the move.
            var frameCounts: [MACAddress: Int] = [:]
            for index in outboundTallies where VirtualMAC.kind(of: self.paths.keys[index].counterpart) != nil {
                frameCounts[self.paths.keys[index].counterpart, default: 0] += self.paths.tallies[index].frames
            }
            // No virtual MAC: a real MAC its off-subnet frames go to is a static or anycast gateway (S3).
            var staticGateway: MACAddress?
            if frameCounts.isEmpty {
                var realCounts: [MACAddress: Int] = [:]
                for index in outboundTallies {
                    guard let remote = self.paths.tallies[index].remoteIP, !subnets.contains(where: { $0.contains(remote) }) else { continue }
                    realCounts[self.paths.keys[index].counterpart, default: 0] += self.paths.tallies[index].frames
                }
                staticGateway = realCounts.max { ($0.value, $1.key.rawValue) < ($1.value, $0.key.rawValue) }?.key
            }
            let binding = frameCounts.max { ($0.value, $1.key.rawValue) < ($1.value, $0.key.rawValue) }?.key
                ?? (staticGateway == nil ? mobility.location(of: mac)?.gatewayMAC : staticGateway)
            let segmentGateway = topology?.segments.first { segment in segment.subnets.contains { subnet in vmAddresses.contains { subnet.contains($0) } } }?
                .gateway
            let anycast = staticGateway != nil && segmentGateway?.protocol == "anycast"
            var gateway: Report.Path.Gateway?
            // Who forwards for the binding: its FHRP member (R3), or the static gateway itself.
            var forwarderMAC: MACAddress?, forwarderIP: IPAddress?, isolated = false
            if let staticGateway {
                forwarderMAC = staticGateway
                forwarderIP = topology?.routers.first { $0.macs.contains(staticGateway) }?.ips.first ?? segmentGateway?.virtualIP
                gateway = .init(protocol: anycast ? "anycast" : "static", group: 0, virtualMAC: staticGateway.description,
                                virtualIP: segmentGateway?.virtualIP?.description, isolated: false)
            } else if let binding {
                var member = gatewayTracker.forwarder(of: binding, at: move.timeNs, seenFrom: move.to.interface)
                let group = gatewayTracker.group(of: binding)
                    ?? gatewayTracker.groups.first { ruleMAC($0.key) == binding }
                if let group {
                    if member == nil, let virtualIP = group.virtualIPs.first,
                       let active = gatewayTracker.forwarder(ofVirtualIP: virtualIP, at: move.timeNs) {
                        member = (active, false)
                    }
                    gateway = .init(protocol: group.key.kind.name, group: Int(group.key.group), virtualMAC: binding.description,
                                    virtualIP: group.virtualIPs.first?.description, isolated: member?.isolated ?? false)
                } else {
                    gateway = .init(protocol: VirtualMAC.kind(of: binding).map { "\($0)" } ?? "unknown", group: 0,
                                    virtualMAC: binding.description, virtualIP: nil, isolated: false)
                }
                forwarderMAC = member?.member.mac
                forwarderIP = member?.member.ip
                isolated = member?.isolated ?? false
            }
            func routerSite(_ routerMAC: MACAddress) -> String? {
                if let router = topology?.routers.first(where: { $0.macs.contains(routerMAC) }) { return router.site }
                guard let home = mobility.location(of: routerMAC)?.place else { return nil }
                return byTopology ? facts[home]?.site ?? topology?.capturePoint(of: reportPlace(home), interfaces: interfaces)?.site : nil
            }
            func routerName(_ routerMAC: MACAddress) -> String? {
                topology?.routers.first { $0.macs.contains(routerMAC) }?.id
            }
            func evidence(_ indices: [Int], what: String) -> [Report.Path.Evidence] {
                // DCI sightings first: they are the proof a reader looks for.
                indices.sorted { a, b in
                    let (dciA, dciB) = (facts[self.paths.keys[a].place]?.dci == true, facts[self.paths.keys[b].place]?.dci == true)
                    return dciA != dciB ? dciA : self.paths.tallies[a].firstFrame < self.paths.tallies[b].firstFrame
                }.prefix(4).map { index in
                    let tally = self.paths.tallies[index], place = self.paths.keys[index].place
                    return Report.Path.Evidence(
                        what: what, file: interfaces.first { $0.id == Int(place.interface) }?.file ?? "",
                        interface: Int(place.interface), session: place.session >= 0 ? Int(place.session) : nil, place: name(place),
                        firstFrame: tally.firstFrame, firstNs: tally.firstTime, lastFrame: tally.lastFrame, lastNs: tally.lastTime,
                        frames: tally.frames, clockOffsetNs: clockOffsets[place])
                }
            }
            func dciUse(_ indices: [Int]) -> [Report.Path.DCIUse] {
                var byPlace: [MobilityTracker.Place: (frames: Int, bytes: Int, series: [Int])] = [:]
                for index in indices where facts[self.paths.keys[index].place]?.dci == true {
                    let tally = self.paths.tallies[index]
                    var entry = byPlace[self.paths.keys[index].place] ?? (0, 0, [])
                    entry.frames += tally.frames
                    entry.bytes += tally.bytes
                    for (second, bytes) in tally.perSecond.enumerated() { entry.series.add(bytes, at: second) }
                    byPlace[self.paths.keys[index].place] = entry
                }
                return byPlace.keys.sorted().map { place in
                    let entry = byPlace[place]!
                    return .init(interface: Int(place.interface), session: place.session >= 0 ? Int(place.session) : nil,
                                 place: name(place), frames: entry.frames, bytes: entry.bytes, bytesPerSecond: entry.series)
                }
            }
            /// Enough frames past the grace period to prove a verdict.
            func proves(_ indices: [Int]) -> Bool {
                let frames = indices.reduce(0) { $0 + self.paths.tallies[$1].lateFrames }
                let bytes = indices.reduce(0) { $0 + self.paths.tallies[$1].lateBytes }
                return frames >= settings.proofFrames || bytes >= settings.proofBytes
            }
            let seen = byTopology ? "proven" : "strong"
            /// The data-plane verdict of one direction from its frames (R4, R5): a hairpin when
            /// enough were seen beyond the VM's site past the grace period (frames in flight at
            /// the move are no proof), or, when the capture ends too soon for that, when most of
            /// what the VM's own place saw also crossed; local when the DCI is captured, enough were
            /// seen at the VM's place and next to none beyond its site. False when the frames decide nothing.
            func judge(_ direction: inout Report.Path.Direction, _ frames: [Int], hairpin: (reason: String, what: String),
                       local: (reason: String, what: String)) -> Bool {
                let remote = frames.filter { isRemote(self.paths.keys[$0].place) }
                direction.dci = dciUse(frames)
                direction.bytes = direction.dci.map(\.bytes).max() ?? 0
                let own = frames.filter { self.paths.keys[$0].place == newPlace }.reduce(0) { $0 + self.paths.tallies[$1].frames }
                var remoteByPlace: [MobilityTracker.Place: Int] = [:]
                for index in remote { remoteByPlace[self.paths.keys[index].place, default: 0] += self.paths.tallies[index].frames }
                let crossing = remoteByPlace.values.max() ?? 0
                let shortCapture = end - move.timeNs < 2 * settings.grace
                if proves(remote) || (shortCapture && crossing >= settings.minimumShortProof && 2 * crossing >= own) {
                    direction.verdict = "hairpin"
                    direction.confidence = seen
                    direction.reason = hairpin.reason + (proves(remote) ? "" : " (the capture ends within the grace period after the move)")
                    direction.evidence = evidence(remote, what: hairpin.what)
                    // In the reference clock: each capture point's time less its offset.
                    func corrected(_ time: Int64, _ index: Int) -> Int64 { time - (clockOffsets[self.paths.keys[index].place] ?? 0) }
                    direction.startNs = remote.map { corrected(self.paths.tallies[$0].firstTime, $0) }.min()
                    direction.endNs = remote.map { corrected(self.paths.tallies[$0].lastTime, $0) }.max()
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
                direction.evidence = evidence(frames.filter { self.paths.keys[$0].place == newPlace }, what: local.what)
                return true
            }

            // R3/R4: outbound.
            var outbound = Report.Path.Direction(forwarders: [], verdict: "unknown", confidence: "unknown", reason: "", bytes: 0,
                                                 startNs: nil, endNs: nil, endedBy: nil, evidence: [], dci: [])
            let forwarderSite = forwarderMAC.flatMap(routerSite)
            if let binding {
                let toGateway = outboundTallies.filter { self.paths.keys[$0].counterpart == binding }
                if forwarderMAC != nil || forwarderIP != nil {
                    let traffic = toGateway.reduce(0) { $0 + self.paths.tallies[$1].frames }
                    let bytes = toGateway.reduce(0) { $0 + self.paths.tallies[$1].bytes }
                    outbound.forwarders = [.init(mac: forwarderMAC?.description ?? "", ip: forwarderIP?.description,
                                                 name: forwarderMAC.flatMap(routerName), site: forwarderSite, frames: traffic, bytes: bytes)]
                }
                let glbp = gateway?.protocol == "glbp"
                let localReason = anycast ? "anycast gateway: the gateway at its own site routes"
                    : isolated ? "FHRP isolation: the active at its own site forwards"
                    : glbp ? "its GLBP forwarder is at its own site" : "its frames to the gateway stay at its site"
                let judged = judge(&outbound, toGateway,
                                   hairpin: (glbp ? "its GLBP forwarder is at the other site" : "its frames to the gateway cross the DCI",
                                             "frames from the VM to \(binding) beyond its site"),
                                   local: (localReason, "frames from the VM to \(binding), none beyond its site"))
                if judged {
                    // The frames decided.
                } else if anycast {
                    outbound.verdict = "local"
                    outbound.confidence = "inferred"
                    outbound.reason = localReason
                } else if byTopology, let forwarderSite {
                    outbound.verdict = forwarderSite == vmSite ? "local" : "hairpin"
                    outbound.confidence = "inferred"
                    outbound.reason = "the forwarder of \(binding) is at site \(forwarderSite)"
                    outbound.evidence = evidence(toGateway, what: "frames from the VM to \(binding)")
                } else {
                    outbound.reason = "no capture shows where its frames to the gateway go"
                }
            } else {
                outbound.reason = "no frame from the VM to a first-hop virtual MAC"
            }

            // R5: return, by the routers delivering off-subnet traffic to the VM.
            var inbound = Report.Path.Direction(forwarders: [], verdict: "unknown", confidence: "unknown", reason: "", bytes: 0,
                                                startNs: nil, endNs: nil, endedBy: nil, evidence: [], dci: [])
            // A router: a known gateway member, or a MAC relaying frames from several sources or
            // from off the VM's subnet.
            let relays = Set(returnTallies.filter { index in
                let tally = self.paths.tallies[index]
                return tally.remoteVaried || tally.remoteIP.map { address in !subnets.contains { $0.contains(address) } } == true
            }.map { self.paths.keys[$0].counterpart })
            let routed = returnTallies.filter {
                let counterpart = self.paths.keys[$0].counterpart
                return routerMACs.contains(counterpart) || relays.contains(counterpart) || counterpart == staticGateway
            }
            var perRouter: [MACAddress: (frames: Int, bytes: Int)] = [:]
            for index in routed {
                let entry = perRouter[self.paths.keys[index].counterpart] ?? (0, 0)
                perRouter[self.paths.keys[index].counterpart] = (entry.frames + self.paths.tallies[index].frames,
                                                                 entry.bytes + self.paths.tallies[index].bytes)
            }
            let routers = perRouter.keys.sorted { (perRouter[$0]!.frames, $1.rawValue) > (perRouter[$1]!.frames, $0.rawValue) }
            inbound.forwarders = routers.map { router in
                .init(mac: router.description,
                      ip: (gatewayTracker.groups.lazy.flatMap(\.members).first { $0.mac == router }?.ip
                           ?? topology?.routers.first { $0.macs.contains(router) }?.ips.first)?.description,
                      name: routerName(router), site: routerSite(router), frames: perRouter[router]!.frames, bytes: perRouter[router]!.bytes)
            }
            let judged = judge(&inbound, routed, hairpin: ("routed frames to the VM cross the DCI", "frames from a router to the VM beyond its site"),
                               local: ("routed frames reach the VM from its own site", "frames from a router to the VM, none beyond its site"))
            if judged {
                // The frames decided.
            } else if byTopology, let first = routers.first, let site = routerSite(first) {
                inbound.verdict = site == vmSite ? "local" : "hairpin"
                inbound.confidence = "inferred"
                inbound.reason = "the router delivering it is at site \(site)"
                inbound.evidence = evidence(routed, what: "frames from a router to the VM")
            } else {
                inbound.reason = routers.isEmpty ? "no routed frame to the VM after the move" : "no capture shows where routed frames to it come from"
            }

            // How long the outbound hairpin lasted and what ended it.
            if let last = outbound.endNs {
                if end - last <= settings.endSlack {
                    outbound.endedBy = "capture_end"
                } else if let forwarderMAC, let binding, staticGateway == nil, gatewayTracker.forwarder(of: binding, at: end)?.mac != forwarderMAC {
                    outbound.endedBy = "gateway_change"
                } else if outboundTallies.contains(where: {
                    let key = self.paths.keys[$0]
                    return key.counterpart != binding && VirtualMAC.kind(of: key.counterpart) != nil && self.paths.tallies[$0].lastTime > last
                }) {
                    outbound.endedBy = "rebind"
                } else {
                    outbound.endedBy = "traffic_stopped"
                }
            }
            if let last = inbound.endNs { inbound.endedBy = end - last <= settings.endSlack ? "capture_end" : "traffic_stopped" }

            // R6: asymmetry, when both directions have a forwarder; per flow at the VM's place.
            let returnMAC = routers.first
            let asymmetric = forwarderMAC != nil && returnMAC != nil && returnMAC != forwarderMAC
            var flows: [Report.Path.Flow] = []
            for index in self.paths.flowKeys.indices where self.paths.flowKeys[index].watch == watch {
                let key = self.paths.flowKeys[index], tally = self.paths.flows[index]
                guard !subnets.contains(where: { $0.contains(key.remoteIP) }) else { continue }
                // The forwarder of the gateway MAC it used; a real MAC is a static gateway itself.
                let flowForwarder = tally.gatewayMAC.flatMap { gatewayMAC in
                    VirtualMAC.kind(of: gatewayMAC) == nil ? gatewayMAC
                        : gatewayTracker.forwarder(of: gatewayMAC, at: move.timeNs, seenFrom: move.to.interface)?.member.mac
                }
                flows.append(.init(remoteIP: key.remoteIP.description, ipProtocol: Int(key.ipProtocol), vmPort: Int(key.localPort),
                                   remotePort: Int(key.remotePort), outboundBytes: tally.outboundBytes, returnBytes: tally.returnBytes,
                                   gatewayMAC: tally.gatewayMAC?.description, forwarderMAC: flowForwarder?.description,
                                   returnMAC: tally.returnMAC?.description,
                                   asymmetric: flowForwarder != nil && tally.returnMAC != nil && flowForwarder != tally.returnMAC))
            }
            flows.sort { ($0.outboundBytes + $0.returnBytes, $1.remoteIP, $1.vmPort) > ($1.outboundBytes + $1.returnBytes, $0.remoteIP, $0.vmPort) }
            let returnSite = returnMAC.flatMap(routerSite)
            // R7: routed copies of its packets crossing the DCI after its frames crossed to the gateway.
            var trombone: Report.Path.Trombone?
            let routedAcross = routedTallies.filter { facts[self.paths.keys[$0].place]?.dci == true }
            if outbound.verdict == "hairpin", !routedAcross.isEmpty {
                let crossings = dciUse(routedAcross)
                let routers: [MACAddress] = Set(routedAcross.map { self.paths.keys[$0].counterpart }).sorted { $0.rawValue < $1.rawValue }
                let destinations: [IPAddress] = Set(routedAcross.compactMap { self.paths.tallies[$0].remoteIP }).sorted()
                let frames: Int = crossings.map(\.frames).max() ?? 0
                let bytes: Int = crossings.map(\.bytes).max() ?? 0
                trombone = .init(frames: frames, bytes: bytes, routers: routers.map(\.description), destinations: destinations.map(\.description),
                                 evidence: evidence(routedAcross, what: "its packets routed on, TTL one lower, crossing the DCI again"))
            }
            // R8: frames to the VM still reaching its old place after the grace period.
            let flood = returnTallies.filter { self.paths.keys[$0].place == oldPlace && self.paths.tallies[$0].lateFrames > 0 }
            let migration = migrations.first { $0.id == move.migration }
            func host(_ ip: String?, _ mac: String?) -> String? {
                topology?.hosts.first { host in
                    ip.flatMap(IPAddress.init).map(host.vmotionIPs.contains) == true || mac.flatMap(MACAddress.init).map(host.macs.contains) == true
                }?.id
            }
            records.append(Report.Path(
                vmMAC: move.mac, vmIPs: move.ips, move: moveIndex, timeNs: move.timeNs, fromSite: move.from.site, toSite: vmSite,
                fromHost: host(migration?.sourceIP, migration?.sourceMAC), toHost: host(migration?.destinationIP, migration?.destinationMAC),
                migration: move.migration, gateway: gateway, outbound: outbound, inbound: inbound, asymmetric: asymmetric,
                crossSite: asymmetric ? forwarderSite.flatMap { a in returnSite.map { a != $0 } } : nil,
                flows: Array(flows.prefix(settings.maximumFlows)), flowCount: flows.count, asymmetricFlows: flows.filter(\.asymmetric).count,
                trombone: trombone, floodBytes: flood.reduce(0) { $0 + self.paths.tallies[$1].lateBytes },
                floodEvidence: evidence(flood, what: "frames to the VM at its old place after the move").first,
                placesFrom: byTopology ? "topology" : "captures", limitations: limitations))
        }
        return records
    }

    /// The watch that began with a move: the departure at the move's first sighting.
    private func watchIndex(of mac: MACAddress, beganAt time: Int64) -> Int32? {
        paths.watches.indices.last { paths.watches[$0].mac == mac && paths.watches[$0].since == time }.map(Int32.init)
    }
}
