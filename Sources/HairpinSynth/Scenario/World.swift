import HairpinCapture
import HairpinWire

/// A scenario with its names resolved: addresses parsed, sites, endpoints and capture points
/// numbered, and the L2 paths between endpoints worked out.
struct World {
    struct Host {
        var name: String
        var site: Int
        var kind: String
        var mac: MACAddress
        var vmkernel: [IPv4Address]
        var vlan: UInt16
    }

    struct Router {
        var name: String
        var site: Int
        var mac: MACAddress
        var ip: IPv4Address
        var wanMAC: MACAddress
        var wanPeerMAC: MACAddress
    }

    /// Where a frame enters or leaves the switched network.
    enum Endpoint: Hashable {
        case host(Int)
        case router(Int)
    }

    enum Attachment: Equatable {
        case endpoint(Endpoint)
        /// One NIC of a host with several (multi-NIC vMotion pins a stream to each).
        case hostNIC(host: Int, nic: Int)
        case wan(Int)
        case dci
    }

    let scenario: Scenario
    let start: Int64
    let linkLatency: Int64
    let dciLatency: Int64
    var sites: [String]
    var vlans: [String: UInt16] = [:]
    var hosts: [Host] = []
    var routers: [Router] = []
    var capturePoints: [Attachment] = []

    struct ScenarioError: Error, CustomStringConvertible {
        var description: String
    }

    init(_ scenario: Scenario) throws {
        self.scenario = scenario
        start = Int64(scenario.start * 1e9)
        linkLatency = Int64(scenario.linkLatencyMicroseconds * 1000)
        dciLatency = Int64(scenario.dciLatencyMilliseconds * 1_000_000)
        sites = scenario.sites.map(\.name)
        guard !sites.isEmpty, sites.count <= 2 else { throw ScenarioError(description: "a scenario has one or two sites") }
        for segment in scenario.segments { vlans[segment.name] = segment.vlan }
        for host in scenario.hosts {
            hosts.append(Host(name: host.name, site: try site(host.site), kind: host.kind, mac: try Self.mac(host.mac),
                              vmkernel: try host.vmkernel.map(Self.ipv4), vlan: try vlan(host.segment)))
        }
        for router in scenario.routers {
            let mac = try Self.mac(router.mac)
            routers.append(Router(name: router.name, site: try site(router.site), mac: mac, ip: try Self.ipv4(router.ip),
                                  wanMAC: try router.wanMAC.map(Self.mac) ?? MACAddress(rawValue: mac.rawValue ^ 0x0000_0000_1000),
                                  wanPeerMAC: try router.wanPeerMAC.map(Self.mac) ?? MACAddress(rawValue: 0x00AA_BB00_0000 | UInt64(routers.count + 1))))
        }
        for point in scenario.capturePoints {
            capturePoints.append(try attachment(point.link))
        }
    }

    func site(_ name: String) throws -> Int {
        guard let index = sites.firstIndex(of: name) else { throw ScenarioError(description: "unknown site \(name)") }
        return index
    }

    func vlan(_ segment: String) throws -> UInt16 {
        guard let vlan = vlans[segment] else { throw ScenarioError(description: "unknown segment \(segment)") }
        return vlan
    }

    func host(_ name: String) throws -> Int {
        guard let index = hosts.firstIndex(where: { $0.name == name }) else { throw ScenarioError(description: "unknown host \(name)") }
        return index
    }

    func router(_ name: String) throws -> Int {
        guard let index = routers.firstIndex(where: { $0.name == name }) else { throw ScenarioError(description: "unknown router \(name)") }
        return index
    }

    func attachment(_ link: String) throws -> Attachment {
        if link == "dci" { return .dci }
        let parts = link.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw ScenarioError(description: "capture point link \(link): use host:NAME, host:NAME#NIC, router:NAME, wan:ROUTER or dci") }
        switch parts[0] {
        case "host":
            let name = parts[1].split(separator: "#", maxSplits: 1).map(String.init)
            if name.count == 2, let nic = Int(name[1]) { return .hostNIC(host: try host(name[0]), nic: nic) }
            return .endpoint(.host(try host(parts[1])))
        case "router": return .endpoint(.router(try router(parts[1])))
        case "wan": return .wan(try router(parts[1]))
        default: throw ScenarioError(description: "capture point link \(link): use host:NAME, router:NAME, wan:ROUTER or dci")
        }
    }

    static func mac(_ text: String) throws -> MACAddress {
        guard let mac = MACAddress(text) else { throw ScenarioError(description: "not a MAC address: \(text)") }
        return mac
    }

    static func ipv4(_ text: String) throws -> IPv4Address {
        guard let address = IPv4Address(text) else { throw ScenarioError(description: "not an IPv4 address: \(text)") }
        return address
    }

    static func ip(_ text: String) throws -> IPAddress {
        guard let address = IPAddress(text) else { throw ScenarioError(description: "not an IP address: \(text)") }
        return address
    }

    func siteOf(_ endpoint: Endpoint) -> Int {
        switch endpoint {
        case .host(let index): hosts[index].site
        case .router(let index): routers[index].site
        }
    }

    /// The capture point on a host's link (its first NIC when it has several), if any.
    func hostPoint(_ host: Int) -> Int? {
        capturePoints.firstIndex(of: .endpoint(.host(host))) ?? capturePoints.firstIndex(of: .hostNIC(host: host, nic: 0))
    }

    // MARK: Paths

    /// One copy of a frame as a capture point sees it.
    struct Copy {
        var point: Int
        var delay: Int64
        var direction: Direction
    }

    private func points(at attachment: Attachment) -> [Int] {
        capturePoints.indices.filter { capturePoints[$0] == attachment }
    }

    /// The capture points on an endpoint's link: the whole host, and the NIC the traffic uses.
    private func points(at endpoint: Endpoint, nic: Int) -> [Int] {
        var result = points(at: .endpoint(endpoint))
        if case .host(let host) = endpoint { result += points(at: .hostNIC(host: host, nic: nic)) }
        return result.sorted()
    }

    /// Direction on the DCI: from the first site to the second is outbound.
    private func dciDirection(from site: Int) -> Direction { site == 0 ? .outbound : .inbound }

    /// A unicast frame from one endpoint to another across the sites' switches.
    func unicast(from source: Endpoint, to destination: Endpoint, nic: Int = 0) -> [Copy] {
        var copies: [Copy] = []
        for point in points(at: source, nic: nic) { copies.append(Copy(point: point, delay: 0, direction: .inbound)) }
        var delay = linkLatency
        if siteOf(source) != siteOf(destination) {
            for point in points(at: .dci) { copies.append(Copy(point: point, delay: delay, direction: dciDirection(from: siteOf(source)))) }
            delay += dciLatency
        }
        for point in points(at: destination, nic: nic) { copies.append(Copy(point: point, delay: delay, direction: .outbound)) }
        return copies
    }

    /// A broadcast or multicast frame flooded to every port of the segment, across the DCI unless
    /// `stayLocal` (FHRP isolation filters).
    func flood(from source: Endpoint, stayLocal: Bool = false) -> [Copy] {
        var copies: [Copy] = []
        let origin = siteOf(source)
        for point in points(at: source, nic: 0) { copies.append(Copy(point: point, delay: 0, direction: .inbound)) }
        for (index, attachment) in capturePoints.enumerated() {
            switch attachment {
            case .hostNIC(let host, let nic) where nic == 0 && Endpoint.host(host) != source:
                let site = hosts[host].site
                if site == origin {
                    copies.append(Copy(point: index, delay: linkLatency, direction: .outbound))
                } else if !stayLocal {
                    copies.append(Copy(point: index, delay: 2 * linkLatency + dciLatency, direction: .outbound))
                }
            case .endpoint(let endpoint) where endpoint != source:
                let site = siteOf(endpoint)
                if site == origin {
                    copies.append(Copy(point: index, delay: linkLatency, direction: .outbound))
                } else if !stayLocal {
                    copies.append(Copy(point: index, delay: 2 * linkLatency + dciLatency, direction: .outbound))
                }
            case .dci where !stayLocal && sites.count > 1:
                copies.append(Copy(point: index, delay: linkLatency, direction: dciDirection(from: origin)))
            default:
                break
            }
        }
        return copies.sorted { ($0.delay, $0.point) < ($1.delay, $1.point) }
    }

    /// A routed frame on a router's L3 uplink.
    func wan(_ router: Int, outbound: Bool, delay: Int64) -> [Copy] {
        points(at: .wan(router)).map { Copy(point: $0, delay: delay, direction: outbound ? .outbound : .inbound) }
    }
}
