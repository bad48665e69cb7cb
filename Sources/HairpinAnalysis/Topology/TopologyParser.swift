import HairpinWire
import Yams

extension Topology {
    /// Reads a topology file's text; every mistake (syntax, unknown key, wrong type, bad
    /// address, reference to an undeclared site or switch) is reported with its line and column.
    public static func parse(_ text: String, file: String) throws(TopologyError) -> Topology {
        var reader = TopologyReader(file: file)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { return Topology() }
            root = node
        } catch let error as YamlError {
            throw reader.syntaxError(error)
        } catch {
            throw TopologyError(file: file, line: 1, column: 1, message: "\(error)")
        }
        return try reader.topology(root)
    }
}

/// Walks the composed YAML nodes, so every value keeps its position for error messages.
struct TopologyReader {
    let file: String

    func error(_ node: Node?, _ message: String) -> TopologyError {
        TopologyError(file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1, message: message)
    }

    func syntaxError(_ error: YamlError) -> TopologyError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return TopologyError(file: file, line: mark.line, column: mark.column, message: problem)
        default:
            return TopologyError(file: file, line: 1, column: 1, message: "\(error)")
        }
    }

    /// The mapping's entries, after checking that it is one and that every key is known.
    func mapping(_ node: Node, _ what: String, keys: Set<String>) throws(TopologyError) -> [String: Node] {
        guard case .mapping(let mapping) = node else { throw error(node, "\(what) must be a mapping") }
        var entries: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw error(key, "\(what): keys must be text") }
            guard keys.contains(name) else {
                throw error(key, "\(what): unknown key '\(name)' (known: \(keys.sorted().joined(separator: ", ")))")
            }
            entries[name] = value
        }
        return entries
    }

    func sequence(_ node: Node?, _ what: String) throws(TopologyError) -> [Node] {
        guard let node else { return [] }
        guard case .sequence(let sequence) = node else { throw error(node, "\(what) must be a list") }
        return Array(sequence)
    }

    func text(_ node: Node?, _ what: String, required: Bool = false, parent: Node? = nil) throws(TopologyError) -> String? {
        guard let node else {
            if required { throw error(parent, "\(what) is required") }
            return nil
        }
        guard case .scalar(let scalar) = node else { throw error(node, "\(what) must be a single value") }
        return scalar.string
    }

    func integer(_ node: Node?, _ what: String, range: ClosedRange<Int>) throws(TopologyError) -> Int? {
        guard let value = try text(node, what) else { return nil }
        guard let number = Int(value), range.contains(number) else { throw error(node, "\(what) must be a whole number in \(range)") }
        return number
    }

    func number(_ node: Node?, _ what: String) throws(TopologyError) -> Double? {
        guard let value = try text(node, what) else { return nil }
        guard let number = Double(value), number >= 0 else { throw error(node, "\(what) must be a number of zero or more") }
        return number
    }

    func ip(_ node: Node?, _ what: String) throws(TopologyError) -> IPAddress? {
        guard let value = try text(node, what) else { return nil }
        guard let address = IPAddress(value) else { throw error(node, "\(what): '\(value)' is not an IP address") }
        return address
    }

    func list<T>(_ node: Node?, _ what: String, _ convert: (String) -> T?) throws(TopologyError) -> [T] {
        var values: [T] = []
        for item in try sequence(node, what) {
            let value = try text(item, what) ?? ""
            guard let converted = convert(value) else { throw error(item, "\(what): '\(value)' is not valid") }
            values.append(converted)
        }
        return values
    }

    func choice(_ node: Node?, _ what: String, _ allowed: [String], default fallback: String) throws(TopologyError) -> String {
        guard let value = try text(node, what) else { return fallback }
        guard allowed.contains(value) else { throw error(node, "\(what) must be one of \(allowed.joined(separator: ", "))") }
        return value
    }

    mutating func topology(_ root: Node) throws(TopologyError) -> Topology {
        let top = try mapping(root, "topology", keys: ["sites", "segments", "switches", "routers", "capture_points", "dci", "hosts"])
        var topology = Topology()
        for node in try sequence(top["sites"], "sites") {
            let site = try mapping(node, "site", keys: ["id", "name"])
            guard let id = try text(site["id"], "site id", required: true, parent: node) else { continue }
            if topology.sites.contains(id) { throw error(site["id"], "site '\(id)' is declared twice") }
            topology.sites.append(id)
        }
        func site(_ node: Node?, required: Bool, parent: Node) throws(TopologyError) -> String? {
            guard let id = try text(node, "site", required: required, parent: parent) else { return nil }
            guard topology.sites.contains(id) else { throw error(node, "site '\(id)' is not declared under sites") }
            return id
        }
        for node in try sequence(top["segments"], "segments") {
            let entries = try mapping(node, "segment", keys: ["id", "members", "subnets", "gateway"])
            var members: [Topology.Segment.Member] = []
            for memberNode in try sequence(entries["members"], "segment members") {
                let member = try mapping(memberNode, "segment member", keys: ["site", "vlan", "vni"])
                let vlan = try integer(member["vlan"], "vlan", range: 0...4095), vni = try integer(member["vni"], "vni", range: 0...0xFF_FFFF)
                if vlan == nil && vni == nil { throw error(memberNode, "a segment member needs a vlan or a vni") }
                members.append(.init(site: try site(member["site"], required: false, parent: memberNode), vlan: vlan, vni: vni))
            }
            var gateway: Topology.Segment.Gateway?
            if let gatewayNode = entries["gateway"] {
                let fields = try mapping(gatewayNode, "gateway", keys: ["protocol", "group", "vip", "isolation"])
                gateway = .init(
                    protocol: try choice(fields["protocol"], "gateway protocol",
                                         ["hsrp1", "hsrp2", "hsrp6", "vrrp2", "vrrp3", "glbp", "anycast", "static"], default: "static"),
                    group: try integer(fields["group"], "gateway group", range: 0...4095),
                    virtualIP: try ip(fields["vip"], "gateway vip"),
                    isolation: try choice(fields["isolation"], "gateway isolation",
                                          ["none", "per_site_same_group", "per_site_different_group"], default: "none"))
            }
            topology.segments.append(.init(id: try text(entries["id"], "segment id", required: true, parent: node) ?? "",
                                           members: members, subnets: try list(entries["subnets"], "subnets") { Subnet($0) },
                                           gateway: gateway))
        }
        for node in try sequence(top["switches"], "switches") {
            let entries = try mapping(node, "switch", keys: ["id", "site", "vpc_domain"])
            topology.switches.append(.init(id: try text(entries["id"], "switch id", required: true, parent: node) ?? "",
                                           site: try site(entries["site"], required: true, parent: node) ?? "",
                                           vpcDomain: try integer(entries["vpc_domain"], "vpc_domain", range: 1...1000)))
        }
        for node in try sequence(top["routers"], "routers") {
            let entries = try mapping(node, "router", keys: ["id", "site", "macs", "ips"])
            topology.routers.append(.init(id: try text(entries["id"], "router id", required: true, parent: node) ?? "",
                                          site: try site(entries["site"], required: true, parent: node) ?? "",
                                          macs: try list(entries["macs"], "router macs") { MACAddress($0) },
                                          ips: try list(entries["ips"], "router ips") { IPAddress($0) }))
        }
        for node in try sequence(top["hosts"], "hosts") {
            let entries = try mapping(node, "host", keys: ["id", "site", "vmotion_ips", "macs"])
            topology.hosts.append(.init(id: try text(entries["id"], "host id", required: true, parent: node) ?? "",
                                        site: try site(entries["site"], required: false, parent: node),
                                        vmotionIPs: try list(entries["vmotion_ips"], "vmotion_ips") { IPAddress($0) },
                                        macs: try list(entries["macs"], "host macs") { MACAddress($0) }))
        }
        for node in try sequence(top["capture_points"], "capture_points") {
            let entries = try mapping(node, "capture point", keys: ["match", "switch", "site", "role", "direction_hint"])
            guard let matchNode = entries["match"] else { throw error(node, "a capture point needs a match") }
            let fields = try mapping(matchNode, "match", keys: ["file", "if_name", "if_id", "erspan", "sll2_ifindex", "vlan", "host"])
            var match = Topology.Match(file: try text(fields["file"], "file"), interfaceName: try text(fields["if_name"], "if_name"),
                                       interfaceID: try integer(fields["if_id"], "if_id", range: 0...1_000_000),
                                       sll2InterfaceIndex: try integer(fields["sll2_ifindex"], "sll2_ifindex", range: 0...Int(Int32.max)),
                                       vlan: try integer(fields["vlan"], "vlan", range: 0...4095), host: try text(fields["host"], "host"))
            if let erspanNode = fields["erspan"] {
                let erspan = try mapping(erspanNode, "erspan", keys: ["session_id", "port_index", "collector_ip"])
                match.erspanSession = try integer(erspan["session_id"], "session_id", range: 0...1023)
                match.erspanPortIndex = try integer(erspan["port_index"], "port_index", range: 0...0xF_FFFF)
                match.collectorIP = try ip(erspan["collector_ip"], "collector_ip")
            }
            if match == Topology.Match() { throw error(matchNode, "a match needs at least one key") }
            if let host = match.host, !topology.hosts.contains(where: { $0.id == host }) {
                throw error(fields["host"], "host '\(host)' is not declared under hosts")
            }
            let switchID = try text(entries["switch"], "switch")
            if let switchID, !topology.switches.contains(where: { $0.id == switchID }) {
                throw error(entries["switch"], "switch '\(switchID)' is not declared under switches")
            }
            guard let roleText = try text(entries["role"], "role", required: true, parent: node), let role = Topology.Role(rawValue: roleText) else {
                throw error(entries["role"], "role must be one of \(Topology.Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            topology.capturePoints.append(.init(match: match, switchID: switchID,
                                                site: try site(entries["site"], required: false, parent: node)
                                                    ?? topology.switches.first { $0.id == switchID }?.site,
                                                role: role,
                                                directionHint: try choice(entries["direction_hint"], "direction_hint",
                                                                          ["both", "towards_dci", "from_dci"], default: "both")))
        }
        for node in try sequence(top["dci"], "dci") {
            let entries = try mapping(node, "dci link", keys: ["between", "type", "one_way_delay_ms", "capture_points"])
            let betweenNodes = try sequence(entries["between"], "between")
            guard betweenNodes.count == 2 else { throw error(entries["between"] ?? node, "between names the two sites a DCI link joins") }
            var between: [String] = []
            for siteNode in betweenNodes { between.append(try site(siteNode, required: true, parent: node) ?? "") }
            topology.dcis.append(.init(between: between, type: try text(entries["type"], "type"),
                                       oneWayDelayMilliseconds: try number(entries["one_way_delay_ms"], "one_way_delay_ms"),
                                       capturePoints: try list(entries["capture_points"], "capture_points") { String($0) }))
        }
        return topology
    }
}
