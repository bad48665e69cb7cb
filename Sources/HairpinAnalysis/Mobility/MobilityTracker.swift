import HairpinCapture
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
        /// Report every MAC's first sighting as a departure too, so the paths of hosts that
        /// never move are followed as well (`--all-hosts`).
        var followEveryHost = false
        var maximumMACs = 1 << 20
        var maximumAnnouncements = 100_000
    }

    /// Where a frame was sourced: capture point and, when present, ERSPAN session and SLL2 index.
    struct Place: Hashable, Comparable {
        var interface: Int32
        var session: Int32 = -1
        var interfaceIndex: Int64 = -1
        /// One integer per place, for the copy table.
        var point: Int { Int(interface) << 40 ^ Int(session &+ 1) << 20 ^ Int(truncatingIfNeeded: interfaceIndex &+ 1) }
        /// A `point` for hashing, its interface folded into its low bits. A multiplicative hash
        /// carries bits only upwards: the interface, 40 bits up, never reached the bits a
        /// table's slot is taken from, and the interfaces of a capture collided.
        static func spread(_ point: Int) -> UInt64 {
            let value = UInt64(bitPattern: Int64(point))
            return value ^ value >> 40
        }
        static func < (a: Place, b: Place) -> Bool {
            (a.interface, a.session, a.interfaceIndex) < (b.interface, b.session, b.interfaceIndex)
        }

        /// The place as the report gives it, with the segment it was seen on.
        func reported(segment: Int? = nil) -> Report.Place {
            Report.Place(interface: Int(interface), session: session >= 0 ? Int(session) : nil,
                         interfaceIndex: interfaceIndex >= 0 ? Int(interfaceIndex) : nil, vlan: MobilityTracker.vlan(segment),
                         vni: MobilityTracker.vni(segment), site: nil)
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
        /// Its departure was given to the path analysis (`Departure`): only such a one is
        /// abandoned (`DepartureChange`).
        var departed = false
    }

    /// Plain values only, so reading and writing one costs no reference counting.
    struct Location {
        var mac: MACAddress
        var place: Place
        var vlan: Int?
        var lastSeen: Int64
        /// First sighting at `place`, and how many unicast frames since: a place seen only through
        /// a flooded broadcast (reaching several points at the same instant) is no home yet.
        var since: Int64
        var sightings = 0
        /// A further place the MAC is sourced from all along (NIC teaming): not a move.
        var otherHome: Place?
        var candidate: Candidate?
        /// The last address learned, so a stream from one address costs one comparison.
        var lastIP: IPAddress?
        /// More addresses than `maximumIPs` were seen: a router, not a host.
        var manyIPs = false
        /// The first-hop virtual MAC most of its frames go to (a majority vote over the frames
        /// sent to virtual MACs), and the vote's margin: the gateway the host's ARP cache holds.
        var gatewayMAC: MACAddress?
        var gatewayMargin = 0
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
    /// Segments above this are VNIs (`segment & 0xFF_FFFF`), below it VLAN ids.
    static let vniFlag = 0x100_0000
    /// Gaps kept per burst (a storm extends one burst without end).
    static let maximumGaps = 32
    let settings: Settings
    /// Each MAC's position in `locations`, by the MAC's 48 bits.
    private var locationSlots = SlotIndex()
    /// Read through `location(of:)`, which adds what is pending (`pendingLastSeen`). Written for
    /// most frames that are not taken at home: `GrowingSlots`, where an array checked its
    /// uniqueness for each (a third of the ERSPAN scenario's frames at scale 60). A copy of the
    /// tracker shares it: the report finishes a `detached` one.
    private var locations = GrowingSlots<Location>()
    /// The addresses of each location, by index.
    private(set) var addresses: [[IPAddress]] = []
    /// Consecutive frames mostly share their source: the last one's entry skips the lookup.
    private var lastMAC = MACAddress(rawValue: 0)
    private var lastEntry = -1
    /// What the frames of `lastEntry` taken at home by `add` left to write to it: the time of the
    /// last (`Int64.min`: nothing) and how many were unicast. Written once another frame needs
    /// the entry (`settlePending`), not for every frame.
    private var pendingLastSeen = Int64.min
    private var pendingSightings = 0
    private(set) var bursts: [Burst] = []
    private var openBursts: [BurstKey: Int] = [:]
    private(set) var moves: [Move] = []

    struct BurstKey: Hashable {
        var mac: MACAddress
        var kind: AnnouncementKind
        var place: Place
    }

    init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// Where a frame was captured: its capture point, ERSPAN session and SLL2 interface index.
    @inline(__always)
    static func place(of packet: PacketView, interface: Int) -> Place {
        Place(interface: Int32(interface), session: packet.erspan.map { Int32($0.sessionID) } ?? -1,
              interfaceIndex: packet.cookedInterfaceIndex.map(Int64.init) ?? -1)
    }

    /// The same for a summarised frame: only an unusual one (`FrameSummary.isUnusual`) can have
    /// an SLL2 index, read from its decoded packet.
    @inline(__always)
    static func place(of summary: UnsafePointer<FrameSummary>, decoded: UnsafePointer<DecodedPacket>) -> Place {
        var frame: FrameSummary { summary.pointee }
        if frame.isUnusual { return place(of: PacketView(decoded), interface: Int(frame.interface)) }
        return Place(interface: frame.interface, session: frame.erspanSession.map(Int32.init) ?? -1)
    }

    /// A MAC that left its home for another place at `since`: the path analysis follows its
    /// frames from then on, before the move is confirmed. The same departure comes again with a
    /// new place when the first one was only where a flooded broadcast was seen first.
    struct Departure {
        var mac: MACAddress
        var since: Int64
        var place: Place
    }

    /// What a frame changed in the departures of its source MAC: the one it began, and the one
    /// before that came to nothing (`abandoned`, its `since`): the MAC stayed home, turned out
    /// to live at both places, or went on to a third place first. The path analysis stops
    /// following an abandoned departure.
    struct DepartureChange {
        var mac: MACAddress
        var abandoned: Int64?
        var departure: Departure?
    }

    /// Feeds one frame captured at `place` that `SightingFilter` found an original sighting of
    /// its source MAC, by its summary (the decoded packet is read only when the frame is unusual:
    /// ARP and neighbour discovery). `gateways` says whether an IP is a first-hop virtual IP; it
    /// is only read, and lent `inout` because a value read out of the analysis would be copied,
    /// its tables retained and released, for every frame. Returns the departure the frame
    /// begins, if it is the first sighting of an established MAC away from home, and the one it
    /// ends, if a departure came to nothing.
    @inline(__always)
    mutating func add(_ summary: UnsafePointer<FrameSummary>, decoded: UnsafePointer<DecodedPacket>, time: Int64, place: Place, frame: Int,
                      gateways: inout GatewayTracker) -> DepartureChange? {
        // Most frames: from the MAC of the frame before (never a virtual one), which is at home.
        // Told here, where frames are consumed, without the call of the whole.
        if !summary.pointee.isUnusual, let source = summary.pointee.sourceMAC, source == lastMAC, lastEntry >= 0 {
            let entry = lastEntry, destination = summary.pointee.destinationMAC, sourceIP = summary.pointee.sourceIP(decoded)
            if Self.isAtHome(locations.base + entry, place: place, destination: destination, sourceIP: sourceIP) {
                pendingLastSeen = time
                pendingSightings &+= Self.sightingWeight(destination)
                return nil
            }
        }
        settlePending()
        return addAny(summary, decoded: decoded, time: time, place: place, frame: frame, gateways: &gateways)
    }

    /// Writes what `add` left pending to `lastEntry`.
    @inline(__always)
    private mutating func settlePending() {
        guard pendingLastSeen != .min else { return }
        Self.apply(pending: (pendingLastSeen, pendingSightings), to: &locations[lastEntry])
        pendingLastSeen = .min
        pendingSightings = 0
    }

    @inline(__always)
    private static func apply(pending: (lastSeen: Int64, sightings: Int), to location: inout Location) {
        location.lastSeen = pending.lastSeen
        location.sightings &+= pending.sightings
    }

    /// What most frames that announce nothing (no ARP, no neighbour discovery) come down to: the
    /// MAC at home with no move pending, sourcing its usual address, sending to no gateway that
    /// would take a vote. Its last sighting moves on, and that is all `sighting` and the rest of
    /// `addAny` would do. False, and nothing changed, for any other frame.
    @inline(__always)
    private static func sightedAtHome(_ location: UnsafeMutablePointer<Location>, place: Place, destination: MACAddress?,
                                      sourceIP: IPAddress?, time: Int64) -> Bool {
        guard isAtHome(location, place: place, destination: destination, sourceIP: sourceIP) else { return false }
        location.pointee.lastSeen = time
        // A count of frames, far from overflowing, for most frames: without an overflow check.
        location.pointee.sightings &+= sightingWeight(destination)
        return true
    }

    /// `sightedAtHome`'s test, changing nothing. A MAC that sourced more than `maximumIPs`
    /// addresses (a router's) learns none any more: any address is its usual one. Its frames
    /// took the whole way each time their source address changed, which on an uplink is most of
    /// the frames the gateway forwards (100,000 flows from one MAC: 204 instructions a frame
    /// here, 45 with one address).
    @inline(__always)
    private static func isAtHome(_ location: UnsafePointer<Location>, place: Place, destination: MACAddress?, sourceIP: IPAddress?) -> Bool {
        guard case .none = location.pointee.candidate, location.pointee.place == place,
              destination.map({ VirtualMAC.kind(of: $0) == nil }) ?? true, let address = sourceIP else { return false }
        return address == location.pointee.lastIP || location.pointee.manyIPs
    }

    /// What a frame to `destination` adds to its source's sightings: unicast frames count.
    @inline(__always)
    private static func sightingWeight(_ destination: MACAddress?) -> Int { destination.map { $0.isMulticast ? 0 : 1 } ?? 0 }

    private mutating func addAny(_ summary: UnsafePointer<FrameSummary>, decoded: UnsafePointer<DecodedPacket>, time: Int64, place: Place, frame: Int,
                                 gateways: inout GatewayTracker) -> DepartureChange? {
        guard let source = summary.pointee.sourceMAC else { return nil }
        // The segment: the innermost VLAN, or for VXLAN/Geneve the VNI (flagged above VLAN range).
        let vlan = summary.pointee.segment
        let virtual = VirtualMAC.kind(of: source) != nil
        // Only ARP and neighbour discovery announce, or teach addresses other than the source's.
        var announcing = false
        if summary.pointee.isUnusual {
            let packet = PacketView(decoded)
            announcing = packet.arp != nil || packet.neighborDiscovery != nil
            if let (kind, mac, ip) = AnnouncementKind.classify(packet) {
                announce(kind: kind, mac: mac, ip: ip, place: place, vlan: vlan, time: time, frame: frame,
                         gateway: VirtualMAC.kind(of: mac) != nil || (ip.map { gateways.isVirtualIP($0) } ?? false))
            }
        }
        guard !virtual else { return nil }
        var firstSighting: Departure?
        let entry: Int
        if source == lastMAC && lastEntry >= 0 {
            entry = lastEntry
        } else if let found = position(of: source) {
            entry = found
        } else {
            guard locations.count < settings.maximumMACs else { return nil }
            entry = locations.count
            let known = locations
            locationSlots.makeRoom(entries: entry) { known[$0].mac.rawValue }
            locationSlots.insert(entry, hash: source.rawValue)
            locations.append(Location(mac: source, place: place, vlan: vlan, lastSeen: time, since: time, sightings: 0))
            addresses.append([])
            if settings.followEveryHost { firstSighting = Departure(mac: source, since: time, place: place) }
        }
        lastMAC = source
        lastEntry = entry
        let destination = summary.pointee.destinationMAC
        let sourceIP = summary.pointee.sourceIP(decoded)
        let unicast = !(destination?.isMulticast ?? true)
        let settings = settings
        var move: Move?
        var departure = firstSighting
        var abandoned: Int64?
        // The location is updated through one pointer, without a bounds test for each field.
        let location = locations.base + entry
        let learnsIP = { () -> Bool in
            if !announcing && Self.sightedAtHome(location, place: place, destination: destination, sourceIP: sourceIP, time: time) {
                return false
            }
            let pending = location.pointee.candidate.map { (first: $0.first, place: $0.place, departed: $0.departed) }
            let home = location.pointee.place
            move = Self.sighting(&location.pointee, at: place, vlan: vlan, time: time, unicast: unicast, settings: settings)
            // A departed candidate is gone, or another one began, and the MAC did not move.
            if let pending, pending.departed, move == nil, location.pointee.place == home, location.pointee.candidate?.first != pending.first {
                abandoned = pending.first
            }
            if let candidate = location.pointee.candidate, candidate.first != pending?.first || candidate.place != pending?.place,
               Self.established(since: location.pointee.since, last: location.pointee.lastSeen, sightings: location.pointee.sightings, settings) {
                departure = Departure(mac: source, since: candidate.first, place: candidate.place)
                location.pointee.candidate?.departed = true
            }
            if let destination, VirtualMAC.kind(of: destination) != nil {
                if location.pointee.gatewayMAC == destination {
                    location.pointee.gatewayMargin += 1
                } else if location.pointee.gatewayMargin == 0 {
                    location.pointee.gatewayMAC = destination
                    location.pointee.gatewayMargin = 1
                } else {
                    location.pointee.gatewayMargin -= 1
                }
            }
            // Most frames carry the address the MAC was last seen with: nothing to learn.
            if !announcing, let address = sourceIP, address == location.pointee.lastIP { return false }
            return true
        }()
        if let move { moves.append(move) }
        if learnsIP { learnAnyNewIP(entry, sourceIP, announcing ? PacketView(decoded) : nil) }
        guard departure != nil || abandoned != nil else { return nil }
        return DepartureChange(mac: source, abandoned: abandoned, departure: departure)
    }

    /// Where the MAC is known to live, if it was seen.
    func location(of mac: MACAddress) -> Location? {
        position(of: mac).map { entry in
            var location = locations[entry]
            if entry == lastEntry && pendingLastSeen != .min { Self.apply(pending: (pendingLastSeen, pendingSightings), to: &location) }
            return location
        }
    }

    func addresses(of mac: MACAddress) -> [IPAddress] {
        position(of: mac).map { addresses[$0] } ?? []
    }

    /// The MAC's position in `locations`, if it was seen.
    @inline(__always)
    private func position(of mac: MACAddress) -> Int? {
        guard !locations.isEmpty else { return nil }
        var slot = locationSlots.first(mac.rawValue)
        while true {
            let position = locationSlots[slot]
            if position < 0 { return nil }
            if locations[Int(position)].mac == mac { return Int(position) }
            slot = locationSlots.next(slot)
        }
    }

    private mutating func announce(kind: AnnouncementKind, mac: MACAddress, ip: IPAddress?, place: Place, vlan: Int?, time: Int64,
                                   frame: Int, gateway: Bool) {
        let key = BurstKey(mac: mac, kind: kind, place: place)
        if let open = openBursts[key], time - bursts[open].last <= settings.burstGap, bursts[open].ip == ip || ip == nil {
            if bursts[open].gaps.count < Self.maximumGaps { bursts[open].gaps.append(time - bursts[open].last) }
            bursts[open].last = time
            bursts[open].frames += 1
            return
        }
        guard bursts.count < settings.maximumAnnouncements else { return }
        openBursts[key] = bursts.count
        bursts.append(Burst(kind: kind, mac: mac, ip: ip, place: place, vlan: vlan, first: time, last: time, frame: frame, gateway: gateway))
    }

    private static func established(since: Int64, last: Int64, sightings: Int, _ settings: Settings) -> Bool {
        last - since >= settings.establishedSpan || sightings >= settings.establishedSightings
    }

    /// One original sighting of the MAC at `place`; returns the move it confirms, if any.
    private static func sighting(_ location: inout Location, at place: Place, vlan: Int?, time: Int64, unicast: Bool,
                                 settings: Settings) -> Move? {
        let weight = unicast ? 1 : 0
        if place == location.place || place == location.otherHome {
            location.lastSeen = time
            location.sightings += weight
            if var candidate = location.candidate {
                if candidate.lastWasHere { candidate.flipFlops += 1; candidate.lastWasHere = false }
                if candidate.flipFlops > settings.multihomedFlipFlops {
                    location.otherHome = candidate.place
                    location.candidate = nil
                } else {
                    // Back for good: the old place outlasted the new one.
                    location.candidate = time - candidate.last > settings.debounce ? nil : candidate
                }
            }
            return nil
        }
        if var candidate = location.candidate, candidate.place == place {
            candidate.last = time
            candidate.sightings += weight
            candidate.lastWasHere = true
            location.candidate = candidate
            let settled = established(since: candidate.since, last: candidate.last, sightings: candidate.sightings, settings)
            if time - location.lastSeen >= settings.debounce
                || (settled && !established(since: location.since, last: location.lastSeen, sightings: location.sightings, settings)) {
                return confirm(&location, settings)
            }
        } else if var candidate = location.candidate,
                  !established(since: candidate.since, last: candidate.last, sightings: candidate.sightings, settings) {
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
        return nil
    }

    /// The candidate becomes the location; a move unless the old place never became a home
    /// (it was a first guess, not a location to move from).
    private static func confirm(_ location: inout Location, _ settings: Settings) -> Move? {
        guard let candidate = location.candidate else { return nil }
        var move: Move?
        if established(since: location.since, last: location.lastSeen, sightings: location.sightings, settings) {
            move = Move(mac: location.mac, time: candidate.first, from: location.place, fromVLAN: location.vlan,
                        to: candidate.place, toVLAN: candidate.vlan, flipFlops: candidate.flipFlops)
        }
        location.place = candidate.place
        location.vlan = candidate.vlan
        location.lastSeen = candidate.last
        location.since = candidate.since
        location.sightings = candidate.sightings
        location.otherHome = nil
        location.candidate = nil
        return move
    }

    /// A copy with locations of its own, to `finish` while this tracker goes on.
    func detached() -> MobilityTracker {
        var copy = self
        copy.locations = GrowingSlots(copying: locations)
        return copy
    }

    /// Moves still pending at the end of the capture: confirmed when the new place was seen last
    /// and either the old place had been silent long enough or the new one is a home.
    mutating func finish(at end: Int64) {
        settlePending()
        for entry in locations.indices {
            guard let candidate = locations[entry].candidate else { continue }
            let location = locations[entry]
            let settled = Self.established(since: candidate.since, last: candidate.last, sightings: candidate.sightings, settings)
            if candidate.last > location.lastSeen && (end - location.lastSeen >= settings.minimumStable || settled),
               let move = Self.confirm(&locations[entry], settings) {
                moves.append(move)
            }
        }
        moves.sort { ($0.time, $0.mac) < ($1.time, $1.mac) }
    }

    /// The IPs a MAC uses: ARP senders, NA targets, IP sources (not link-local or unspecified).
    /// `announcing`: the decoded packet of an ARP or neighbour discovery frame.
    private mutating func learnAnyNewIP(_ entry: Int, _ sourceIP: IPAddress?, _ announcing: PacketView?) {
        var address: IPAddress?
        if let arp = announcing?.arp {
            if arp.senderMAC == locations[entry].mac, let ip = arp.senderIP, !ip.isUnspecified, arp.opcode <= 2 { address = .v4(ip) }
        } else if let nd = announcing?.neighborDiscovery, nd.message == .neighborAdvertisement, let target = nd.target {
            address = .v6(target)
        } else {
            address = sourceIP
        }
        guard let address, address != locations[entry].lastIP, !locations[entry].manyIPs else { return }
        locations[entry].lastIP = address
        guard !address.isUnspecified, !address.isMulticast, !address.isLinkLocal, !addresses[entry].contains(address) else { return }
        if addresses[entry].count >= Self.maximumIPs {
            locations[entry].manyIPs = true
            addresses[entry] = []
        } else {
            addresses[entry].append(address)
        }
    }
}
