import HairpinWire

extension Analysis {
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
        let gateways = gatewayTracker
        let context = PathContext(
            tracker: paths, gateways: gateways, mobility: mobility, topology: options.topology, settings: options.paths,
            interfaces: interfaces, places: Set(placesSeen + paths.keys.map(\.place)), transit: transit, clockOffsets: clockOffsets,
            routerMACs: Set(gateways.groups.flatMap { $0.members.compactMap(\.mac) + $0.virtualMACs } + (options.topology?.routers.flatMap(\.macs) ?? [])),
            end: end,
            group: { mac in gateways.group(of: mac) ?? gateways.groups.first { Self.ruleMAC($0.key) == mac } })
        var records: [Report.Path] = []
        for (index, move) in moves.enumerated() {
            guard let mac = MACAddress(move.mac), let watch = watchIndex(of: mac, beganAt: move.timeNs) else { continue }
            var assembly = PathAssembly(context: context, move: move, watch: watch)
            records.append(assembly.record(moveIndex: index, migration: migrations.first { $0.id == move.migration }))
        }
        guard options.pathsForAllHosts else { return records }
        // Hosts that stayed: followed from their first sighting, at their home; only those bound
        // to a first-hop virtual MAC, or on a segment the topology gives a static or anycast
        // gateway (routers' own links would otherwise read as hosts with a static gateway).
        let moved = Set(moves.map(\.mac))
        for (watch, followed) in paths.watches.enumerated() where !moved.contains(followed.mac.description) && !context.routerMACs.contains(followed.mac) {
            guard followed.followedFrom != .max, watchIndex(of: followed.mac, beganAt: followed.since) == Int32(watch),
                  let home = mobility.location(of: followed.mac) else { continue }
            var place = home.place.reported(segment: home.vlan)
            place.site = options.topology?.capturePoint(of: place, interfaces: interfaces)?.site
            let stay = Report.Move(mac: followed.mac.description, ips: mobility.addresses(of: followed.mac).sorted().map(\.description),
                                   timeNs: followed.since, from: place, to: place, announcement: nil, migration: nil, flipFlops: 0)
            var assembly = PathAssembly(context: context, move: stay, watch: Int32(watch))
            let record = assembly.record(moveIndex: nil, migration: nil)
            let declared = ["static", "anycast"].contains(assembly.segmentGateway?.protocol ?? "")
            if let gateway = record.gateway, declared || VirtualMAC.kind(of: MACAddress(gateway.virtualMAC) ?? MACAddress(rawValue: 0)) != nil {
                records.append(record)
            }
        }
        return records
    }

    /// The watch that began with a move: the departure at the move's first sighting.
    private func watchIndex(of mac: MACAddress, beganAt time: Int64) -> Int32? {
        paths.watches.indices.last { paths.watches[$0].mac == mac && paths.watches[$0].since == time }.map(Int32.init)
    }
}
