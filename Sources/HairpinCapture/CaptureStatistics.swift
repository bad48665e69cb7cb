import HairpinWire

/// Counts what `hairpin info` shows: packets and bytes per interface and in total, the time
/// span, and a protocol breakdown. Fed one record at a time.
public struct CaptureStatistics {
    public struct Counter: Sendable, Equatable {
        public var packets = 0
        public var bytes: Int64 = 0
        public var capturedBytes: Int64 = 0
        public var firstTimestamp: Int64?
        public var lastTimestamp: Int64?

        @inline(__always)
        mutating func add(_ record: Record) {
            packets += 1
            bytes += Int64(record.originalLength)
            capturedBytes += Int64(record.bytes.count)
            guard record.hasTimestamp else { return }
            if firstTimestamp.map({ record.timestamp < $0 }) ?? true { firstTimestamp = record.timestamp }
            if lastTimestamp.map({ record.timestamp > $0 }) ?? true { lastTimestamp = record.timestamp }
        }
    }

    public private(set) var total = Counter()
    public private(set) var perInterface: [Counter] = []
    public private(set) var perFile: [Counter] = []
    /// Packets by protocol path and how its walk ended.
    public var protocols: [ProtocolKey: Counter] { protocolIndex.mapValues { protocolCounters[$0] } }
    /// Each path's place in `protocolCounters`, and the path of the packet before: most packets
    /// take the path of the one before, found without hashing the key (a third of what a packet
    /// cost `hairpin info`).
    private var protocolIndex: [ProtocolKey: Int] = [:]
    private var protocolCounters: [Counter] = []
    private var lastProtocol: (key: ProtocolKey, index: Int)?
    public private(set) var truncatedPackets = 0
    /// Why decoding stopped early, by kind.
    public private(set) var decodeStops = DecodeCounters()
    private let decoder = Decoder()
    private var packet = DecodedPacket(linkType: .ethernet, capturedLength: 0)

    /// A protocol path and how its walk ended.
    public struct ProtocolKey: Hashable, Sendable {
        public var layers: LayerPath
        public var stop: DecodeStop.Kind?

        public var path: String {
            var text = layers.count == 0 ? "unknown" : layers.description
            switch stop {
            case .truncated: text += ">[truncated]"
            case .malformed: text += ">[malformed]"
            case .unsupported: text += ">[unsupported]"
            case .tooManyLayers: text += ">[too many layers]"
            case nil: break
            }
            return text
        }
    }

    public init() {}

    public mutating func add(_ record: Record) {
        total.add(record)
        if record.interface >= perInterface.count {
            perInterface.append(contentsOf: repeatElement(Counter(), count: record.interface + 1 - perInterface.count))
        }
        perInterface[record.interface].add(record)
        if record.fileIndex >= perFile.count {
            perFile.append(contentsOf: repeatElement(Counter(), count: record.fileIndex + 1 - perFile.count))
        }
        perFile[record.fileIndex].add(record)
        if record.bytes.count < record.originalLength { truncatedPackets += 1 }
        decoder.decode(record.bytes, linkType: record.linkType, into: &packet)
        if let stop = packet.stop { decodeStops.count(stop, frame: total.packets) }  // total already counts this one
        let key = ProtocolKey(layers: packet.layers, stop: packet.stop?.kind)
        let index: Int
        if let last = lastProtocol, last.key == key {
            index = last.index
        } else if let known = protocolIndex[key] {
            index = known
        } else {
            index = protocolCounters.count
            protocolIndex[key] = index
            protocolCounters.append(Counter())
        }
        lastProtocol = (key, index)
        protocolCounters[index].add(record)
    }

    public func interface(_ id: Int) -> Counter { id < perInterface.count ? perInterface[id] : Counter() }
    public func file(_ index: Int) -> Counter { index < perFile.count ? perFile[index] : Counter() }

    /// The breakdown as paths with counts, merged by path, most packets first then by name.
    public var protocolPaths: [(path: String, counter: Counter)] {
        var merged: [String: Counter] = [:]
        for (summary, counter) in protocols {
            var entry = merged[summary.path, default: Counter()]
            entry.packets += counter.packets
            entry.bytes += counter.bytes
            entry.capturedBytes += counter.capturedBytes
            merged[summary.path] = entry
        }
        return merged.map { ($0.key, $0.value) }.sorted {
            $0.counter.packets != $1.counter.packets ? $0.counter.packets > $1.counter.packets : $0.path < $1.path
        }
    }
}
