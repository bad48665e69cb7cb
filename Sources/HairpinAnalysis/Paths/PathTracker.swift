import HairpinWire

/// The routed traffic of MACs that left home (protocols.md 8.9 R4-R8, R10), counted where it
/// was captured: from the moment a MAC is first seen away from its home, each unicast IP frame
/// it sends (outbound, by destination MAC: its gateway) and each one sent to it (return, by
/// source MAC: the router delivering it) is tallied per capture place, with its first and last
/// frame as evidence and its bytes per second; so are its own packets routed on by a router
/// (trombones), and at its new place each conversation's gateway and return MACs (per-flow
/// asymmetry). The verdicts are drawn from these tallies when the report is assembled, once
/// moves, gateways and places are known.
///
/// Per frame this costs one test of a 64-bit mask of the followed MACs' hashes, and a probe of
/// a small open-addressing table for the frames that pass it.
struct PathTracker {
    /// One departure of a MAC from its home, followed from `since`.
    struct Watch {
        var mac: MACAddress
        var since: Int64
        /// Frames from this time on are followed: `since`, or none once the departure came to
        /// nothing (`unwatch`).
        var followedFrom: Int64
        /// Where the MAC went: both directions of its flows pass here.
        var place: MobilityTracker.Place
        /// Its addresses when it left, to find its packets routed on under another MAC.
        var addresses: [IPAddress]
    }

    /// One conversation of a followed MAC with a far end, as its new place sees it (R6).
    struct FlowKey: Equatable {
        var watch: Int32
        var remoteIP: IPAddress
        var ipProtocol: UInt8
        var localPort: UInt16
        var remotePort: UInt16
    }

    struct FlowTally {
        var outboundFrames = 0
        var outboundBytes = 0
        var returnFrames = 0
        var returnBytes = 0
        /// The MAC its frames went to, and the MAC the replies came from (the latest of each).
        var gatewayMAC: MACAddress?
        var returnMAC: MACAddress?
    }

    enum Leg: UInt8 {
        /// Sent by the followed MAC.
        case outbound
        /// Sent to it.
        case inbound
        /// One of its outbound IP packets again, routed one hop on (TTL one lower) by a router
        /// into another segment: a trombone when both legs cross the DCI (R7).
        case routed
    }

    struct Key: Hashable {
        var watch: Int32
        var leg: Leg
        /// The gateway MAC an outbound frame went to, the router MAC a return frame came from,
        /// or the router that sent a routed copy.
        var counterpart: MACAddress
        var place: MobilityTracker.Place
    }

    /// Frames of one key: how many, their bytes, the first and last as evidence, and the bytes
    /// per second since the watch began.
    struct Tally {
        var frames = 0
        var bytes = 0
        /// Frames and bytes after the grace period that lets frames in flight at the move pass.
        var lateFrames = 0
        var lateBytes = 0
        var firstFrame = 0
        var firstTime: Int64 = 0
        var lastFrame = 0
        var lastTime: Int64 = 0
        var perSecond = BinCounter()
        /// The far end's address (destination of outbound, source of return frames) of the
        /// first frame, and whether later frames had others: a router relays many sources.
        var remoteIP: IPAddress?
        var remoteVaried = false
    }

    /// MACs followed at most (`PathSettings.maximumFollowedMACs`).
    let maximumWatches: Int
    static let maximumTallies = 1 << 16
    static let maximumFlows = 1 << 16
    /// Seconds of per-second bytes kept per tally (a day).
    static let maximumSeconds = 86_400

    let grace: Int64
    /// Read for every frame that may concern a followed MAC (`GrowingSlots`, read without an
    /// array's bounds test, as the tallies below).
    private(set) var watches = GrowingSlots<Watch>()
    /// Written for every followed frame: slots reached by address, where an array checked that
    /// its storage was not shared on each write (`GrowingSlots`; the tracker has one owner). The
    /// keys too, compared in every probe without an array's bounds test.
    private(set) var tallies = GrowingSlots<Tally>()
    private(set) var keys = GrowingSlots<Key>()
    private(set) var flowKeys = GrowingSlots<FlowKey>()
    private(set) var flows = GrowingSlots<FlowTally>()
    /// Key to tally and to flow, open addressing: SipHash per watched frame would cost more than
    /// the rest of its accounting.
    private var tallySlots = SlotIndex()
    private var flowSlots = SlotIndex()
    /// One bit per watched MAC's hash: most frames are ruled out without touching memory.
    private(set) var watchedBits: UInt64 = 0
    /// The same for the watched MACs' addresses.
    private(set) var addressBits: UInt64 = 0
    /// Recent outbound IP packets of followed MACs as their new place saw them: digest of the
    /// packet's identity and its TTL, direct-mapped (a routed copy follows within milliseconds).
    /// Written for every outbound frame of a followed MAC (`GrowingSlots`, as `tallies`).
    private var recentPackets = GrowingSlots<(digest: UInt64, ttl: UInt8)>()
    static let recentPacketSlots = 1 << 12
    /// MAC to its latest watch.
    private var watchSlots = SlotIndex()
    /// Frames not tallied because a table was full.
    private(set) var untallied = 0

    init(grace: Int64, maximumWatches: Int = 4096) {
        self.grace = grace
        self.maximumWatches = max(1, maximumWatches)
        watchSlots.prepare(entries: self.maximumWatches)
    }


    /// Follows `mac` from `since`; a later departure of the same MAC replaces the earlier one,
    /// the same departure with another place corrects where it went.
    mutating func watch(_ departure: MobilityTracker.Departure, addresses: [IPAddress]) {
        if let latest = watchIndex(of: departure.mac), watches[Int(latest)].since == departure.since {
            watches[Int(latest)].place = departure.place
            return
        }
        guard watches.count < maximumWatches else { untallied += 1; return }
        watchSlots[watchSlot(departure.mac)] = Int32(watches.count)
        watches.append(Watch(mac: departure.mac, since: departure.since, followedFrom: departure.since, place: departure.place,
                             addresses: addresses))
        addToFilters(departure.mac, addresses: addresses)
        tallySlots.prepare(entries: Self.maximumTallies)
        flowSlots.prepare(entries: Self.maximumFlows)
        if recentPackets.count == 0 { recentPackets = GrowingSlots(repeating: (0, 0), count: Self.recentPacketSlots) }
    }

    /// Stops following the departure of `mac` at `since`: it came to nothing (the MAC stayed
    /// home, lives at both places, or went on to a third place first). The MAC's frames go back
    /// to its watch before, if one is still followed (an earlier move's); the tallies so far stay,
    /// matched to no move.
    mutating func unwatch(_ mac: MACAddress, since: Int64) {
        let slot = watchSlot(mac)
        guard watchSlots[slot] >= 0 else { return }
        let latest = Int(watchSlots[slot])
        guard watches[latest].since == since, watches[latest].followedFrom != .max else { return }
        watches[latest].followedFrom = .max
        if let earlier = (0..<latest).last(where: { watches[$0].mac == mac && watches[$0].followedFrom != .max }) {
            watchSlots[slot] = Int32(earlier)
        }
        watchedBits = 0
        addressBits = 0
        for watch in watches where watch.followedFrom != .max { addToFilters(watch.mac, addresses: watch.addresses) }
    }

    /// Sets the bits of a followed MAC and its addresses in `watchedBits` and `addressBits`.
    private mutating func addToFilters(_ mac: MACAddress, addresses: [IPAddress]) {
        watchedBits |= 1 << Self.bit(mac.rawValue)
        for address in addresses { addressBits |= 1 << Self.bit(Self.hash(address)) }
    }

    @inline(__always)
    private static func hash(_ address: IPAddress) -> UInt64 {
        switch address {
        case .v4(let v4): UInt64(v4.rawValue)
        case .v6(let v6): v6.high ^ v6.low
        }
    }

    /// Whether a packet from this address may be a followed MAC's, routed on, given `addressBits`.
    @inline(__always)
    static func mayBeRouted(from address: IPAddress, bits: UInt64) -> Bool {
        bits & (1 << bit(hash(address))) != 0
    }

    /// What stays the same when a router forwards a packet: addresses, identification,
    /// protocol, ports and TCP sequence.
    @inline(__always)
    private static func identity<Fields: PathFieldSource>(_ packet: Fields) -> UInt64 {
        var digest = (packet.sourceIP.map(hash) ?? 0) &* 0x9E37_79B9_7F4A_7C15
        digest ^= (packet.destinationIP.map(hash) ?? 0) &* 0xC2B2_AE3D_27D4_EB4F
        digest ^= UInt64(packet.ipIdentification ?? 0) << 32 | UInt64(packet.ipProtocol ?? 0) << 24
        digest ^= (UInt64(packet.sourcePort ?? 0) << 48 | UInt64(packet.destinationPort ?? 0) << 32 | UInt64(packet.tcpSequence ?? 0))
            &* 0x1656_67B1_9E37_79F9
        return digest | 1
    }

    @inline(__always)
    private static func bit(_ raw: UInt64) -> UInt64 { (raw &* 0x9E37_79B9_7F4A_7C15) >> 58 }

    /// Whether a frame between these MACs may concern a followed MAC, given `watchedBits`
    /// (false positives only). Static, so the caller's copy of the bits is all it reads.
    @inline(__always)
    static func mayConcern(_ source: MACAddress, _ destination: MACAddress, bits: UInt64) -> Bool {
        bits & (1 << bit(source.rawValue) | 1 << bit(destination.rawValue)) != 0
    }

    /// The latest watch of a MAC, if it is followed.
    @inline(__always)
    func watchIndex(of mac: MACAddress) -> Int32? {
        let index = watchSlots[watchSlot(mac)]
        return index >= 0 ? index : nil
    }

    /// The slot of a MAC's watch, or the empty slot where it would go.
    @inline(__always)
    private func watchSlot(_ mac: MACAddress) -> Int {
        var slot = watchSlots.first(mac.rawValue)
        while watchSlots[slot] >= 0 && watches.base[Int(watchSlots[slot])].mac != mac { slot = watchSlots.next(slot) }
        return slot
    }

    /// Returns whether the frame was a followed MAC's.
    @discardableResult
    mutating func add<Fields: PathFieldSource>(_ packet: Fields, source: MACAddress, destination: MACAddress, place: MobilityTracker.Place,
                      time: Int64, frame: Int, length: Int) -> Bool {
        var followed = false
        if let watch = watchIndex(of: source), time >= watches.base[Int(watch)].followedFrom {
            followed = true
            tally(Key(watch: watch, leg: .outbound, counterpart: destination, place: place), remoteIP: packet.destinationIP,
                  time: time, frame: frame, length: length)
            if place == watches.base[Int(watch)].place, let remote = packet.destinationIP {
                if let ttl = packet.ttl {
                    let digest = Self.identity(packet)
                    recentPackets.base[Int(truncatingIfNeeded: digest >> 20) & (Self.recentPacketSlots - 1)] = (digest, ttl)
                }
                flow(FlowKey(watch: watch, remoteIP: remote, ipProtocol: packet.ipProtocol ?? 0, localPort: packet.sourcePort ?? 0,
                             remotePort: packet.destinationPort ?? 0), outbound: true, counterpart: destination, length: length)
            }
        }
        if let watch = watchIndex(of: destination), time >= watches.base[Int(watch)].followedFrom {
            followed = true
            tally(Key(watch: watch, leg: .inbound, counterpart: source, place: place), remoteIP: packet.sourceIP,
                  time: time, frame: frame, length: length)
            if place == watches.base[Int(watch)].place, let remote = packet.sourceIP {
                flow(FlowKey(watch: watch, remoteIP: remote, ipProtocol: packet.ipProtocol ?? 0, localPort: packet.destinationPort ?? 0,
                             remotePort: packet.sourcePort ?? 0), outbound: false, counterpart: source, length: length)
            }
        }
        return followed
    }

    /// A frame from an address of a followed MAC under another MAC: when it is one of that
    /// MAC's recent packets with the TTL one lower, a router forwarded it into another segment.
    mutating func addRouted<Fields: PathFieldSource>(_ packet: Fields, source: MACAddress, place: MobilityTracker.Place, time: Int64, frame: Int,
                            length: Int) {
        guard let address = packet.sourceIP, let ttl = packet.ttl, recentPackets.count > 0 else { return }
        let digest = Self.identity(packet)
        let recent = recentPackets[Int(truncatingIfNeeded: digest >> 20) & (Self.recentPacketSlots - 1)]
        guard recent.digest == digest, recent.ttl == ttl &+ 1,
              let watch = watches.indices.last(where: { watches[$0].addresses.contains(address) && time >= watches[$0].followedFrom }) else { return }
        tally(Key(watch: Int32(watch), leg: .routed, counterpart: source, place: place), remoteIP: packet.destinationIP,
              time: time, frame: frame, length: length)
    }

    /// Inlined in its two callers, as `tally`: a call saved and restored six registers.
    @inline(__always)
    private mutating func flow(_ key: FlowKey, outbound: Bool, counterpart: MACAddress, length: Int) {
        var hash = UInt64(UInt32(bitPattern: key.watch)) << 32 ^ UInt64(key.localPort) << 16 ^ UInt64(key.remotePort)
        switch key.remoteIP {
        case .v4(let v4): hash ^= UInt64(v4.rawValue) &* 0xC2B2_AE3D_27D4_EB4F
        case .v6(let v6): hash ^= (v6.high ^ v6.low) &* 0xC2B2_AE3D_27D4_EB4F
        }
        var slot = flowSlots.first(hash ^ UInt64(key.ipProtocol))
        while flowSlots[slot] >= 0 && flowKeys.base[Int(flowSlots[slot])] != key { slot = flowSlots.next(slot) }
        if flowSlots[slot] < 0 {
            guard flows.count < Self.maximumFlows else { untallied += 1; return }
            flowKeys.append(key)
            flows.append(FlowTally())
            flowSlots[slot] = Int32(flows.count - 1)
        }
        let flow = flows.base + Int(flowSlots[slot])
        if outbound {
            flow.pointee.outboundFrames += 1
            flow.pointee.outboundBytes += length
            flow.pointee.gatewayMAC = counterpart
        } else {
            flow.pointee.returnFrames += 1
            flow.pointee.returnBytes += length
            flow.pointee.returnMAC = counterpart
        }
    }

    /// Inlined in its three callers: a followed frame's one or two tallies were each a call that
    /// saved and restored six registers (the hairpin scenario at scale 60, one thread: 1,406 ->
    /// 1,391 million instructions).
    @inline(__always)
    private mutating func tally(_ key: Key, remoteIP: IPAddress?, time: Int64, frame: Int, length: Int) {
        var hash = key.counterpart.rawValue &* 0x9E37_79B9_7F4A_7C15 ^ MobilityTracker.Place.spread(key.place.point) &* 0xC2B2_AE3D_27D4_EB4F
        hash ^= UInt64(UInt32(bitPattern: key.watch)) << 2 | UInt64(key.leg.rawValue)
        var slot = tallySlots.first(hash)
        while tallySlots[slot] >= 0 && keys.base[Int(tallySlots[slot])] != key { slot = tallySlots.next(slot) }
        if tallySlots[slot] < 0 {
            guard tallies.count < Self.maximumTallies else { untallied += 1; return }
            keys.append(key)
            tallies.append(Tally(firstFrame: frame, firstTime: time, remoteIP: remoteIP))
            tallySlots[slot] = Int32(tallies.count - 1)
        }
        let index = Int(tallySlots[slot])
        let since = watches.base[Int(key.watch)].since
        let second = Int((time - since) / 1_000_000_000)
        let tally = tallies.base + index
        if !tally.pointee.remoteVaried && tally.pointee.remoteIP != remoteIP { tally.pointee.remoteVaried = true }
        // Frame and byte counts, far from overflowing.
        tally.pointee.frames &+= 1
        tally.pointee.bytes &+= length
        if time - since >= grace {
            tally.pointee.lateFrames &+= 1
            tally.pointee.lateBytes &+= length
        }
        tally.pointee.lastFrame = frame
        tally.pointee.lastTime = time
        if second < Self.maximumSeconds { tally.pointee.perSecond.add(length, at: second) }
    }
}

/// What the path tracker reads of a frame besides its MACs: its addresses and ports, and for the
/// digest that finds a routed copy its TTL, IP identification and TCP sequence. A common TCP
/// frame's summary holds them all (`SummaryPathFields`), so that its packet is neither decoded
/// again nor read from the core that decoded it; other frames are read in their packet
/// (`PacketView`). The tracker is specialised for each, reading only the fields it needs.
protocol PathFieldSource {
    var sourceIP: IPAddress? { get }
    var destinationIP: IPAddress? { get }
    var ipProtocol: UInt8? { get }
    var sourcePort: UInt16? { get }
    var destinationPort: UInt16? { get }
    var ttl: UInt8? { get }
    var ipIdentification: UInt32? { get }
    var tcpSequence: UInt32? { get }
}

extension PacketView: PathFieldSource {
    // Named here: a protocol's requirements are not met by dynamic member lookup.
    var sourceIP: IPAddress? { pointer.pointee.sourceIP }
    var destinationIP: IPAddress? { pointer.pointee.destinationIP }
    var ipProtocol: UInt8? { pointer.pointee.ipProtocol }
    var sourcePort: UInt16? { pointer.pointee.sourcePort }
    var destinationPort: UInt16? { pointer.pointee.destinationPort }
    var ttl: UInt8? { pointer.pointee.ttl }
    var ipIdentification: UInt32? { pointer.pointee.ipIdentification }
    var tcpSequence: UInt32? { pointer.pointee.tcpSequence }
}

/// The path fields of a summary that has them (`FrameSummary.hasPathFields`), as its packet holds them.
struct SummaryPathFields: PathFieldSource {
    let summary: UnsafePointer<FrameSummary>
    private var key: FlowKey { summary.pointee.flowKey }
    private var fromLow: Bool { summary.pointee.fromLow }
    var sourceIP: IPAddress? { fromLow ? key.lowAddress : key.highAddress }
    var destinationIP: IPAddress? { fromLow ? key.highAddress : key.lowAddress }
    var ipProtocol: UInt8? { key.ipProtocol }
    var sourcePort: UInt16? { fromLow ? key.lowPort : key.highPort }
    var destinationPort: UInt16? { fromLow ? key.highPort : key.lowPort }
    var ttl: UInt8? { summary.pointee.ttlValue }
    var ipIdentification: UInt32? { UInt32(summary.pointee.ipIdentificationValue) }
    var tcpSequence: UInt32? { summary.pointee.tcpSequenceValue }
}
