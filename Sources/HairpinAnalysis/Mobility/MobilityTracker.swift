import HairpinWire

/// Where each MAC lives over time and when it moves (protocols.md 2.7, 8.2, 8.9 R1).
///
/// A MAC's location is the capture point (with ERSPAN session or SLL2 interface index) where
/// its frames are first seen; copies on other points are recognised by `MirrorCopies`. A move
/// is a change of location that holds: the new place must outlast the old one by `debounce`
/// (or the old one stay silent to the end of the capture for at least `minimumStable`); every
/// return to the old place meanwhile is a flip-flop. Announcements (RARP, GARP, NA) are grouped
/// into bursts per MAC, kind and place.
struct MobilityTracker {
    struct Settings: Sendable {
        /// A frame seen again on another capture point within this is a copy (DCI latency, clock skew).
        var copyWindow: Int64 = 50_000_000
        /// Announcements of the same MAC, kind and place closer than this are one burst.
        var burstGap: Int64 = 1_000_000_000
        /// A new location must hold this long past the last sighting at the old one (R1).
        var debounce: Int64 = 5_000_000_000
        /// At the end of the capture, a new location seen last is a move when the old one was silent this long.
        var minimumStable: Int64 = 1_000_000_000
        /// A place is a MAC's home once seen this long, or sourcing this many unicast frames
        /// (a broadcast's first copy may be wherever the flood reached first).
        var establishedSpan: Int64 = 1_000_000_000
        var establishedSightings = 3
        /// More flip-flops than this: the MAC lives at both places (teaming), not a move.
        var multihomedFlipFlops = 16
        var maximumMACs = 1 << 20
        var maximumAnnouncements = 100_000
    }

    /// Where a frame was sourced: capture point and, when present, ERSPAN session and SLL2 index.
    struct Place: Hashable, Comparable {
        var interface: Int32
        var session: Int32 = -1
        var interfaceIndex: Int64 = -1
        /// One integer per place, for the copy table.
        var point: Int { Int(interface) << 40 ^ Int(session + 1) << 20 ^ Int(truncatingIfNeeded: interfaceIndex + 1) }
        static func < (a: Place, b: Place) -> Bool {
            (a.interface, a.session, a.interfaceIndex) < (b.interface, b.session, b.interfaceIndex)
        }
    }

    struct Burst {
        var kind: AnnouncementKind
        var mac: MACAddress
        var ip: IPAddress?
        var place: Place
        var vlan: Int?
        var first: Int64
        var last: Int64
        var frame: Int
        var gaps: [Int64] = []
        var frames = 1
        var gateway = false
    }

    struct Candidate {
        var place: Place
        var vlan: Int?
        var first: Int64
        var last: Int64
        var since: Int64
        var sightings = 0
        var flipFlops = 0
        var lastWasHere = true
    }

    struct Location {
        var place: Place
        var vlan: Int?
        var lastSeen: Int64
        /// First sighting at `place`, and how many unicast frames since: a place seen only through
        /// a flooded broadcast (reaching several points at the same instant) is no home yet.
        var since: Int64
        var sightings = 0
        /// Further places the MAC is sourced from all along (NIC teaming): not moves.
        var otherHomes: [Place] = []
        var candidate: Candidate?
        var ips: [IPAddress] = []
        /// More addresses than `maximumIPs` were seen: a router, not a host.
        var manyIPs = false
    }

    struct Move {
        var mac: MACAddress
        var time: Int64
        var from: Place
        var fromVLAN: Int?
        var to: Place
        var toVLAN: Int?
        var flipFlops: Int
    }

    static let maximumIPs = 8
    let settings: Settings
    private var copies: MirrorCopies
    private(set) var locations: [MACAddress: Location] = [:]
    private(set) var bursts: [Burst] = []
    private var openBursts: [BurstKey: Int] = [:]
    private(set) var moves: [Move] = []
    private(set) var untrackedMACs = 0
    private(set) var copiesSeen = 0

    struct BurstKey: Hashable {
        var mac: MACAddress
        var kind: AnnouncementKind
        var place: Place
    }

    init(settings: Settings = Settings()) {
        self.settings = settings
        copies = MirrorCopies(window: settings.copyWindow)
    }

    /// Feeds one decoded frame. `isGatewayAddress` says whether an IP is a first-hop virtual IP.
    mutating func add(_ packet: DecodedPacket, bytes: UnsafeRawBufferPointer, time: Int64, interface: Int, frame: Int,
                      isGatewayAddress: (IPAddress) -> Bool) {
        guard let source = packet.sourceMAC, !source.isMulticast, source.rawValue != 0 else { return }
        let offset = packet.networkOffset ?? packet.innerFrameOffset
        let place = Place(interface: Int32(interface), session: packet.erspan.map { Int32($0.sessionID) } ?? -1,
                          interfaceIndex: packet.cookedInterfaceIndex.map(Int64.init) ?? -1)
        if copies.isCopy(MirrorCopies.digest(bytes, from: offset, source: source), time: time, point: place.point) {
            copiesSeen += 1
            return
        }
        let vlan: Int? = packet.vlans.innermostId.map(Int.init)
        let virtual = VirtualMAC.kind(of: source) != nil
        if let (kind, mac, ip) = AnnouncementKind.classify(packet) {
            announce(kind: kind, mac: mac, ip: ip, place: place, vlan: vlan, time: time, frame: frame,
                     gateway: VirtualMAC.kind(of: mac) != nil || ip.map(isGatewayAddress) == true)
        }
        guard !virtual else { return }
        sighting(of: source, at: place, vlan: vlan, time: time, unicast: !(packet.destinationMAC?.isMulticast ?? true))
        learnIP(of: source, packet)
    }

    private mutating func announce(kind: AnnouncementKind, mac: MACAddress, ip: IPAddress?, place: Place, vlan: Int?, time: Int64,
                                   frame: Int, gateway: Bool) {
        let key = BurstKey(mac: mac, kind: kind, place: place)
        if let open = openBursts[key], time - bursts[open].last <= settings.burstGap, bursts[open].ip == ip || ip == nil {
            bursts[open].gaps.append(time - bursts[open].last)
            bursts[open].last = time
            bursts[open].frames += 1
            return
        }
        guard bursts.count < settings.maximumAnnouncements else { return }
        openBursts[key] = bursts.count
        bursts.append(Burst(kind: kind, mac: mac, ip: ip, place: place, vlan: vlan, first: time, last: time, frame: frame, gateway: gateway))
    }

    private func established(since: Int64, last: Int64, sightings: Int) -> Bool {
        last - since >= settings.establishedSpan || sightings >= settings.establishedSightings
    }

    private mutating func sighting(of mac: MACAddress, at place: Place, vlan: Int?, time: Int64, unicast: Bool) {
        let weight = unicast ? 1 : 0
        guard var location = locations[mac] else {
            if locations.count >= settings.maximumMACs { untrackedMACs += 1; return }
            locations[mac] = Location(place: place, vlan: vlan, lastSeen: time, since: time, sightings: weight)
            return
        }
        if place == location.place || location.otherHomes.contains(place) {
            location.lastSeen = time
            location.sightings += weight
            if var candidate = location.candidate {
                if candidate.lastWasHere { candidate.flipFlops += 1; candidate.lastWasHere = false }
                if candidate.flipFlops > settings.multihomedFlipFlops {
                    if location.otherHomes.count < 4 { location.otherHomes.append(candidate.place) }
                    location.candidate = nil
                } else {
                    // Back for good: the old place outlasted the new one.
                    location.candidate = time - candidate.last > settings.debounce ? nil : candidate
                }
            }
        } else if var candidate = location.candidate, candidate.place == place {
            candidate.last = time
            candidate.sightings += weight
            candidate.lastWasHere = true
            location.candidate = candidate
            let settled = established(since: candidate.since, last: candidate.last, sightings: candidate.sightings)
            if time - location.lastSeen >= settings.debounce
                || (settled && !established(since: location.since, last: location.lastSeen, sightings: location.sightings)) {
                confirm(mac, &location)
            }
        } else if var candidate = location.candidate,
                  !established(since: candidate.since, last: candidate.last, sightings: candidate.sightings) {
            // The new place so far was a flooded broadcast's first copy: the move keeps its time.
            candidate.place = place
            candidate.vlan = vlan
            candidate.last = time
            candidate.since = time
            candidate.sightings = weight
            candidate.lastWasHere = true
            location.candidate = candidate
        } else {
            // A first sighting elsewhere, or a third place: flip-flops so far carry over.
            let carried = location.candidate?.flipFlops ?? 0
            location.candidate = Candidate(place: place, vlan: vlan, first: time, last: time, since: time, sightings: weight,
                                           flipFlops: carried)
        }
        locations[mac] = location
    }

    private mutating func confirm(_ mac: MACAddress, _ location: inout Location) {
        guard let candidate = location.candidate else { return }
        // A place that never became a home was a first guess, not a location to move from.
        if established(since: location.since, last: location.lastSeen, sightings: location.sightings) {
            moves.append(Move(mac: mac, time: candidate.first, from: location.place, fromVLAN: location.vlan,
                              to: candidate.place, toVLAN: candidate.vlan, flipFlops: candidate.flipFlops))
        }
        location.place = candidate.place
        location.vlan = candidate.vlan
        location.lastSeen = candidate.last
        location.since = candidate.since
        location.sightings = candidate.sightings
        location.otherHomes = []
        location.candidate = nil
    }

    /// Moves still pending at the end of the capture: confirmed when the new place was seen last
    /// and either the old place had been silent long enough or the new one is a home, in MAC order so the result does not depend on the table's layout.
    mutating func finish(at end: Int64) {
        for mac in locations.keys.sorted() {
            guard var location = locations[mac], let candidate = location.candidate else { continue }
            let settled = established(since: candidate.since, last: candidate.last, sightings: candidate.sightings)
            if candidate.last > location.lastSeen && (end - location.lastSeen >= settings.minimumStable || settled) {
                confirm(mac, &location)
                locations[mac] = location
            }
        }
        moves.sort { ($0.time, $0.mac) < ($1.time, $1.mac) }
    }

    /// The IPs a MAC uses: ARP senders, NA targets, IP sources (not link-local or unspecified).
    private mutating func learnIP(of mac: MACAddress, _ packet: DecodedPacket) {
        var address: IPAddress?
        if let arp = packet.arp, arp.senderMAC == mac, let ip = arp.senderIP, !ip.isUnspecified, arp.opcode <= 2 { address = .v4(ip) }
        else if let nd = packet.neighborDiscovery, nd.message == .neighborAdvertisement, let target = nd.target { address = .v6(target) }
        else if packet.arp == nil { address = packet.sourceIP }
        guard let address, !address.isUnspecified, !address.isMulticast, !address.isLinkLocal,
              var location = locations[mac], !location.manyIPs, !location.ips.contains(address) else { return }
        if location.ips.count >= Self.maximumIPs { location.manyIPs = true; location.ips = [] } else { location.ips.append(address) }
        locations[mac] = location
    }
}
