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

    public init() {}
}

/// A flow that may be a migration stream, with what the decision and the report need.
struct MigrationCandidate {
    var kind: MigrationKind
    var key: FlowKey
    var first: Int64
    var last: Int64
    var fromLow = FlowDirection()
    var fromHigh = FlowDirection()
    var lowMAC: MACAddress?
    var highMAC: MACAddress?
    /// Frame bytes per 100 ms, per direction, from the first bin.
    var fineFromLow: [Int] = []
    var fineFromHigh: [Int] = []
    var firstFineBin: Int64
    /// Times data resumed after a pause, per direction (capped).
    var resumesFromLow: [Int64] = []
    var resumesFromHigh: [Int64] = []
    var lastDataFromLow: Int64 = .min
    var lastDataFromHigh: Int64 = .min
    var firstDataFromLow: Int64 = .min
    var firstDataFromHigh: Int64 = .min
    /// The burst in progress (data since the last pause) and the fastest burst shorter than a
    /// bin, per direction: a transfer of a few milliseconds has no meaningful 100 ms peak.
    var burstFromLow = Burst()
    var burstFromHigh = Burst()

    struct Burst {
        var start: Int64 = .min
        var bytes = 0
        var fastest = 0.0

        mutating func add(time: Int64, bytes: Int, resumed: Bool, lastData: Int64) {
            if start == .min || resumed {
                close(lastData: lastData)
                start = time
                self.bytes = 0
            }
            self.bytes += bytes
        }

        mutating func close(lastData: Int64) {
            guard start != .min, lastData > start, lastData - start < MigrationSettings.fineBin else { return }
            fastest = max(fastest, Double(bytes) * 8 / (Double(lastData - start) / 1e9))
        }
    }
    var uplinks: UInt64 = 0
    var primaryUplink: Int32
    /// Frame bytes per uplink and uplink-bin (for the migration share of each uplink).
    var uplinkBins: [Int32: [Int]] = [:]
    var firstUplinkBin: Int64

    static let maximumResumes = 64

    mutating func add(fromLow direction: Bool, time: Int64, bytes: Int, payload: Int, uplink: Int32, primary: Bool,
                      uplinkBin: Int64, settings: MigrationSettings) {
        if uplink < 64 { uplinks |= 1 << UInt64(uplink) }
        uplinkBins[uplink, default: []].add(bytes, at: Int(uplinkBin - firstUplinkBin))
        guard primary else { return }
        last = max(last, time)
        let fine = Int(time / MigrationSettings.fineBin - firstFineBin)
        if direction {
            fromLow.packets += 1; fromLow.bytes += bytes; fromLow.payloadBytes += payload
            fineFromLow.add(bytes, at: fine)
            if payload > 0 {
                let resumed = lastDataFromLow != .min && time - lastDataFromLow >= settings.passGap
                if resumed && resumesFromLow.count < Self.maximumResumes { resumesFromLow.append(time) }
                burstFromLow.add(time: time, bytes: bytes, resumed: resumed, lastData: lastDataFromLow)
                if firstDataFromLow == .min { firstDataFromLow = time }
                lastDataFromLow = time
            }
        } else {
            fromHigh.packets += 1; fromHigh.bytes += bytes; fromHigh.payloadBytes += payload
            fineFromHigh.add(bytes, at: fine)
            if payload > 0 {
                let resumed = lastDataFromHigh != .min && time - lastDataFromHigh >= settings.passGap
                if resumed && resumesFromHigh.count < Self.maximumResumes { resumesFromHigh.append(time) }
                burstFromHigh.add(time: time, bytes: bytes, resumed: resumed, lastData: lastDataFromHigh)
                if firstDataFromHigh == .min { firstDataFromHigh = time }
                lastDataFromHigh = time
            }
        }
    }

    /// True when the bulk goes from the low endpoint to the high one.
    var bulkFromLow: Bool { fromLow.payloadBytes >= fromHigh.payloadBytes }
    var bulk: FlowDirection { bulkFromLow ? fromLow : fromHigh }
    /// The highest 100 ms bin, or the fastest burst when bursts are shorter than a bin.
    var peakBitsPerSecond: Double {
        let binPeak = Double((bulkFromLow ? fineFromLow : fineFromHigh).max() ?? 0) * 8 / (Double(MigrationSettings.fineBin) / 1e9)
        var burst = bulkFromLow ? burstFromLow : burstFromHigh
        burst.close(lastData: bulkFromLow ? lastDataFromLow : lastDataFromHigh)
        return max(binPeak, burst.fastest)
    }

    func isMigration(_ settings: MigrationSettings) -> Bool {
        let total = fromLow.payloadBytes + fromHigh.payloadBytes
        guard total > 0, bulk.payloadBytes >= settings.minimumBytes else { return false }
        guard Double(bulk.payloadBytes) / Double(total) >= settings.minimumAsymmetry else { return false }
        return peakBitsPerSecond >= settings.minimumPeakBitsPerSecond
    }
}

extension Array where Element == Int {
    @inline(__always)
    mutating func add(_ value: Int, at index: Int) {
        guard index >= 0 else { return }
        if index >= count { append(contentsOf: repeatElement(0, count: index + 1 - count)) }
        self[index] += value
    }
}
