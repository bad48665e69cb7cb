import HairpinCapture
import HairpinWire

/// Turns a scenario into frames on its capture points, in time order, and into the truth: what
/// happened, in the report's vocabulary. Same scenario, scale and seed: the same bytes.
public final class Synthesizer {
    public struct Options: Sendable {
        /// Grows durations, memory sizes and bulk transfers.
        public var scale: Double = 1
        public var snaplen: Int?
        public var seed: UInt64?
        /// With pcapng: each interface's frames are written in turns of this many nanoseconds, one
        /// interface after another, as dumpcap writes several interfaces, so the file steps back
        /// in time at each turn; nil writes every frame in time order.
        public var interfaceTurn: Int64?

        public init(scale: Double = 1, snaplen: Int? = nil, seed: UInt64? = nil, interfaceTurn: Int64? = nil) {
            self.scale = scale
            self.snaplen = snaplen
            self.seed = seed
            self.interfaceTurn = interfaceTurn
        }
    }

    /// Where the frames go.
    public enum Output {
        case pcapng(PcapngWriter)
        case pcap(PcapWriter)
    }

    let world: World
    let options: Options
    var random: SeededRandom
    var paths: [[World.Copy]] = []
    var emissions: [Emission] = []
    var streams: [BulkStream] = []
    var truth = Truth()
    /// Frames and their bytes (original lengths, before any mirroring) written per capture point.
    public private(set) var framesWritten: [Int] = []
    public private(set) var bytesWritten: [Int] = []

    enum Source {
        case frame([UInt8])
        case bulk(stream: Int, kind: BulkStream.Kind)
    }

    struct Emission {
        var time: Int64
        var order: Int
        var source: Source
        var path: Int
        /// Which truth counters the frame adds to (bytes of a migration, hairpinned bytes, ...).
        var account: Account = .none
    }

    enum Account {
        case none
        case migration(Int)
        case outbound(vm: Int, afterMove: Bool)
        case inbound(vm: Int, afterMove: Bool)
        /// A VM's packet routed on into a local peer's segment.
        case routed(vm: Int, afterMove: Bool)
    }

    public init(scenario: Scenario, options: Options = Options()) throws {
        world = try World(scenario)
        self.options = options
        random = SeededRandom(seed: options.seed ?? scenario.seed)
    }

    // MARK: Building the emissions

    func path(_ copies: [World.Copy]) -> Int {
        paths.append(copies)
        return paths.count - 1
    }

    func emit(_ time: Int64, _ source: Source, path: Int, account: Account = .none) {
        emissions.append(Emission(time: time, order: emissions.count, source: source, path: path, account: account))
    }

    func emit(_ time: Int64, frame: [UInt8], copies: [World.Copy], account: Account = .none) {
        emit(time, .frame(frame), path: path(copies), account: account)
    }

    var endTime: Int64 { world.start + Int64(world.scenario.durationSeconds * options.scale * 1e9) }

    func nanoseconds(_ seconds: Double) -> Int64 { Int64(seconds * 1e9) }

    /// Scales a scenario time (seconds from the start) to an absolute time.
    func at(_ seconds: Double) -> Int64 { world.start + Int64(seconds * options.scale * 1e9) }

    // MARK: Running

    /// Generates every frame and writes it; returns the truth.
    public func run(into output: Output) throws -> Truth {
        let pointNames = world.scenario.capturePoints
        var pointIDs: [Int] = []
        switch output {
        case .pcapng(let writer) where world.scenario.captureMode == .erspan:
            let collector = writer.addInterface(.init(name: "erspan-collector", description: "ERSPAN type II sessions, one per capture point",
                                                      snaplen: options.snaplen ?? (world.scenario.snaplen > 0 ? world.scenario.snaplen + 50 : 262_144),
                                                      speedBitsPerSecond: 10_000_000_000))
            pointIDs = Array(repeating: collector, count: pointNames.count)
        case .pcapng(let writer):
            for point in pointNames {
                pointIDs.append(writer.addInterface(.init(name: point.name, description: point.description,
                                                          snaplen: options.snaplen ?? (world.scenario.snaplen > 0 ? world.scenario.snaplen : 262_144),
                                                          speedBitsPerSecond: point.speedGbps.map { UInt64($0 * 1e9) })))
            }
        case .pcap:
            pointIDs = Array(repeating: 0, count: pointNames.count)
        }
        truth.prepare(world: world)
        try generate()
        emissions.sort { ($0.time, $0.order) < ($1.time, $1.order) }
        var pending = CopyHeap()
        var sequence = 0
        for emission in emissions {
            while let first = pending.peek(), first.time <= emission.time {
                try write(pending.pop()!, output: output, pointIDs: pointIDs)
            }
            let frame: [UInt8]
            switch emission.source {
            case .frame(let bytes): frame = bytes
            case .bulk(let stream, let kind): frame = streams[stream].frame(kind)
            }
            truth.account(emission.account, frameLength: frame.count, copies: paths[emission.path], world: world)
            for copy in paths[emission.path] {
                sequence += 1
                pending.push(PendingCopy(time: emission.time + copy.delay, order: sequence, point: copy.point,
                                         direction: copy.direction, frame: frame))
            }
        }
        while let copy = pending.pop() { try write(copy, output: output, pointIDs: pointIDs) }
        try endTurn(output)
        switch output {
        case .pcapng(let writer): try writer.flush()
        case .pcap(let writer): try writer.flush()
        }
        return truth
    }

    /// ERSPAN session per capture point and its GRE sequence counter.
    private var erspanSequences: [Int: UInt32] = [:]

    private func write(_ copy: PendingCopy, output: Output, pointIDs: [Int]) throws {
        if framesWritten.count < world.capturePoints.count {
            framesWritten = Array(repeating: 0, count: world.capturePoints.count)
            bytesWritten = Array(repeating: 0, count: world.capturePoints.count)
        }
        framesWritten[copy.point] += 1
        bytesWritten[copy.point] += copy.frame.count
        if world.scenario.captureMode == .erspan {
            let site = siteOfPoint(copy.point)
            let session = ERSPANEncapsulation.Session(
                id: UInt16(copy.point + 1), sourceMAC: MACAddress(rawValue: 0x00DE_AD00_0000 | UInt64(site + 1)),
                destinationMAC: MACAddress(rawValue: 0x00DE_AD00_00FF), sourceIP: IPv4Address(192, 0, 2, UInt8(site + 1)),
                destinationIP: IPv4Address(192, 0, 2, 100), index: UInt32(copy.point + 1))
            let sequence = erspanSequences[copy.point, default: 0]
            erspanSequences[copy.point] = sequence &+ 1
            let wrapped = ERSPANEncapsulation.wrap(copy.frame, session: session, sequence: sequence)
            switch output {
            case .pcapng(let writer):
                try writer.write(interface: pointIDs[copy.point], timestamp: copy.time, frame: wrapped, direction: .inbound)
            case .pcap(let writer):
                try writer.write(timestamp: copy.time, frame: wrapped)
            }
            return
        }
        switch output {
        case .pcapng(let writer):
            try writeInTurn(interface: pointIDs[copy.point], time: copy.time, frame: copy.frame, direction: copy.direction, to: writer)
        case .pcap(let writer):
            try writer.write(timestamp: copy.time, frame: copy.frame)
        }
    }

    /// Frames of the current turn (`Options.interfaceTurn`) by interface, and when it began.
    private var turnFrames: [Int: [(time: Int64, frame: [UInt8], direction: Direction)]] = [:]
    private var turnStart = Int64.min

    /// Writes a frame, or holds it for its interface's turn.
    private func writeInTurn(interface: Int, time: Int64, frame: [UInt8], direction: Direction, to writer: PcapngWriter) throws {
        guard let turn = options.interfaceTurn else {
            try writer.write(interface: interface, timestamp: time, frame: frame, direction: direction)
            return
        }
        if time >= turnStart &+ turn {
            try endTurn(.pcapng(writer))
            turnStart = time
        }
        turnFrames[interface, default: []].append((time, frame, direction))
    }

    /// Writes the frames held for the turn, interface by interface.
    private func endTurn(_ output: Output) throws {
        guard case .pcapng(let writer) = output else { return }
        for interface in turnFrames.keys.sorted() {
            for held in turnFrames[interface]! {
                try writer.write(interface: interface, timestamp: held.time, frame: held.frame, direction: held.direction)
            }
        }
        turnFrames.removeAll(keepingCapacity: true)
    }

    /// The site whose switch mirrors a capture point (the DCI is mirrored at the first site).
    private func siteOfPoint(_ point: Int) -> Int {
        switch world.capturePoints[point] {
        case .endpoint(let endpoint): world.siteOf(endpoint)
        case .hostNIC(let host, _): world.hosts[host].site
        case .wan(let router): world.routers[router].site
        case .dci: 0
        }
    }

    private func generate() throws {
        truth.migrations = try migrationPlans().map { Truth.MigrationTruth(plan: $0) }
        try generateGateways()
        try generateFlows()
        try generateMigrations()
        try generateBackground()
    }
}

/// A frame on its way to one capture point.
struct PendingCopy {
    var time: Int64
    var order: Int
    var point: Int
    var direction: Direction
    var frame: [UInt8]
}

/// Min-heap of copies by (time, order): copies of earlier frames reach farther capture points
/// later than the next frame leaves.
struct CopyHeap {
    private var items: [PendingCopy] = []

    private static func less(_ a: PendingCopy, _ b: PendingCopy) -> Bool { (a.time, a.order) < (b.time, b.order) }

    func peek() -> PendingCopy? { items.first }

    mutating func push(_ item: PendingCopy) {
        items.append(item)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if !Self.less(items[child], items[parent]) { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> PendingCopy? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count && Self.less(items[left], items[smallest]) { smallest = left }
            if right < items.count && Self.less(items[right], items[smallest]) { smallest = right }
            if smallest == parent { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
