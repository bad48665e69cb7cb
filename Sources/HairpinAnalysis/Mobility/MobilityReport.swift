import HairpinWire

extension Report {
    /// A burst of RARP / GARP / NA frames for one MAC, kind and place.
    public struct Announcement: Codable, Sendable, Equatable {
        public var timeNs: Int64
        public var lastNs: Int64
        public var kind: String
        public var mac: String
        public var ip: String?
        public var vlan: Int?
        public var vni: Int?
        public var interface: Int
        public var session: Int?
        public var frames: Int
        public var spacingNs: [Int64]
        /// Who the burst's shape points to (`qemu`, `esxi`, `linux`, `hyperv`), when it does.
        public var sender: String?
        /// Sent for a first-hop virtual IP or from a virtual MAC: a gateway event, not a VM move.
        public var gateway: Bool
        /// The frame number of the burst's first frame.
        public var frame: Int
        public var migration: Int?
    }

    /// Where a MAC was sourced.
    public struct Place: Codable, Sendable, Equatable {
        public var interface: Int
        public var session: Int?
        public var interfaceIndex: Int?
        public var vlan: Int?
        public var vni: Int?
        /// The topology site, once a topology is given.
        public var site: String?
    }

    public struct Move: Codable, Sendable, Equatable {
        public var mac: String
        public var ips: [String]
        /// First sighting at the new place.
        public var timeNs: Int64
        public var from: Place
        public var to: Place
        /// Index of the announcement that announced the move, if one did.
        public var announcement: Int?
        public var migration: Int?
        public var flipFlops: Int
    }
}

extension MobilityTracker.Place {
    /// The place a report's place stands for.
    init(_ place: Report.Place) {
        self.init(interface: Int32(place.interface), session: Int32(place.session ?? -1), interfaceIndex: Int64(place.interfaceIndex ?? -1))
    }
}

/// How moves are tied to migrations.
struct MobilitySettings: Sendable {
    /// A move belongs to a migration when it happens from `before` the migration's start to
    /// `after` its end.
    var before: Int64 = 1_000_000_000
    var after: Int64 = 10_000_000_000
    /// The announcement of a move starts within this of the move's first sighting.
    var announcementLead: Int64 = 1_000_000_000
    var announcementLag: Int64 = 5_000_000_000
}

extension MobilityTracker {
    static func vlan(_ segment: Int?) -> Int? { segment.flatMap { $0 < vniFlag ? $0 : nil } }
    static func vni(_ segment: Int?) -> Int? { segment.flatMap { $0 >= vniFlag ? $0 & 0xFF_FFFF : nil } }

    /// Announcements, moves and the migrations with their VM MACs and switch-over, tied together.
    func assemble(migrations: inout [Report.Migration], settings: MobilitySettings = MobilitySettings())
        -> (announcements: [Report.Announcement], moves: [Report.Move]) {
        let order = bursts.indices.sorted { (bursts[$0].first, bursts[$0].mac, bursts[$0].kind.rawValue, bursts[$0].place) <
                                            (bursts[$1].first, bursts[$1].mac, bursts[$1].kind.rawValue, bursts[$1].place) }
        var announcements = order.map { index -> Report.Announcement in
            let burst = bursts[index]
            return Report.Announcement(
                timeNs: burst.first, lastNs: burst.last, kind: burst.kind.rawValue, mac: burst.mac.description,
                ip: burst.ip?.description, vlan: Self.vlan(burst.vlan), vni: Self.vni(burst.vlan), interface: Int(burst.place.interface),
                session: burst.place.session >= 0 ? Int(burst.place.session) : nil, frames: burst.frames, spacingNs: burst.gaps,
                sender: burst.gateway ? nil : AnnouncerFingerprint.of(kind: burst.kind, gaps: burst.gaps)?.rawValue,
                gateway: burst.gateway, frame: burst.frame, migration: nil)
        }
        var reportMoves: [Report.Move] = []
        for move in moves {
            let mac = move.mac.description
            let to = move.to.reported(segment: move.toVLAN)
            // The announcement: the first burst for this MAC around the move, at the new place if
            // one was (a MAC sourced off the capture points is announced where its flood is first seen).
            let around = announcements.indices.filter { index in
                let entry = announcements[index]
                return entry.mac == mac && !entry.gateway
                    && entry.timeNs >= move.time - settings.announcementLead && entry.timeNs <= move.time + settings.announcementLag
            }
            let announcement = around.first { announcements[$0].interface == to.interface && announcements[$0].session == to.session }
                ?? around.first
            let ips = addresses(of: move.mac).sorted().map(\.description)
            reportMoves.append(Report.Move(mac: mac, ips: ips, timeNs: move.time, from: move.from.reported(segment: move.fromVLAN), to: to,
                                           announcement: announcement, migration: nil, flipFlops: move.flipFlops))
        }
        // Tie each move to the migration around it: one whose hosts were seen at both of the
        // move's places first, then the nearest switch-over.
        for index in reportMoves.indices {
            let move = reportMoves[index]
            let candidates = migrations.indices.filter { m in
                move.timeNs >= migrations[m].startNs - settings.before && move.timeNs <= migrations[m].endNs + settings.after
            }
            func placeMatches(_ m: Int) -> Bool {
                let destination = migrations[m].destinationMAC.flatMap(MACAddress.init).flatMap { location(of: $0)?.place }
                let source = migrations[m].sourceMAC.flatMap(MACAddress.init).flatMap { location(of: $0)?.place }
                return destination.map { Int($0.interface) == move.to.interface } == true
                    && source.map { Int($0.interface) == move.from.interface } == true
            }
            func distance(_ m: Int) -> Int64 { abs(move.timeNs - (migrations[m].switchoverNs ?? migrations[m].endNs)) }
            guard let best = candidates.min(by: { a, b in
                let (pa, pb) = (placeMatches(a), placeMatches(b))
                return pa != pb ? pa : (distance(a), a) < (distance(b), b)
            }) else { continue }
            reportMoves[index].migration = migrations[best].id
            for a in announcements.indices where announcements[a].mac == move.mac && !announcements[a].gateway
                && announcements[a].timeNs >= move.timeNs - settings.announcementLead && announcements[a].timeNs <= move.timeNs + settings.after {
                announcements[a].migration = migrations[best].id
            }
        }
        // Each migration: its VM MACs, and the switch-over at the first announcement of its moves.
        for m in migrations.indices {
            let tied = reportMoves.filter { $0.migration == migrations[m].id }
            guard !tied.isEmpty else { continue }
            migrations[m].vmMACs = Array(Set(tied.map(\.mac))).sorted()
            let firsts = tied.compactMap { $0.announcement.map { announcements[$0].timeNs } }
            if let first = firsts.min() {
                migrations[m].lastBulkNs = migrations[m].switchoverNs
                migrations[m].switchoverNs = first
                migrations[m].switchoverEvidence = "announcement"
                migrations[m].announcementGapNs = migrations[m].lastBulkNs.map { first - $0 }
            }
        }
        return (announcements, reportMoves)
    }
}
