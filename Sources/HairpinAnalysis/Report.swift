/// The result of an analysis: what `hairpin analyze` renders as text, JSON (the report
/// contract's keys) and CSV. Plain values, so two runs over the same input compare equal.
public struct Report: Codable, Sendable, Equatable {
    public var schema = "hairpin.report/1"
    public var capture: CaptureSection
    public var uplinks: [Uplink]
    public var migrations: [Migration]
    public var announcements: [Announcement]
    public var moves: [Move]
    public var gateways: [Gateway]
    public var paths: [Path]
    public var clockPairs: [ClockPair]
    public var flows: FlowSummary
    public var settings: Settings

    public struct CaptureSection: Codable, Sendable, Equatable {
        public var packets: Int
        public var bytes: Int
        public var startNs: Int64?
        public var endNs: Int64?
        public var interfaces: [Interface]
        public var anomalies: [Anomaly]
        public var decodeAnomalies: [DecodeAnomaly]
    }

    public struct Interface: Codable, Sendable, Equatable {
        public var id: Int
        public var name: String
        public var file: String
        public var linkType: Int
        public var speedBps: UInt64?
        public var packets: Int
        public var bytes: Int
    }

    public struct Anomaly: Codable, Sendable, Equatable {
        public var kind: String
        public var count: Int
        public var file: String
        public var firstOffset: Int64?
    }

    public struct DecodeAnomaly: Codable, Sendable, Equatable {
        public var kind: String
        public var count: Int
        public var firstFrame: Int
    }

    public struct Uplink: Codable, Sendable, Equatable {
        /// Global interface id the uplink is on.
        public var interface: Int
        public var name: String
        /// What the uplink is: `interface`, `erspan` (with `session`) or `vlan` (with `vlan`).
        public var kind: String
        public var session: Int?
        public var vlan: Int?
        public var packets: Int
        public var bytes: Int
        public var binNs: Int64
        public var meanBps: Double
        public var peakBps: Double
        public var p95Bps: Double
        public var p99Bps: Double
        public var speedBps: UInt64?
        public var utilizationPeak: Double?
        public var migrationBytes: Int
        public var migrationShare: Double
        public var busyWindows: [BusyWindow]
        public var topTalkers: [Talker]
        public var series: [Bin]
    }

    public struct BusyWindow: Codable, Sendable, Equatable {
        public var startNs: Int64
        public var endNs: Int64
        public var peakUtilization: Double
        public var migrationShare: Double
    }

    public struct Talker: Codable, Sendable, Equatable {
        public var endpoints: String
        public var bytes: Int
        public var share: Double
    }

    public struct Bin: Codable, Sendable, Equatable {
        public var startNs: Int64
        public var bps: Double
        public var migrationBps: Double
        public var pps: Double
    }

    public struct Migration: Codable, Sendable, Equatable {
        public var id: Int
        public var kind: String
        public var sourceIP: String
        public var destinationIP: String
        public var sourceMAC: String?
        public var destinationMAC: String?
        public var streams: Int
        public var streamEndpoints: [String]
        public var startNs: Int64
        public var endNs: Int64
        public var bytes: Int
        public var payloadBytes: Int
        public var meanBps: Double
        public var peakBps: Double
        public var interfaces: [Int]
        public var vmMACs: [String]
        /// Estimated from the last burst of the bulk direction until an announcement ties it.
        public var switchoverNs: Int64?
        public var switchoverEvidence: String
        public var precopyCandidatesNs: [Int64]
        /// End of the last bulk burst, when an announcement gave the switch-over.
        public var lastBulkNs: Int64?
        /// From the last bulk byte to the first announcement (negative: announced before it).
        public var announcementGapNs: Int64?
    }

    public struct Gateway: Codable, Sendable, Equatable {
        public var `protocol`: String
        public var group: Int
        public var vlan: Int?
        public var vni: Int?
        public var virtualIPs: [String]
        public var virtualMACs: [String]
        public var members: [Member]
        public var active: Endpoint?
        /// Every member active at the end (more than one: split brain or isolation).
        public var actives: [Endpoint]
        public var forwarders: [Forwarder]
        public var transitions: [Transition]
        public var anomalies: [String]

        public struct Member: Codable, Sendable, Equatable {
            public var mac: String?
            public var ip: String
            public var priority: Int
            public var state: String
            public var helloMs: Int?
            public var holdMs: Int?
            public var interfaces: [Int]
        }

        public struct Endpoint: Codable, Sendable, Equatable {
            public var mac: String?
            public var ip: String
            public var interfaces: [Int]
        }

        public struct Forwarder: Codable, Sendable, Equatable {
            public var number: Int
            public var virtualMAC: String
            public var ownerMAC: String?
            public var ownerIP: String
            public var state: String
        }

        public struct Transition: Codable, Sendable, Equatable {
            public var timeNs: Int64
            public var frame: Int
            public var memberIP: String
            public var from: String
            public var to: String
            public var previousActive: String?
            public var gapNs: Int64?
        }
    }

    public struct FlowSummary: Codable, Sendable, Equatable {
        public var tracked: Int
        public var evicted: Int
        public var untracked: Int
        public var migrationCandidates: Int
    }

    public struct Settings: Codable, Sendable, Equatable {
        public var binNs: Int64
        public var uplinkBy: String
        public var lineRate: Bool
        public var busyThreshold: Double
    }
}
