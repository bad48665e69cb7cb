import HairpinWire

/// Kinds of host-to-host bulk transfers the detector names.
public enum MigrationKind: String, Sendable, Codable, CaseIterable {
    case vmotion, hyperv, qemu, nfc
}

/// How flows are recognised as migration streams. A port or magic match makes a flow a
/// candidate; only a bulk one-way transfer (at least `minimumBytes` in one direction, at least
/// `minimumAsymmetry` of the payload that way, a peak of at least `minimumPeakBitsPerSecond` at
/// 100 ms) makes it a migration stream.
public struct MigrationSettings: Sendable {
    public var ports: [UInt16: MigrationKind] = [8000: .vmotion, 6600: .hyperv, 902: .nfc]
    /// libvirt's native-migration port range (QEMU listens here on the destination).
    public var qemuPorts: ClosedRange<UInt16> = 49152...49215
    public var minimumBytes = 256 * 1024
    public var minimumAsymmetry = 0.95
    public var minimumPeakBitsPerSecond = 50_000_000.0
    /// Streams of one kind starting within this window and overlapping are one migration when
    /// they share an address; within `multiNICWindow` it is enough that they join the same subnets.
    public var groupWindow: Int64 = 1_000_000_000
    public var multiNICWindow: Int64 = 100_000_000
    /// A pause in the bulk direction at least this long marks a candidate pre-copy boundary.
    public var passGap: Int64 = 10_000_000
    public static let fineBin: Int64 = 100_000_000
    /// A stream's 100 ms bins reach this far from its first (7.3 hours): a frame later than that,
    /// most likely a damaged timestamp, is not binned, rather than growing the series to its
    /// distance (a timestamp years off asked for a 115 GB series).
    public static let maximumFineBins = 1 << 18

    public init() {}
}

/// One direction of a candidate stream: counters, 100 ms bins, pauses and bursts.
struct DirectionTrack {
    var counters = FlowDirection()
    /// Frame bytes per 100 ms from the candidate's first bin.
    var fine = BinCounter()
    /// Times data resumed after a pause (capped).
    var resumes: [Int64] = []
    var firstData: Int64 = .min
    var lastData: Int64 = .min
    /// The burst in progress (data since the last pause) and the fastest burst shorter than a
    /// bin: a transfer of a few milliseconds has no meaningful 100 ms peak.
    var burstStart: Int64 = .min
    var burstBytes = 0
    var fastestBurst = 0.0

    static let maximumResumes = 64

    mutating func add(time: Int64, bytes: Int, payload: Int, fineIndex: Int, settings: MigrationSettings) {
        counters.count(bytes: bytes, payload: payload)
        if fineIndex < MigrationSettings.maximumFineBins { fine.add(bytes, at: fineIndex) }
        guard payload > 0 else { return }
        let resumed = lastData != .min && time - lastData >= settings.passGap
        if resumed && resumes.count < Self.maximumResumes {
            if resumes.isEmpty { resumes.reserveCapacity(16) }
            resumes.append(time)
        }
        if burstStart == .min || resumed {
            closeBurst()
            burstStart = time
            burstBytes = 0
        }
        burstBytes &+= bytes
        if firstData == .min { firstData = time }
        lastData = time
    }

    mutating func closeBurst() {
        guard burstStart != .min, lastData > burstStart, lastData - burstStart < MigrationSettings.fineBin else { return }
        fastestBurst = max(fastestBurst, Double(burstBytes) * 8 / (Double(lastData - burstStart) / 1e9))
    }

    /// The highest 100 ms bin, or the fastest burst when bursts are shorter than a bin.
    var peakBitsPerSecond: Double {
        var copy = self
        copy.closeBurst()
        return max(Double(fine.settled.max() ?? 0) * 8 / (Double(MigrationSettings.fineBin) / 1e9), copy.fastestBurst)
    }
}

/// A flow that may be a migration stream, with what the decision and the report need.
struct MigrationCandidate {
    var kind: MigrationKind
    var key: FlowKey
    var first: Int64
    var last: Int64
    var lowMAC: MACAddress?
    var highMAC: MACAddress?
    var fromLow = DirectionTrack()
    var fromHigh = DirectionTrack()
    var firstFineBin: Int64
    var uplinks: UInt64 = 0
    var primaryUplink: Int32
    /// Frame bytes per uplink-bin on the primary uplink, and on each other uplink (indexed by its
    /// id; nil until the stream is seen elsewhere), for the migration share of each uplink. The
    /// others' counters are written for every frame of a stream mirrored on several uplinks (half
    /// the frames of both scenarios at scale 60), where an array checked its uniqueness for each:
    /// they are `GrowingSlots`, shared by copies of the candidate, which the analysis owns.
    var primaryBins = BinCounter()
    var otherBins: GrowingSlots<BinCounter>?
    var firstUplinkBin: Int64

    init(kind: MigrationKind, key: FlowKey, first: Int64, last: Int64, firstFineBin: Int64, primaryUplink: Int32, firstUplinkBin: Int64) {
        self.kind = kind
        self.key = key
        self.first = first
        self.last = last
        self.firstFineBin = firstFineBin
        self.primaryUplink = primaryUplink
        self.firstUplinkBin = firstUplinkBin
    }

    mutating func add(fromLow direction: Bool, time: Int64, bytes: Int, payload: Int, uplink: Int32, primary: Bool,
                      uplinkBin: Int64, settings: MigrationSettings) {
        if uplink < 64 { uplinks |= 1 << UInt64(uplink) }
        // Bin numbers, far from overflowing (uplink bins below `maximumBins`, 100 ms bins of
        // 64-bit nanoseconds), checked for every frame.
        let offset = Int(uplinkBin &- firstUplinkBin)
        if uplink == primaryUplink {
            primaryBins.add(bytes, at: offset)
        } else {
            let index = Int(uplink)
            if otherBins == nil || otherBins!.count <= index { makeOtherBins(through: index) }
            otherBins![index].add(bytes, at: offset)
        }
        guard primary else { return }
        last = max(last, time)
        let fineIndex = Int(time / MigrationSettings.fineBin &- firstFineBin)
        if direction {
            fromLow.add(time: time, bytes: bytes, payload: payload, fineIndex: fineIndex, settings: settings)
        } else {
            fromHigh.add(time: time, bytes: bytes, payload: payload, fineIndex: fineIndex, settings: settings)
        }
    }

    /// Makes room in `otherBins` for uplink ids up to `index`.
    @inline(never)
    private mutating func makeOtherBins(through index: Int) {
        let bins = otherBins ?? GrowingSlots(capacity: index + 1)
        while bins.count <= index { bins.append(BinCounter()) }
        otherBins = bins
    }

    /// The bins of every uplink the stream was seen on, by uplink id.
    var binsByUplink: [(uplink: Int, bins: [Int])] {
        let primary = primaryBins.settled
        var result = primary.isEmpty ? [] : [(uplink: Int(primaryUplink), bins: primary)]
        guard let otherBins else { return result }
        for (uplink, counter) in otherBins.enumerated() where !counter.isEmpty { result.append((uplink, counter.settled)) }
        return result
    }

    /// Applies `transform` to the bins of every uplink.
    mutating func transformBins(_ transform: ([Int]) -> [Int]) {
        primaryBins.transform(transform)
        guard let otherBins else { return }
        for index in otherBins.indices where !otherBins[index].isEmpty { otherBins[index].transform(transform) }
    }

    /// True when the bulk goes from the low endpoint to the high one.
    var bulkFromLow: Bool { fromLow.counters.payloadBytes >= fromHigh.counters.payloadBytes }
    var bulkTrack: DirectionTrack { bulkFromLow ? fromLow : fromHigh }
    // Read through the stored tracks, not `bulkTrack`: a copy of the track (its bins and resumes
    // retained and released) for each of a hundred thousand candidates in a report.
    var bulk: FlowDirection { bulkFromLow ? fromLow.counters : fromHigh.counters }
    var peakBitsPerSecond: Double { bulkFromLow ? fromLow.peakBitsPerSecond : fromHigh.peakBitsPerSecond }

    func isMigration(_ settings: MigrationSettings) -> Bool {
        let total = fromLow.counters.payloadBytes + fromHigh.counters.payloadBytes
        guard total > 0, bulk.payloadBytes >= settings.minimumBytes else { return false }
        guard Double(bulk.payloadBytes) / Double(total) >= settings.minimumAsymmetry else { return false }
        return peakBitsPerSecond >= settings.minimumPeakBitsPerSecond
    }
}

extension Array where Element == Int {
    @inline(__always)
    mutating func add(_ value: Int, at index: Int) {
        guard index >= 0 else { return }
        if index >= count {
            // Series grow a bin at a time: sixteen bins at once, then doubling, so a short series
            // costs one allocation and a long one a logarithmic few.
            if index >= capacity { reserveCapacity(Swift.max(index + 1, capacity * 2, 16)) }
            append(contentsOf: repeatElement(0, count: index + 1 - count))
        }
        self[index] += value
    }
}
