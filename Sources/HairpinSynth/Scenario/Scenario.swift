import HairpinWire
import Yams

/// A data-center scenario: sites joined by a DCI, hosts and routers attached to each site's
/// switch, gateway groups, VMs, their traffic, migrations and background load, and the capture
/// points whose view of it all is written out. Read from YAML (the built-in scenarios are YAML
/// too: `hairpin synth --print NAME`).
public struct Scenario: Codable, Sendable {
    public var name: String
    public var description: String?
    /// Start of the capture, seconds since the epoch.
    public var start: Double = 1_767_261_600
    public var durationSeconds: Double
    public var seed: UInt64 = 1
    /// One-way latency of the DCI and of every other link.
    public var dciLatencyMilliseconds: Double = 1
    public var linkLatencyMicroseconds: Double = 5
    public var sites: [Site]
    public var segments: [Segment]
    public var hosts: [Host]
    public var routers: [Router]
    public var gateways: [Gateway] = []
    public var vms: [VM] = []
    public var peers: [Peer] = []
    public var flows: [Flow] = []
    public var migrations: [Migration] = []
    public var background: [BulkTransfer] = []
    public var capturePoints: [CapturePoint]
    /// `pcapng`: one interface per capture point; `erspan`: every capture point mirrored as an
    /// ERSPAN session into one collector interface.
    public var captureMode: CaptureMode = .pcapng
    public var snaplen: Int = 0

    public enum CaptureMode: String, Codable, Sendable { case pcapng, erspan }

    enum CodingKeys: String, CodingKey {
        case name, description, start, seed, sites, segments, hosts, routers, gateways, vms, peers, flows, migrations,
             background, snaplen
        case durationSeconds = "duration_s"
        case dciLatencyMilliseconds = "dci_latency_ms"
        case linkLatencyMicroseconds = "link_latency_us"
        case capturePoints = "capture_points"
        case captureMode = "capture_mode"
    }

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        start = try c.decodeIfPresent(Double.self, forKey: .start) ?? start
        durationSeconds = try c.decode(Double.self, forKey: .durationSeconds)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? seed
        dciLatencyMilliseconds = try c.decodeIfPresent(Double.self, forKey: .dciLatencyMilliseconds) ?? dciLatencyMilliseconds
        linkLatencyMicroseconds = try c.decodeIfPresent(Double.self, forKey: .linkLatencyMicroseconds) ?? linkLatencyMicroseconds
        sites = try c.decode([Site].self, forKey: .sites)
        segments = try c.decode([Segment].self, forKey: .segments)
        hosts = try c.decode([Host].self, forKey: .hosts)
        routers = try c.decodeIfPresent([Router].self, forKey: .routers) ?? []
        gateways = try c.decodeIfPresent([Gateway].self, forKey: .gateways) ?? []
        vms = try c.decodeIfPresent([VM].self, forKey: .vms) ?? []
        peers = try c.decodeIfPresent([Peer].self, forKey: .peers) ?? []
        flows = try c.decodeIfPresent([Flow].self, forKey: .flows) ?? []
        migrations = try c.decodeIfPresent([Migration].self, forKey: .migrations) ?? []
        background = try c.decodeIfPresent([BulkTransfer].self, forKey: .background) ?? []
        capturePoints = try c.decode([CapturePoint].self, forKey: .capturePoints)
        captureMode = try c.decodeIfPresent(CaptureMode.self, forKey: .captureMode) ?? .pcapng
        snaplen = try c.decodeIfPresent(Int.self, forKey: .snaplen) ?? 0
    }

    public struct Site: Codable, Sendable {
        public var name: String
    }

    public struct Segment: Codable, Sendable {
        public var name: String
        public var vlan: UInt16
        public var subnet: String?
    }

    public struct Host: Codable, Sendable {
        public var name: String
        public var site: String
        /// `esxi`, `hyperv` or `kvm`.
        public var kind: String
        public var mac: String
        /// Migration (VMkernel / live-migration) addresses, one per NIC; several make a multi-NIC host.
        public var vmkernel: [String]
        public var segment: String
    }

    public struct Router: Codable, Sendable {
        public var name: String
        public var site: String
        public var mac: String
        public var ip: String
        /// The router's L3 uplink: its MAC and the next hop's.
        public var wanMAC: String?
        public var wanPeerMAC: String?

        enum CodingKeys: String, CodingKey {
            case name, site, mac, ip
            case wanMAC = "wan_mac"
            case wanPeerMAC = "wan_peer_mac"
        }
    }

    public struct Gateway: Codable, Sendable {
        /// `hsrp1`, `hsrp2`, `hsrp6`, `vrrp2`, `vrrp3`, `glbp`.
        public var protocolName: String
        public var group: Int
        public var segment: String
        public var virtualIP: String
        /// FHRP hellos filtered at the DCI: each site elects its own active.
        public var isolation: Bool = false
        public var members: [Member]

        public struct Member: Codable, Sendable {
            public var router: String
            public var priority: Int?
            /// HSRP: active, standby, listen; VRRP: master, backup; GLBP: avg role (active, standby, listen).
            public var role: String
            /// GLBP forwarder numbers this router is the AVF of.
            public var forwarders: [Int]?
        }

        enum CodingKeys: String, CodingKey {
            case group, segment, isolation, members
            case protocolName = "protocol"
            case virtualIP = "virtual_ip"
        }

        public init(from decoder: any Swift.Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            protocolName = try c.decode(String.self, forKey: .protocolName)
            group = try c.decode(Int.self, forKey: .group)
            segment = try c.decode(String.self, forKey: .segment)
            virtualIP = try c.decode(String.self, forKey: .virtualIP)
            isolation = try c.decodeIfPresent(Bool.self, forKey: .isolation) ?? false
            members = try c.decode([Member].self, forKey: .members)
        }
    }

    public struct VM: Codable, Sendable {
        public var name: String
        public var mac: String
        public var ip: String
        public var ipv6: String?
        public var segment: String
        public var host: String
        /// GLBP: the forwarder whose virtual MAC the gateway handed this VM.
        public var glbpForwarder: Int?

        enum CodingKeys: String, CodingKey {
            case name, mac, ip, ipv6, segment, host
            case glbpForwarder = "glbp_forwarder"
        }
    }

    /// A far end of the VMs' flows: off the network (routed out of the forwarder's uplink), or
    /// a host on another segment of the data centre (`segment`, `host`, `mac`), which the
    /// forwarder routes into: when the VM and that host are at one site and the forwarder at the
    /// other, the packet crosses the DCI twice (a trombone).
    public struct Peer: Codable, Sendable {
        public var name: String
        public var ip: String
        public var segment: String?
        public var host: String?
        public var mac: String?
    }

    /// A VM's conversation with an off-subnet peer: requests out through its gateway, responses
    /// back through `return_via` (before the move) and `return_after` (after it).
    public struct Flow: Codable, Sendable {
        public var vm: String
        public var peer: String
        public var port: UInt16?
        public var requestsPerSecond: Double?
        public var requestBytes: Int?
        public var responseBytes: Int?
        public var returnVia: String
        public var returnAfter: String?

        enum CodingKeys: String, CodingKey {
            case vm, peer, port
            case requestsPerSecond = "requests_per_s"
            case requestBytes = "request_bytes"
            case responseBytes = "response_bytes"
            case returnVia = "return_via"
            case returnAfter = "return_after"
        }
    }

    public struct Migration: Codable, Sendable {
        /// `vmotion`, `hyperv`, `qemu`.
        public var kind: String
        public var vm: String
        public var from: String
        public var to: String
        public var startSeconds: Double
        public var memoryMB: Double
        public var rateGbps: Double
        public var mtu: Int?
        /// Passes of the pre-copy: the first sends all memory, each later one the fraction dirtied.
        public var precopyPasses: Int?
        public var dirtyFraction: Double?
        /// Time the VM is stopped at switch-over.
        public var stunMilliseconds: Double?
        /// ESXi RARPs after switch-over and their spacing (QEMU's schedule is fixed).
        public var rarpCount: Int?
        public var rarpIntervalMilliseconds: Double?
        /// The source host announces the VM again this many times after the switch-over, so the
        /// MAC flips back to it between the destination's frames (harvester issue 10653).
        public var flipFlops: Int?
        public var flipFlopIntervalMilliseconds: Double?

        enum CodingKeys: String, CodingKey {
            case kind, vm, from, to, mtu
            case startSeconds = "start_s"
            case memoryMB = "memory_mb"
            case rateGbps = "rate_gbps"
            case precopyPasses = "precopy_passes"
            case dirtyFraction = "dirty_fraction"
            case stunMilliseconds = "stun_ms"
            case rarpCount = "rarp_count"
            case rarpIntervalMilliseconds = "rarp_interval_ms"
            case flipFlops = "flip_flops"
            case flipFlopIntervalMilliseconds = "flip_flop_interval_ms"
        }
    }

    /// Bulk TCP between two hosts' first addresses: decoys and background load.
    public struct BulkTransfer: Codable, Sendable {
        public var from: String
        public var to: String
        public var port: UInt16
        public var startSeconds: Double
        public var megabytes: Double
        public var rateGbps: Double
        public var mtu: Int?
        /// Carried in an overlay with this VNI, the hosts' first addresses being the tunnel's end
        /// points: the connection is then between two tenant VMs on those hosts, numbered by the
        /// transfer's place N in the list (from 0): 00:50:56:f0:N:01 at 172.16.N.1 and
        /// 00:50:56:f0:N:02 at 172.16.N.2, their frames untagged inside the tunnel.
        public var vni: Int?
        /// The overlay's encapsulation: `vxlan` (the default) or `geneve`.
        public var encapsulation: OverlayTunnel.Encapsulation?

        enum CodingKeys: String, CodingKey {
            case from, to, port, mtu, vni, encapsulation
            case startSeconds = "start_s"
            case megabytes
            case rateGbps = "rate_gbps"
        }
    }

    public struct CapturePoint: Codable, Sendable {
        public var name: String
        /// `host:NAME`, `router:NAME`, `wan:ROUTER`, or `dci`.
        public var link: String
        public var description: String?
        public var speedGbps: Double?

        enum CodingKeys: String, CodingKey {
            case name, link, description
            case speedGbps = "speed_gbps"
        }
    }

    /// Parses YAML; errors name the line and column, or the first number out of its range.
    public static func parse(yaml text: String) throws -> Scenario {
        let scenario = try YAMLDecoder().decode(Scenario.self, from: text)
        try scenario.checkNumbers()
        return scenario
    }

    /// Every number within what the synthesizer turns into times, counts and frame fields: a
    /// rate of 0, a negative size, NaN or a value past those fields trapped there (found by
    /// mutating the shipped scenarios). Durations stay below 27 hours, so that `--scale` (at most
    /// 10,000) keeps their nanoseconds within Int64.
    func checkNumbers() throws {
        var problems: [String] = []
        func number(_ value: Double?, _ key: String, _ range: ClosedRange<Double>, aboveZero: Bool = false) {
            guard let value, !(range.contains(value) && (!aboveZero || value > 0)) else { return }
            let lowest = aboveZero ? "above 0" : "from \(range.lowerBound)"
            problems.append("\(key) is \(value): it must be \(lowest) up to \(range.upperBound)")
        }
        func integer(_ value: Int?, _ key: String, _ range: ClosedRange<Int>) {
            guard let value, !range.contains(value) else { return }
            problems.append("\(key) is \(value): it must be from \(range.lowerBound) to \(range.upperBound)")
        }
        let day = 100_000.0
        number(start, "start", 0...4_294_967_295)
        number(durationSeconds, "duration_s", 0...day, aboveZero: true)
        number(dciLatencyMilliseconds, "dci_latency_ms", 0...10_000)
        number(linkLatencyMicroseconds, "link_latency_us", 0...1_000_000)
        integer(snaplen, "snaplen", 0...262_144)
        for segment in segments { integer(Int(segment.vlan), "vlan of \(segment.name)", 0...4095) }
        for gateway in gateways {
            integer(gateway.group, "group of a \(gateway.protocolName) gateway", 0...4095)
            for member in gateway.members {
                integer(member.priority, "priority of \(member.router)", 0...255)
                for forwarder in member.forwarders ?? [] { integer(forwarder, "forwarders of \(member.router)", 1...4) }
            }
        }
        for vm in vms { integer(vm.glbpForwarder, "glbp_forwarder of \(vm.name)", 1...4) }
        for flow in flows {
            number(flow.requestsPerSecond, "requests_per_s of \(flow.vm)", 0...1_000_000, aboveZero: true)
            integer(flow.requestBytes, "request_bytes of \(flow.vm)", 0...1_000_000_000)
            integer(flow.responseBytes, "response_bytes of \(flow.vm)", 0...1_000_000_000)
        }
        for migration in migrations {
            let of = "of the migration of \(migration.vm)"
            number(migration.startSeconds, "start_s \(of)", 0...day)
            number(migration.memoryMB, "memory_mb \(of)", 0...10_000_000, aboveZero: true)
            number(migration.rateGbps, "rate_gbps \(of)", 0...10_000, aboveZero: true)
            integer(migration.mtu, "mtu \(of)", 576...9216)
            integer(migration.precopyPasses, "precopy_passes \(of)", 1...100)
            number(migration.dirtyFraction, "dirty_fraction \(of)", 0...1)
            number(migration.stunMilliseconds, "stun_ms \(of)", 0...day)
            integer(migration.rarpCount, "rarp_count \(of)", 0...10_000)
            number(migration.rarpIntervalMilliseconds, "rarp_interval_ms \(of)", 0...day)
            integer(migration.flipFlops, "flip_flops \(of)", 0...10_000)
            number(migration.flipFlopIntervalMilliseconds, "flip_flop_interval_ms \(of)", 0...day)
        }
        for transfer in background {
            number(transfer.startSeconds, "start_s of a background transfer", 0...day)
            number(transfer.megabytes, "megabytes of a background transfer", 0...10_000_000, aboveZero: true)
            number(transfer.rateGbps, "rate_gbps of a background transfer", 0...10_000, aboveZero: true)
            integer(transfer.mtu, "mtu of a background transfer", 576...9216)
            integer(transfer.vni, "vni of a background transfer", 0...0xFF_FFFF)
        }
        for point in capturePoints { number(point.speedGbps, "speed_gbps of \(point.name)", 0...10_000, aboveZero: true) }
        if let first = problems.first { throw World.ScenarioError(description: first) }
    }
}
