import HairpinWire
import Yams

/// The network around the captures (protocols.md 8.11): sites, stretched segments with their
/// subnets and gateway, switches, routers, hypervisor hosts, DCI links, and how each capture
/// source maps to a place and a role. Optional: without it every capture point is a place of
/// its own.
public struct Topology: Sendable, Equatable {
    public struct Segment: Sendable, Equatable {
        public struct Member: Sendable, Equatable {
            public var site: String?
            public var vlan: Int?
            public var vni: Int?
        }
        public struct Gateway: Sendable, Equatable {
            /// hsrp1, hsrp2, hsrp6, vrrp2, vrrp3, glbp, anycast or static.
            public var `protocol`: String
            public var group: Int?
            public var virtualIP: IPAddress?
            /// none, per_site_same_group or per_site_different_group.
            public var isolation: String
        }
        public var id: String
        public var members: [Member]
        public var subnets: [Subnet]
        public var gateway: Gateway?
    }

    public struct Switch: Sendable, Equatable {
        public var id: String
        public var site: String
        public var vpcDomain: Int?
    }

    public struct Router: Sendable, Equatable {
        public var id: String
        public var site: String
        public var macs: [MACAddress]
        public var ips: [IPAddress]
    }

    public enum Role: String, Sendable, CaseIterable {
        case server, uplink, dci, core
        case peerLink = "peer_link"
        case l3Uplink = "l3_uplink"
    }

    /// Which capture source a capture point is: every key given must match.
    public struct Match: Sendable, Equatable {
        public var file: String?
        public var interfaceName: String?
        public var interfaceID: Int?
        public var erspanSession: Int?
        public var erspanPortIndex: Int?
        public var collectorIP: IPAddress?
        public var sll2InterfaceIndex: Int?
        public var vlan: Int?
        public var host: String?
    }

    public struct CapturePoint: Sendable, Equatable {
        public var match: Match
        public var switchID: String?
        public var site: String?
        public var role: Role
        /// both, towards_dci or from_dci.
        public var directionHint: String
    }

    public struct DCI: Sendable, Equatable {
        public var between: [String]
        public var type: String?
        public var oneWayDelayMilliseconds: Double?
        public var capturePoints: [String]
    }

    public struct Host: Sendable, Equatable {
        public var id: String
        public var site: String?
        public var vmotionIPs: [IPAddress]
        public var macs: [MACAddress]
    }

    public var sites: [String] = []
    public var segments: [Segment] = []
    public var switches: [Switch] = []
    public var routers: [Router] = []
    public var capturePoints: [CapturePoint] = []
    public var dcis: [DCI] = []
    public var hosts: [Host] = []
}

/// A mistake in a topology file, with where it is.
public struct TopologyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    public var description: String { "\(file):\(line):\(column): \(message)" }
}

extension Topology {
    /// The capture point a place is, by the first entry whose every given key matches.
    func capturePoint(of place: Report.Place, interfaces: [Report.Interface]) -> CapturePoint? {
        let interface = interfaces.first { $0.id == place.interface }
        return capturePoints.first { point in
            let match = point.match
            if let file = match.file, !(interface.map { $0.file == file || $0.file.hasSuffix("/" + file) } ?? false) { return false }
            if let name = match.interfaceName, interface?.name != name { return false }
            if let id = match.interfaceID, place.interface != id { return false }
            if let session = match.erspanSession, place.session != session { return false }
            if let index = match.sll2InterfaceIndex, place.interfaceIndex != index { return false }
            if let vlan = match.vlan, place.vlan != vlan { return false }
            return true
        }
    }

    /// Names the sites of the moves' places from the capture points they match.
    func placeSites(_ moves: inout [Report.Move], interfaces: [Report.Interface]) {
        for index in moves.indices {
            moves[index].from.site = capturePoint(of: moves[index].from, interfaces: interfaces)?.site
            moves[index].to.site = capturePoint(of: moves[index].to, interfaces: interfaces)?.site
        }
    }
}
