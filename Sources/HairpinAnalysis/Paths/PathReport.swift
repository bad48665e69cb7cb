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
        return records
    }

    /// The watch that began with a move: the departure at the move's first sighting.
    private func watchIndex(of mac: MACAddress, beganAt time: Int64) -> Int32? {
        paths.watches.indices.last { paths.watches[$0].mac == mac && paths.watches[$0].since == time }.map(Int32.init)
    }
}
