import CPlatform
import HairpinCapture
import HairpinWire
import Synchronization

/// The analysis pipeline: each record is decoded once and handed to the trackers (flows,
/// migration candidates, uplink series) in a fixed order; `report` assembles the result.
public final class Analysis {
    public enum UplinkBy: String, Sendable, CaseIterable {
        /// ERSPAN-mirrored frames by session, everything else by capture interface.
        case auto, interface, erspan, vlan
    }

    public struct Options: Sendable {
        public var bin: Int64 = 1_000_000_000
        public var uplinkBy: UplinkBy = .auto
        /// Count preamble, inter-frame gap and FCS (line rate) instead of frame bytes.
        public var lineRate = false
        /// Link speeds by uplink name, overriding the capture's if_speed.
        public var speeds: [String: UInt64] = [:]
        public var busyThreshold = 0.8
        public var migrations = MigrationSettings()
        public var flowCapacity = 1 << 20
        public var topTalkers = 5
        /// Series longer than this many bins are coarsened (bins doubled) so memory stays bounded
        /// on captures that span days or years; the report gives the bin width used.
        public var maximumBins = 1 << 18
        /// A frame seen again on another capture point within this is a copy, not a sighting.
        public var copyWindow: Int64 = 50_000_000
        /// Announcement frames of one MAC, kind and place closer than this are one burst.
        public var announcementBurstGap: Int64 = 1_000_000_000
        /// A MAC's new location must hold this long past its last sighting at the old one.
        public var moveDebounce: Int64 = 5_000_000_000
        /// What pcapng record directions mean for where a frame was sourced.
        public var directionMeaning: DirectionMeaning = .ignore
        /// Sites, segments and capture points (`--topology`): names the sites of places.
        public var topology: Topology?
        /// Thresholds of the path verdicts.
        public var paths = PathSettings()
        /// Also give the paths of hosts that did not move (their frames are followed from their
        /// first sighting): a VM sitting at one site and routed at the other is a hairpin too.
        public var pathsForAllHosts = false
        /// The trackers this instance runs: all of them, or one half when two threads share a
        /// capture (`ParallelAnalysis`).
        public var parts: Parts = .all

        public init() {}
    }

    /// The two halves of the per-packet work, independent of each other: each reads what the
    /// decoder gives and none of the other's state, so they can run on two threads over the same
    /// records and be joined into the report one thread would give.
    public struct Parts: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// Flows, migration streams and their uplink bins.
        public static let traffic = Parts(rawValue: 1)
        /// Gateways, MAC locations and moves, the paths of moved hosts.
        public static let hosts = Parts(rawValue: 2)
        public static let all: Parts = [.traffic, .hosts]
    }

    public let options: Options
    /// Every port of `options.migrations` (named and QEMU's range).
    private let migrationPorts: PortSet
    public let decoder = Decoder()
    @exclusivity(unchecked) private var flows: FlowTable
    private let candidates = GrowingSlots<MigrationCandidate>()
    @exclusivity(unchecked) private var series: [UplinkSeries] = []
    private var identities: [UplinkIdentity] = []
    private var identityIndex: [UplinkIdentity: Int32] = [:]
    /// Fast path: the uplink of each interface when frames are billed to their interface.
    @exclusivity(unchecked) private var interfaceUplink: [Int32] = []
    /// Fast paths of frames billed to their ERSPAN session or VLAN: the uplink at
    /// `interface * keysPerInterface + session or VLAN id`, -1 until the dictionary was asked
    /// (hashing the identity for every frame cost the ERSPAN scenario about 300 instructions a frame).
    @exclusivity(unchecked) private var sessionUplink: [Int32] = []
    @exclusivity(unchecked) private var vlanUplink: [Int32] = []
    /// ERSPAN session ids (10 bits) and VLAN ids (12 bits) are below this.
    private static let keysPerInterface = 4096
    /// Interfaces whose sessions and VLANs have a fast path, at most: a table's size must not
    /// follow an interface id the file chose (16 KB of table for each interface up to it). The
    /// interfaces above, rare, ask the dictionary every time.
    private static let keyedInterfaces = 16
    @exclusivity(unchecked) private var origin: Int64?
    /// The bin width in use: `options.bin`, doubled as often as the span required.
    @exclusivity(unchecked) private var binWidth: Int64
    /// The bin of the last frame and its time range (empty until a frame sets it).
    @exclusivity(unchecked) private var cachedBin = 0
    @exclusivity(unchecked) private var cachedBinStart: Int64 = 0
    @exclusivity(unchecked) private var cachedBinEnd: Int64 = 0
    @exclusivity(unchecked) private var packets = 0
    @exclusivity(unchecked) private var bytes = 0
    @exclusivity(unchecked) private var capturedBytes = 0
    /// The earliest and latest frame times (`Int64.max` and `.min` before the first): kept as
    /// plain values, each frame compares without unwrapping.
    @exclusivity(unchecked) private var earliest = Int64.max
    @exclusivity(unchecked) private var latest = Int64.min
    private var firstTime: Int64? { earliest <= latest ? earliest : nil }
    private var lastTime: Int64? { earliest <= latest ? latest : nil }
    /// Packets and bytes per capture interface. Frames of several capture points come
    /// interleaved: each frame adds in place, to memory of its own (`IndexedCounters`), not to
    /// an array checked for sharing. Counting runs of frames of one interface, and of one uplink
    /// in one bin, apart and adding each run here and to `openBins` saved 10 instructions a frame
    /// where one interface has every frame (the 64-byte benchmark capture) and cost 57 where
    /// capture points alternate (the hairpin scenario at scale 60, one thread).
    @exclusivity(unchecked) private var interfaceTotals = IndexedCounters(empty: (packets: 0, bytes: 0))
    /// Each uplink's packets and bytes in its latest bin, added to its `series` when a frame of
    /// the uplink falls in another bin, or before the series are read (`report`, `coarsen`).
    @exclusivity(unchecked) private var openBins = IndexedCounters(empty: (bin: 0, packets: 0, bytes: 0))
    @exclusivity(unchecked) private var decodeStops = DecodeCounters()
    private var releasedFlows: [FlowState] = []
    @exclusivity(unchecked) var gatewayTracker = GatewayTracker()
    @exclusivity(unchecked) var mobility: MobilityTracker
    /// Which frames `mobility` places.
    @exclusivity(unchecked) private(set) var sightings: SightingFilter
    @exclusivity(unchecked) var paths: PathTracker
    @exclusivity(unchecked) private var followedMACs: UInt64 = 0
    @exclusivity(unchecked) private var followedAddresses: UInt64 = 0

    /// The decoded form of the record being consumed, reused for every record: decoded in
    /// place, it is not rebuilt for each frame.
    private let scratch: UnsafeMutablePointer<DecodedPacket>
    /// Its summary, filled in place likewise.
    private let scratchSummary: UnsafeMutablePointer<FrameSummary>
    /// The last `lookAhead` records given to `consumeAhead`, summed up and decoded, not yet
    /// consumed: a ring of summaries and decoded packets, the next to fill at `aheadNext`, masked.
    private let aheadSummaries: UnsafeMutablePointer<FrameSummary>
    private let aheadPackets: UnsafeMutablePointer<DecodedPacket>
    @exclusivity(unchecked) private var aheadNext = 0
    @exclusivity(unchecked) private var aheadPending = 0
    /// Records summed up before the one consumed (a power of two): its table lines were asked
    /// for this many frames before (`prefetch`), as the analysing thread of two asks (six).
    static let lookAhead = 8
    /// When `consumeAhead` looks ahead.
    public enum LookAhead: Sendable {
        /// Where the tables a frame touches are likely beyond the caches: more than
        /// `flowsForLookAhead` live flows, or copy digests looked up (a second capture point).
        /// Decided after `firstLookAheadReview` frames, then every `lookAheadReview`. Elsewhere
        /// looking ahead only costs (the 64-byte benchmark capture's 256 flows at one point: 28
        /// instructions a frame).
        case whereTablesAreLarge
        /// Never: every record is consumed as it comes.
        case never
        /// On and off in turn every this many frames, from the first (tests).
        case alternating(every: Int)
    }
    public var lookAhead = LookAhead.whereTablesAreLarge
    /// Whether `consumeAhead` looks ahead now, and the frame count at which it decides again.
    @exclusivity(unchecked) private var looksAhead = false
    @exclusivity(unchecked) private var lookAheadReviewAt = 0
    static let firstLookAheadReview = 4096
    static let lookAheadReview = 1 << 16
    static let flowsForLookAhead = 2048
    /// Records `consumeAhead` looked ahead of.
    public var framesLookedAhead: Int { aheadNext }

    public init(options: Options = Options()) {
        self.options = options
        scratch = .allocate(capacity: 1)
        scratch.initialize(to: DecodedPacket(linkType: .ethernet, capturedLength: 0))
        scratchSummary = .allocate(capacity: 1)
        scratchSummary.initialize(to: FrameSummary())
        aheadSummaries = .allocate(capacity: Self.lookAhead)
        aheadSummaries.initialize(repeating: FrameSummary(), count: Self.lookAhead)
        aheadPackets = .allocate(capacity: Self.lookAhead)
        aheadPackets.initialize(repeating: DecodedPacket(linkType: .ethernet, capturedLength: 0), count: Self.lookAhead)
        binWidth = options.bin
        runsHosts = options.parts.contains(.hosts)
        runsTraffic = options.parts.contains(.traffic)
        packetsRarelyRead = Self.readsFewPackets(options)
        sightings = SightingFilter(copyWindow: options.copyWindow, directionMeaning: options.directionMeaning, enabled: runsHosts)
        mobility = MobilityTracker(settings: .init(burstGap: options.announcementBurstGap, debounce: options.moveDebounce,
                                                   followEveryHost: options.pathsForAllHosts))
        paths = PathTracker(grace: options.paths.grace, maximumWatches: options.paths.maximumFollowedMACs)
        flows = FlowTable(capacity: options.flowCapacity)
        migrationPorts = PortSet(Array(options.migrations.ports.keys) + Array(options.migrations.qemuPorts))
        flows.onRelease = { [unowned self] state in self.releasedFlows.append(state) }
    }

    deinit {
        scratch.deinitialize(count: 1)
        scratch.deallocate()
        scratchSummary.deallocate()
        aheadSummaries.deallocate()
        aheadPackets.deinitialize(count: Self.lookAhead)
        aheadPackets.deallocate()
        interfaceTotals.deallocate()
        openBins.deallocate()
    }

    // MARK: Per packet

    /// Decodes `record` into the value reused for every record and consumes it.
    @inline(__always)
    public func consume(_ record: Record) {
        // A common TCP frame is summed up without decoding it, its packet decoded only if a
        // tracker needs it while the record's bytes are at hand.
        scratchSummary.pointee.fill(record, decodingWith: decoder, into: scratch, digests: runsHosts, keepingCommonPacketBack: packetsRarelyRead)
        consume(scratchSummary, decoded: scratch)
    }

    /// Consumes `record` after the next `lookAhead - 1` records, in order: summed up and decoded
    /// now, the lines of the tables it will touch asked for now (`prefetch`), so that they are
    /// in the cache when it is analysed. One thread's way through a capture whose frames touch
    /// more than the caches hold (a flow table, the copy digests of several capture points): the
    /// hairpin scenario at scale 60, one thread, 74 -> 52 ms. The record's bytes must stay valid
    /// until then, as a mapped file's do. `finishAhead` consumes those still held.
    @inline(__always)
    public func consumeAhead(_ record: Record) {
        if packets >= lookAheadReviewAt { reviewLookAhead() }
        guard looksAhead else {
            consume(record)
            return
        }
        let slot = aheadNext & (Self.lookAhead - 1)
        let summary = aheadSummaries + slot, packet = aheadPackets + slot
        // The slot to fill holds the oldest record, when every slot is taken.
        if aheadPending == Self.lookAhead {
            consume(summary, decoded: packet)
        } else {
            aheadPending &+= 1
        }
        summary.pointee.fill(record, decodingWith: decoder, into: packet, digests: runsHosts, keepingCommonPacketBack: packetsRarelyRead)
        prefetch(for: summary)
        aheadNext &+= 1
    }

    /// Decides whether `consumeAhead` looks ahead from now on (`lookAhead`).
    @inline(never)
    private func reviewLookAhead() {
        let wanted: Bool
        let interval: Int
        switch lookAhead {
        case .whereTablesAreLarge:
            wanted = packets > 0 && (flows.count > Self.flowsForLookAhead || sightings.looksUpCopies)
            interval = packets < Self.firstLookAheadReview ? Self.firstLookAheadReview : Self.lookAheadReview
        case .never:
            wanted = false
            interval = .max
        case .alternating(let every):
            wanted = !looksAhead
            interval = max(1, every)
        }
        // Records held are consumed before the next is consumed as it comes.
        if looksAhead && !wanted { finishAhead() }
        looksAhead = wanted
        // Frames consumed from here: while looking ahead, the first `lookAhead` records are only held.
        lookAheadReviewAt = packets.addingReportingOverflow(interval).overflow ? .max : packets + interval
    }

    /// Consumes the records `consumeAhead` still holds, in order.
    public func finishAhead() {
        for index in 0..<aheadPending {
            let slot = (aheadNext &- aheadPending &+ index) & (Self.lookAhead - 1)
            consume(aheadSummaries + slot, decoded: aheadPackets + slot)
        }
        aheadPending = 0
    }

    /// Consumes a frame by its summary (`FrameSummary`), maybe worked out on another thread. The
    /// decoded packet is read only for the frames that need more than the summary, and no frame's
    /// bytes at all: what a tracker needs of them is in the summary.
    /// The summary is lent by address and its fields read where they are used: passed as a value,
    /// all of it was copied to the stack for every frame.
    public func consume(_ summary: UnsafePointer<FrameSummary>, decoded: UnsafePointer<DecodedPacket>) {
        var frame: FrameSummary { summary.pointee }
        // Counters of every frame add without overflow checks: a capture's frames and bytes stay
        // far below `Int.max` (a frame's lengths are 32-bit).
        packets &+= 1
        let originalLength = Int(frame.originalLength)
        bytes &+= originalLength
        capturedBytes &+= Int(frame.capturedLength)
        let time = frame.timestamp
        if frame.hasTimestamp {
            earliest = min(earliest, time)
            latest = max(latest, time)
        }
        // Mirrored frames count with their own length, on their session's uplink.
        let session = frame.erspanSession
        var length = originalLength
        if session != nil { length = max(0, originalLength &- frame.mirroredFrameStart(decoded)) }
        if options.lineRate { length = LineRate.bytes(length) }
        let interface = Int(frame.interface)
        if runsHosts { consumeHosts(summary, decoded, interface: interface, time: time, length: length) }
        // The rest is the traffic half's: a thread running only the host trackers skips it.
        guard runsTraffic else { return }
        let totals = interfaceTotals.at(interface)
        totals.pointee.packets &+= 1
        totals.pointee.bytes &+= originalLength
        if frame.isUnusual, let stop = PacketView(decoded).stop { decodeStops.count(stop, frame: packets) }

        let uplink = uplinkOf(interface, session: session, decoded)
        // Records without a time of their own (simple packet blocks) wait for the first that has one.
        if origin == nil && frame.hasTimestamp { origin = (time / binWidth) * binWidth }
        var bin = 0
        if time >= cachedBinStart && time < cachedBinEnd {
            bin = cachedBin
        } else if let origin {
            bin = max(0, Int((time - origin) / binWidth))
            while bin >= options.maximumBins {
                coarsen()
                bin = max(0, Int((time - origin) / binWidth))
            }
            // Frames come in time order: most fall in the bin of the one before, without a division.
            cachedBin = bin
            cachedBinStart = origin + Int64(bin) * binWidth
            cachedBinEnd = cachedBinStart + binWidth
            if time < origin { cachedBinEnd = cachedBinStart }
        }
        let open = openBins.at(Int(uplink))
        if open.pointee.bin != bin { closeBin(of: Int(uplink), opening: bin) }
        open.pointee.packets &+= 1
        open.pointee.bytes &+= length
        consumeTraffic(summary, decoded, time: time, length: length, uplink: uplink, bin: bin)
    }

    /// Adds an uplink's open bin to its series, and opens `bin` in its place.
    @inline(never)
    private func closeBin(of uplink: Int, opening bin: Int) {
        let open = openBins.at(uplink)
        if open.pointee.packets > 0 { series[uplink].add(packets: open.pointee.packets, bytes: open.pointee.bytes, bin: open.pointee.bin) }
        open.pointee = (bin: bin, packets: 0, bytes: 0)
    }

    /// Adds every uplink's open bin to its series.
    private func closeBins() {
        for uplink in 0..<openBins.count { closeBin(of: uplink, opening: 0) }
    }

    /// Asks for the lines the frame summarised by `frame` will touch, a few frames ahead of it:
    /// the first probe of its flow, at the place its hash picks, the set of its copy digest, or
    /// its bytes when it is to be summed up here.
    /// The summary is lent by address, as to `consume`: passed as a value, it was copied.
    @inline(__always)
    public func prefetch(for summary: UnsafePointer<FrameSummary>) {
        var frame: FrameSummary { summary.pointee }
        if runsTraffic, frame.hasFlow { flows.prefetch(hash: frame.flowHash) }
        if runsHosts, !frame.isUnsummed { sightings.prefetch(digest: frame.mirrorDigest) }
        // A frame left unsummed is read here: its headers, from the other core's cache or memory.
        if frame.isUnsummed, let bytes = frame.heldBytes {
            hairpin_prefetch(bytes)
            hairpin_prefetch(bytes + 64)
        }
    }

    /// Records consumed, with their captured and original bytes.
    public var totals: (records: Int, capturedBytes: Int, originalBytes: Int) { (packets, capturedBytes, bytes) }

    /// `options.parts`, read once per record without an exclusivity check.
    @exclusivity(unchecked) private var runsHosts: Bool
    private let runsTraffic: Bool
    /// `readsFewPackets(options)`.
    private let packetsRarelyRead: Bool
    /// Frames whose decoded packet a tracker read (the path tracker's), counted on the analysing
    /// thread and published for the reading one (`FrameRing`), which stops keeping packets
    /// back while many are read.
    @exclusivity(unchecked) private var packetsRead = 0
    private let packetsReadShared = Atomic<Int>(0)
    /// `packetsRead`, from any thread.
    var packetsReadSoFar: Int { packetsReadShared.load(ordering: .relaxed) }

    @inline(__always)
    private func consumeHosts(_ summary: UnsafePointer<FrameSummary>, _ decoded: UnsafePointer<DecodedPacket>, interface: Int, time: Int64,
                              length: Int) {
        var frame: FrameSummary { summary.pointee }
        if frame.isUnusual { learnGateways(PacketView(decoded), interface: interface, time: time) }
        let place = MobilityTracker.place(of: summary, decoded: decoded)
        if sightings.isOriginal(summary, place: place),
           let change = mobility.add(summary, decoded: decoded, time: time, place: place, frame: packets, gateways: &gatewayTracker) {
            follow(change)
        }
        // Plain copies of the path tracker's filters: reaching into it for every frame costs more.
        if followedMACs != 0, let source = frame.sourceMAC, let destination = frame.destinationMAC, !destination.isMulticast,
           let sourceIP = frame.sourceIP(decoded),
           PathTracker.mayConcern(source, destination, bits: followedMACs) || PathTracker.mayBeRouted(from: sourceIP, bits: followedAddresses) {
            // A common TCP frame's summary holds all the path tracker reads: its packet is not needed.
            if frame.hasPathFields {
                addToPaths(SummaryPathFields(summary: summary), source: source, destination: destination, sourceIP: sourceIP, place: place,
                           time: time, length: length)
            } else {
                addToPaths(PacketView(packet(of: summary, decoded)), source: source, destination: destination, sourceIP: sourceIP,
                           place: place, time: time, length: length)
            }
        }
    }

    // The rarer steps of `consumeHosts`, kept out of it: inlined, their registers and stack were
    // saved and restored around every frame.

    /// Whether, with `options`, the trackers read the decoded packet of a common frame (one its
    /// summary does not call unusual) only for the frames the path tracker follows: then the
    /// frame ring may keep such packets back (`FrameSummary.deferPacket`). Uplinks by VLAN read
    /// every frame's tags. Following every host reads no more packets: the path tracker reads
    /// a common TCP frame's fields from its summary (`SummaryPathFields`).
    static func readsFewPackets(_ options: Options) -> Bool {
        options.uplinkBy != .vlan
    }

    /// The decoded packet of a frame: `decoded`, or the frame decoded again here when the ring
    /// kept it back.
    @inline(never)
    private func packet(of summary: UnsafePointer<FrameSummary>, _ decoded: UnsafePointer<DecodedPacket>) -> UnsafePointer<DecodedPacket> {
        packetsRead += 1
        packetsReadShared.store(packetsRead, ordering: .relaxed)
        guard summary.pointee.packetDeferred else { return decoded }
        summary.pointee.decodeDeferredPacket(with: decoder, into: &scratch.pointee)
        return UnsafePointer(scratch)
    }

    /// First-hop redundancy messages and ARP.
    @inline(never)
    private func learnGateways(_ packet: PacketView, interface: Int, time: Int64) {
        if let fhrp = packet.fhrp { gatewayTracker.add(fhrp, packet: packet, time: time, interface: interface, frame: packets) }
        if let arp = packet.arp, arp.opcode <= 2, let sender = arp.senderIP, !sender.isUnspecified {
            gatewayTracker.learnRealMAC(ip: .v4(sender), mac: arp.senderMAC, segment: 0)
            if arp.opcode == 2, let mac = arp.senderMAC { gatewayTracker.arpReply(senderIP: .v4(sender), senderMAC: mac, time: time) }
        }
    }

    @inline(never)
    private func follow(_ change: MobilityTracker.DepartureChange) {
        if let since = change.abandoned { paths.unwatch(change.mac, since: since) }
        if let departure = change.departure { paths.watch(departure, addresses: mobility.addresses(of: departure.mac)) }
        followedMACs = paths.watchedBits
        followedAddresses = paths.addressBits
    }

    /// A frame the path tracker's filters may concern: between followed MACs, or routed from a
    /// followed address.
    @inline(never)
    private func addToPaths<Fields: PathFieldSource>(_ packet: Fields, source: MACAddress, destination: MACAddress, sourceIP: IPAddress,
                            place: MobilityTracker.Place, time: Int64, length: Int) {
        var followed = false
        if PathTracker.mayConcern(source, destination, bits: followedMACs) {
            followed = paths.add(packet, source: source, destination: destination, place: place, time: time, frame: packets, length: length)
        }
        if !followed && PathTracker.mayBeRouted(from: sourceIP, bits: followedAddresses) {
            paths.addRouted(packet, source: source, place: place, time: time, frame: packets, length: length)
        }
    }

    @inline(__always)
    private func consumeTraffic(_ summary: UnsafePointer<FrameSummary>, _ decoded: UnsafePointer<DecodedPacket>,
                                time: Int64, length: Int, uplink: Int32, bin: Int) {
        var frame: FrameSummary { summary.pointee }
        guard let (key, fromLow) = frame.flow, let slot = flows.slot(for: key, hash: frame.flowHash, time: time, uplink: uplink) else { return }
        let payload = frame.payloadLength ?? 0
        // What the flow update needs from the frame, read before it (a borrowed value cannot be captured).
        let tcpFlags = frame.tcpFlags
        let candidateIndex = flows.update(slot) { flow -> Int32 in
            let isNew = flow.fromLow.packets == 0 && flow.fromHigh.packets == 0 && flow.uplinks == 0
            let primary = flow.primaryUplink == uplink
            if uplink < 64 { flow.uplinks |= 1 << UInt64(uplink) } else { flow.otherUplinks = true }
            if primary {
                flow.last = max(flow.last, time)
                if fromLow {
                    flow.fromLow.count(bytes: length, payload: payload)
                } else {
                    flow.fromHigh.count(bytes: length, payload: payload)
                }
                if let flags = tcpFlags {
                    if flags & DecodedPacket.TCPFlag.syn != 0 && flags & DecodedPacket.TCPFlag.ack == 0 { flow.synFromLow = fromLow }
                    if flags & (DecodedPacket.TCPFlag.fin | DecodedPacket.TCPFlag.rst) != 0 { flow.finOrReset = true }
                }
            } else {
                flow.addOtherUplinkBytes(uplink, length)
            }
            if isNew, key.ipProtocol == 6, let kind = portKind(key) {
                flow.candidate = newCandidate(kind, key: key, time: time, uplink: uplink)
            }
            if !flow.payloadChecked && payload > 0 {
                flow.payloadChecked = true
                // Read here, through the pointer: a flow's first payload is rare.
                if flow.candidate < 0, key.ipProtocol == 6, summary.pointee.opensWithQEMUMagic {
                    flow.candidate = newCandidate(.qemu, key: key, time: flow.first, uplink: flow.primaryUplink)
                }
            }
            return flow.candidate
        }
        if candidateIndex >= 0 {
            let settings = options.migrations
            // Through one pointer: the candidate's fields are read and written in place.
            let candidate = candidates.base + Int(candidateIndex)
            if candidate.pointee.lowMAC == nil {
                candidate.pointee.lowMAC = fromLow ? frame.sourceMAC : frame.destinationMAC
                candidate.pointee.highMAC = fromLow ? frame.destinationMAC : frame.sourceMAC
            }
            candidate.pointee.add(fromLow: fromLow, time: time, bytes: length, payload: payload, uplink: uplink,
                                  primary: candidate.pointee.primaryUplink == uplink, uplinkBin: Int64(bin), settings: settings)
        }
    }

    func candidate(at index: Int) -> MigrationCandidate { candidates[index] }

    /// Takes over the host trackers (gateways, MAC locations, paths) of an instance that ran the
    /// `.hosts` part over the same records as this one ran `.traffic`: the report is then what
    /// one instance running both would give.
    public func adoptHosts(of other: Analysis) {
        precondition(other.packets == packets, "both parts must have consumed the same records")
        gatewayTracker = other.gatewayTracker
        mobility = other.mobility
        paths = other.paths
        sightings = other.sightings
        followedMACs = other.followedMACs
        followedAddresses = other.followedAddresses
        runsHosts = true
    }

    /// The migration kind a new TCP flow's ports name, if any. Most flows' ports name none, told
    /// by `migrationPorts` without hashing them (100,000 new flows: 120 instructions a frame in
    /// the dictionary's hashing and search).
    private func portKind(_ key: FlowKey) -> MigrationKind? {
        guard migrationPorts.contains(key.lowPort) || migrationPorts.contains(key.highPort) else { return nil }
        let settings = options.migrations
        if let kind = settings.ports[key.highPort] ?? settings.ports[key.lowPort] { return kind }
        if settings.qemuPorts.contains(key.lowPort) || settings.qemuPorts.contains(key.highPort) { return .qemu }
        return nil
    }

    /// Doubles the bin width, merging neighbouring bins of every series. Rare, and a call of its
    /// own: inlined into `consume` with the merging it calls, it cost the scenarios' frames 28
    /// instructions each in the code around it.
    @inline(never)
    private func coarsen() {
        closeBins()
        binWidth *= 2
        cachedBinEnd = cachedBinStart
        for index in series.indices {
            series[index].binBytes.transform { Self.merged($0, first: 0).0 }
            series[index].binPackets.transform { Self.merged($0, first: 0).0 }
        }
        for index in candidates.indices {
            let first = candidates[index].firstUplinkBin
            candidates[index].transformBins { Self.merged($0, first: first).0 }
            candidates[index].firstUplinkBin = first / 2
        }
    }

    /// Bins starting at absolute index `first` (not negative), merged in pairs: the new array and
    /// its first index. Made at its size and summed into: grown a bin at a time, a capture of 47
    /// frames over ten years (its bins coarsened eleven times, the longest series 159,000 bins)
    /// spent 24 of its 54 million instructions here.
    static func merged(_ bins: [Int], first: Int64) -> ([Int], Int64) {
        let start = first / 2
        guard !bins.isEmpty else { return ([], start) }
        var result = [Int](repeating: 0, count: Int((first + Int64(bins.count) - 1) / 2 - start) + 1)
        result.withUnsafeMutableBufferPointer { result in
            for (offset, value) in bins.enumerated() { result[Int((first + Int64(offset)) / 2 - start)] += value }
        }
        return (result, start)
    }

    private func newCandidate(_ kind: MigrationKind, key: FlowKey, time: Int64, uplink: Int32) -> Int32 {
        let bin = origin.map { Int64(max(0, (time - $0) / binWidth)) } ?? 0
        candidates.append(MigrationCandidate(kind: kind, key: key, first: time, last: time,
                                             firstFineBin: time / MigrationSettings.fineBin, primaryUplink: uplink,
                                             firstUplinkBin: bin))
        return Int32(candidates.count - 1)
    }

    /// The uplink a frame is billed to; `session`: the frame's ERSPAN session, if it was mirrored.
    @inline(__always)
    private func uplinkOf(_ interface: Int, session: UInt16?, _ decoded: UnsafePointer<DecodedPacket>) -> Int32 {
        switch options.uplinkBy {
        case .interface:
            return interfaceUplinkFast(interface)
        case .auto, .erspan:
            if let session { return keyedUplink(&sessionUplink, interface: interface, key: Int(session), asSession: true) }
            return interfaceUplinkFast(interface)
        case .vlan:
            return keyedUplink(&vlanUplink, interface: interface, key: decoded.pointee.vlans.innermostId.map { Int($0) } ?? 0, asSession: false)
        }
    }

    /// The uplink of the ERSPAN session (`asSession`) or VLAN `key` on `interface`, from `table`
    /// (`sessionUplink` or `vlanUplink`) once it was found.
    @inline(__always)
    private func keyedUplink(_ table: inout [Int32], interface: Int, key: Int, asSession: Bool) -> Int32 {
        let index = interface &* Self.keysPerInterface &+ key
        if key >= 0, key < Self.keysPerInterface, index < table.count, table[index] >= 0 { return table[index] }
        return keyedUplinkFirst(&table, interface: interface, key: key, asSession: asSession)
    }

    @inline(never)
    private func keyedUplinkFirst(_ table: inout [Int32], interface: Int, key: Int, asSession: Bool) -> Int32 {
        let id = identityUplink(asSession ? UplinkIdentity(interface: interface, session: key) : UplinkIdentity(interface: interface, vlan: key))
        guard key >= 0, key < Self.keysPerInterface, interface < Self.keyedInterfaces else { return id }
        let index = interface * Self.keysPerInterface + key
        if index >= table.count { table.append(contentsOf: repeatElement(-1, count: (interface + 1) * Self.keysPerInterface - table.count)) }
        table[index] = id
        return id
    }

    @inline(__always)
    private func interfaceUplinkFast(_ interface: Int) -> Int32 {
        if interface < interfaceUplink.count, interfaceUplink[interface] >= 0 { return interfaceUplink[interface] }
        let id = identityUplink(UplinkIdentity(interface: interface))
        if interface >= interfaceUplink.count {
            interfaceUplink.append(contentsOf: repeatElement(-1, count: interface + 1 - interfaceUplink.count))
        }
        interfaceUplink[interface] = id
        return id
    }

    private func identityUplink(_ identity: UplinkIdentity) -> Int32 {
        if let id = identityIndex[identity] { return id }
        let id = Int32(identities.count)
        identities.append(identity)
        identityIndex[identity] = id
        series.append(UplinkSeries())
        return id
    }

    // MARK: Report

    public func report(interfaces: [CaptureInterface], anomalies: [HairpinCapture.Anomaly]) -> Report {
        closeBins()
        let settings = options.migrations
        // Each candidate tested where it is, not copied out of the slots.
        let accepted = candidates.indices.filter { (candidates.base + $0).pointee.isMigration(settings) }
        let migrations = assembleMigrations(accepted)
        let binSeconds = Double(binWidth) / 1e9
        for index in series.indices {
            series[index].binBytes.settle()
            series[index].binPackets.settle()
        }
        let binCount = series.map(\.binBytes.closed.count).max() ?? 0
        // Migration bytes per uplink and bin, from the accepted streams.
        var migrationBins = [[Int]](repeating: [], count: series.count)
        for index in accepted {
            for (uplink, bins) in candidates[index].binsByUplink {
                let start = Int(candidates[index].firstUplinkBin)
                for (offset, value) in bins.enumerated() where value > 0 { migrationBins[uplink].add(value, at: start + offset) }
            }
        }
        let talkerSelections = topTalkers()
        var uplinks: [Report.Uplink] = []
        for (id, identity) in identities.enumerated() {
            let tracked = series[id]
            let trackedBytes = tracked.binBytes.closed, trackedPackets = tracked.binPackets.closed
            let interface = identity.interface < interfaces.count ? interfaces[identity.interface] : nil
            var name = interface?.displayName ?? "if\(identity.interface)"
            var kind = "interface"
            if let session = identity.session { name += " session \(session)"; kind = "erspan" }
            if let vlan = identity.vlan { name += " vlan \(vlan)"; kind = "vlan" }
            // Captures spanning months have hundreds of thousands of bins, nearly all empty: only
            // the bins that carried something are converted, sorted and listed.
            let migrationSeries = migrationBins[id]
            func bps(_ bin: Int) -> Double { Double(bin < trackedBytes.count ? trackedBytes[bin] : 0) * 8 / binSeconds }
            func migrationBps(_ bin: Int) -> Double { Double(bin < migrationSeries.count ? migrationSeries[bin] : 0) * 8 / binSeconds }
            func pps(_ bin: Int) -> Double { Double(bin < trackedPackets.count ? trackedPackets[bin] : 0) / binSeconds }
            let active = (0..<min(binCount, max(trackedBytes.count, migrationSeries.count))).filter {
                ($0 < trackedBytes.count && trackedBytes[$0] > 0) || ($0 < migrationSeries.count && migrationSeries[$0] > 0)
            }
            let nonZero = active.map(bps).filter { $0 > 0 }.sorted()
            let zeroBins = binCount - nonZero.count
            /// The bin rate at `fraction` of all bins, empty ones included (they sort first).
            func percentile(_ fraction: Double) -> Double {
                guard binCount > 0 else { return 0 }
                let rank = min(max(Int((fraction * Double(binCount)).rounded(.up)) - 1, 0), binCount - 1)
                return rank < zeroBins ? 0 : nonZero[rank - zeroBins]
            }
            let speed = options.speeds[name] ?? (identity.session == nil && identity.vlan == nil ? knownSpeed(interface?.speedBitsPerSecond) : nil)
            let migrationBytes = migrationSeries.reduce(0, +)
            let peak = nonZero.last ?? 0
            var windows: [Report.BusyWindow] = []
            if let speed, speed > 0 {
                // A busy bin carried traffic, so runs of busy bins are runs of consecutive active ones.
                var position = 0
                while position < active.count {
                    let bin = active[position]
                    guard bps(bin) / Double(speed) > options.busyThreshold else { position += 1; continue }
                    var last = position
                    while last + 1 < active.count && active[last + 1] == active[last] + 1
                        && bps(active[last + 1]) / Double(speed) > options.busyThreshold { last += 1 }
                    let end = active[last]
                    let total = (bin...end).reduce(0) { $0 + bps($1) }, migration = (bin...end).reduce(0) { $0 + migrationBps($1) }
                    windows.append(Report.BusyWindow(startNs: (origin ?? 0) + Int64(bin) * binWidth,
                                                     endNs: (origin ?? 0) + Int64(end + 1) * binWidth,
                                                     peakUtilization: rounded(((bin...end).map(bps).max() ?? 0) / Double(speed), 4),
                                                     migrationShare: total > 0 ? rounded(migration / total, 4) : 0))
                    position = last + 1
                }
            }
            let talkers = talkerSelections[id].talkers()
            uplinks.append(Report.Uplink(
                interface: identity.interface, name: name, kind: kind, session: identity.session, vlan: identity.vlan,
                packets: tracked.packets, bytes: tracked.bytes, binNs: binWidth,
                meanBps: binCount > 0 ? rounded(Double(tracked.bytes) * 8 / (Double(binCount) * binSeconds), 1) : 0,
                peakBps: rounded(peak, 1), p95Bps: rounded(percentile(0.95), 1), p99Bps: rounded(percentile(0.99), 1),
                speedBps: speed, utilizationPeak: speed.map { rounded(peak / Double($0), 4) },
                migrationBytes: migrationBytes,
                migrationShare: tracked.bytes > 0 ? rounded(Double(migrationBytes) / Double(tracked.bytes), 4) : 0,
                busyWindows: windows,
                topTalkers: talkers.map {
                    Report.Talker(endpoints: $0.text, bytes: $0.bytes, share: tracked.bytes > 0 ? rounded(Double($0.bytes) / Double(tracked.bytes), 4) : 0)
                },
                // Bins that carried nothing are left out: captures spanning months stay small.
                series: active.map {
                    Report.Bin(startNs: (origin ?? 0) + Int64($0) * binWidth, bps: rounded(bps($0), 1),
                               migrationBps: rounded(migrationBps($0), 1), pps: rounded(pps($0), 1))
                }))
        }
        uplinks.sort { ($0.interface, $0.session ?? -1, $0.vlan ?? -1) < ($1.interface, $1.session ?? -1, $1.vlan ?? -1) }
        let reportInterfaces = interfaces.map { interface in
            Report.Interface(id: interface.id, name: interface.displayName, file: interface.file, linkType: Int(interface.linkType.rawValue),
                             speedBps: knownSpeed(interface.speedBitsPerSecond),
                             packets: interfaceTotals.value(at: interface.id)?.packets ?? 0,
                             bytes: interfaceTotals.value(at: interface.id)?.bytes ?? 0)
        }
        // Where the migrations crossed between their hosts, before uplinks become interface ids.
        let transit = transitPlaces(migrations.map { migration in
            (migration.interfaces.map { place(ofUplink: $0) }, [migration.sourceMAC, migration.destinationMAC].compactMap { $0.flatMap(MACAddress.init) })
        })
        var finalMigrations = migrations.map { migration in
            var copy = migration
            copy.interfaces = Array(Set(migration.interfaces.map { identities[$0].interface })).sorted()
            return copy
        }
        var mobility = self.mobility.detached()
        mobility.finish(at: lastTime ?? 0)
        let (announcements, assembledMoves) = mobility.assemble(migrations: &finalMigrations)
        var moves = assembledMoves
        options.topology?.placeSites(&moves, interfaces: reportInterfaces)
        let clock = clockReport()
        let paths = pathReport(moves: moves, migrations: finalMigrations, transit: transit, interfaces: reportInterfaces,
                               placesSeen: identities.indices.map { place(ofUplink: $0) }, clockOffsets: clock.offsets, end: lastTime ?? 0)
        return Report(
            capture: Report.CaptureSection(
                packets: packets, bytes: bytes, startNs: firstTime, endNs: lastTime, interfaces: reportInterfaces,
                anomalies: anomalies.map { Report.Anomaly(kind: $0.kind.rawValue, count: $0.count, file: $0.file, firstOffset: $0.firstOffset) },
                decodeAnomalies: decodeStops.entries.map { Report.DecodeAnomaly(kind: $0.name, count: $0.count, firstFrame: $0.firstFrame) }),
            uplinks: uplinks,
            migrations: finalMigrations,
            announcements: announcements,
            moves: moves,
            gateways: gatewayReport(),
            paths: paths,
            clockPairs: clock.pairs,
            flows: Report.FlowSummary(tracked: flows.count + releasedFlows.count, evicted: flows.evicted, untracked: flows.untracked,
                                      migrationCandidates: candidates.count),
            settings: Report.Settings(binNs: binWidth, uplinkBy: options.uplinkBy.rawValue, lineRate: options.lineRate,
                                      busyThreshold: options.busyThreshold))
    }

    /// Every uplink's top talkers (`TalkerSelection`, indexed by uplink), from one pass over the
    /// flows in no particular order, the selections ordering them: a capture of 100,000 flows
    /// spent as much on sorting them all, 200 bytes each, as on analysing its 200,000 frames.
    /// The selections are reached through a buffer pointer: a local array captured by the
    /// function handed to the flow table was checked for exclusivity at run time per flow.
    private func topTalkers() -> [TalkerSelection] {
        var selections = [TalkerSelection](repeating: TalkerSelection(wanted: options.topTalkers), count: identities.count)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: FlowKey.longestText) { scratch in
            selections.withUnsafeMutableBufferPointer { selections in
                func offer(_ flow: UnsafePointer<FlowState>) {
                    flow.pointee.forEachUplinkBytes { uplink, bytes in
                        guard uplink >= 0, Int(uplink) < selections.count else { return }
                        selections[Int(uplink)].offer(bytes: bytes, key: flow.pointee.key, scratch: scratch)
                    }
                }
                flows.forEachFlow(offer)
                for index in releasedFlows.indices { withUnsafePointer(to: releasedFlows[index], offer) }
            }
        }
        return selections
    }

    /// The capture place an uplink series stands for (a VLAN series is its interface's place).
    private func place(ofUplink uplink: Int) -> MobilityTracker.Place {
        let identity = identities[uplink]
        return MobilityTracker.Place(interface: Int32(identity.interface), session: Int32(identity.session ?? -1))
    }

    private func knownSpeed(_ speed: UInt64?) -> UInt64? {
        guard let speed, speed != 0, speed != .max else { return nil }
        return speed
    }
}

func rounded(_ value: Double, _ digits: Int) -> Double {
    var factor = 1.0
    for _ in 0..<digits { factor *= 10 }
    return (value * factor).rounded() / factor
}
