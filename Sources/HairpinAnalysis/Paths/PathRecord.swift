import HairpinWire

/// Thresholds of the path verdicts (protocols.md 8.9; starting values, not sourced numbers).
public struct PathSettings: Sendable {
    /// Frames still in flight at the move are no evidence: proof counts frames this long after it.
    public var grace: Int64 = 2_000_000_000
    /// Frames, or bytes, at a remote place after the grace period that prove a verdict (R4).
    public var proofFrames = 10
    public var proofBytes = 65_536
    /// A capture ending within twice the grace period after the move: a hairpin is proven by
    /// this many frames crossing when they are most of what the VM's place saw.
    public var minimumShortProof = 3
    /// MACs the path analysis follows at most (moves, and every host with `--all-hosts`).
    public var maximumFollowedMACs = 4096
    /// Flows listed per moved VM (all are counted).
    public var maximumFlows = 20
    /// A hairpin still running this close to the end of the capture lasted until the end.
    public var endSlack: Int64 = 1_000_000_000

    public init() {}
}

extension Report {
    /// The paths of one moved VM after its move (protocols.md 8.12): gateway, outbound and
    /// return verdicts with their evidence, and what the hairpin cost on the DCI.
    public struct Path: Codable, Sendable, Equatable {
        public var vmMAC: String
        public var vmIPs: [String]
        /// Index of the move in `moves`; nil for a host that did not move (`--all-hosts`).
        public var move: Int?
        public var timeNs: Int64
        /// Where the VM is now (the move's new place).
        public var place: Report.Place
        public var fromSite: String?
        public var toSite: String?
        /// The hypervisors it moved between, by the topology's host names (from the migration's addresses).
        public var fromHost: String?
        public var toHost: String?
        public var migration: Int?
        public var gateway: Gateway?
        public var outbound: Direction
        public var inbound: Direction
        public var asymmetric: Bool
        /// Outbound and return forwarders at different sites.
        public var crossSite: Bool?
        /// Frames to the VM seen at its old place after the grace period: stale CAM entries flooding (R8).
        /// Its routed conversations as its new place saw them (most bytes first, at most
        /// `maximumFlows`), how many there were and how many were asymmetric (R6, per flow).
        public var flows: [Flow]
        public var flowCount: Int
        public var asymmetricFlows: Int
        /// Its packets routed back across the DCI into another segment after crossing it to the
        /// gateway (R7), when the captures show them.
        public var trombone: Trombone?
        public var floodBytes: Int
        public var floodEvidence: Evidence?
        /// `topology` when sites and DCI points come from the topology file; `captures` when
        /// the DCI was recognised as the capture points the migration crossed that no MAC lives on.
        public var placesFrom: String
        public var limitations: [String]

        public struct Gateway: Codable, Sendable, Equatable {
            public var `protocol`: String
            public var group: Int
            public var virtualMAC: String
            public var virtualIP: String?
            /// Each site elects its own active (FHRP hellos filtered at the DCI).
            public var isolated: Bool
        }

        public struct Router: Codable, Sendable, Equatable {
            public var mac: String
            public var ip: String?
            public var name: String?
            public var site: String?
            public var frames: Int
            public var bytes: Int
        }

        /// One direction: who forwards it, the verdict, and what proves it.
        public struct Direction: Codable, Sendable, Equatable {
            /// The outbound forwarder, or the routers delivering the return (most frames first).
            public var forwarders: [Router]
            public var verdict: String
            public var confidence: String
            /// Why the verdict is what it is, in words a report can print.
            public var reason: String
            /// Bytes of the VM's frames in this direction that crossed the DCI after the move
            /// (the busiest DCI capture point's count, so a link mirrored at both ends counts once).
            public var bytes: Int
            public var startNs: Int64?
            public var endNs: Int64?
            /// capture_end, gateway_change, rebind or traffic_stopped.
            public var endedBy: String?
            public var evidence: [Evidence]
            public var dci: [DCIUse]
        }

        /// One conversation with an off-subnet peer: the gateway its frames went to, the router
        /// whose frames brought the replies, and whether the two differ.
        public struct Flow: Codable, Sendable, Equatable {
            public var remoteIP: String
            public var ipProtocol: Int
            public var vmPort: Int
            public var remotePort: Int
            public var outboundBytes: Int
            public var returnBytes: Int
            public var gatewayMAC: String?
            public var forwarderMAC: String?
            public var returnMAC: String?
            public var asymmetric: Bool
        }

        /// The second DCI crossing of the VM's packets: routed copies (TTL one lower) sent by
        /// `routers` towards `destinations`, counted at the busiest DCI capture point.
        public struct Trombone: Codable, Sendable, Equatable {
            public var frames: Int
            public var bytes: Int
            public var routers: [String]
            public var destinations: [String]
            public var evidence: [Evidence]
        }

        /// Frames that back a verdict: where they were captured, the first and last of them.
        public struct Evidence: Codable, Sendable, Equatable {
            public var what: String
            public var file: String
            public var interface: Int
            public var session: Int?
            public var place: String
            public var firstFrame: Int
            public var firstNs: Int64
            public var lastFrame: Int
            public var lastNs: Int64
            public var frames: Int
            /// How far this capture point's clock runs ahead of the reference of its group (R0),
            /// when copies seen both ways tell; the path's start and end are corrected by it.
            public var clockOffsetNs: Int64?
        }

        /// The VM's traffic in one direction over one DCI capture point, per second from the move.
        public struct DCIUse: Codable, Sendable, Equatable {
            public var interface: Int
            public var session: Int?
            public var place: String
            public var frames: Int
            public var bytes: Int
            public var bytesPerSecond: [Int]
        }
    }
}
