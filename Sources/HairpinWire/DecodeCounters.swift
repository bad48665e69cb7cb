/// Counts decode stops by name (kind, layer, and for `unsupported` what was not supported),
/// in a fixed table: counting never allocates.
public struct DecodeCounters: Sendable {
    private static let layers = Layer.allCases.count
    private static let subjects = DecodeStop.Subject.allCases.count
    private var counts: [Int]
    private var firstFrames: [Int]
    private var samples: [DecodeStop?]

    public init() {
        let size = DecodeStop.Kind.allCases.count * Self.layers * Self.subjects
        counts = Array(repeating: 0, count: size)
        firstFrames = Array(repeating: 0, count: size)
        samples = Array(repeating: nil, count: size)
    }

    private static func index(_ stop: DecodeStop) -> Int {
        (Int(stop.kind.rawValue) * layers + Int(stop.layer.rawValue)) * subjects + Int(stop.subject.rawValue)
    }

    /// Counts `stop`, met in frame `frame` (1-based).
    public mutating func count(_ stop: DecodeStop, frame: Int) {
        let index = Self.index(stop)
        if counts[index] == 0 {
            firstFrames[index] = frame
            samples[index] = stop
        }
        counts[index] += 1
    }

    public struct Entry: Sendable, Equatable {
        public var name: String
        public var count: Int
        public var firstFrame: Int
    }

    /// Every name met, merged (several layers can share a name), by name.
    public var entries: [Entry] {
        var merged: [String: Entry] = [:]
        for index in counts.indices where counts[index] > 0 {
            guard let stop = samples[index] else { continue }
            let name = stop.name
            if var entry = merged[name] {
                entry.count += counts[index]
                entry.firstFrame = min(entry.firstFrame, firstFrames[index])
                merged[name] = entry
            } else {
                merged[name] = Entry(name: name, count: counts[index], firstFrame: firstFrames[index])
            }
        }
        return merged.values.sorted { $0.name < $1.name }
    }

    public var total: Int { counts.reduce(0, +) }
}
