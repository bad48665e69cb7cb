import Testing
import HairpinAnalysis
import HairpinWire

/// Topology files: a full one reads into its values; each kind of mistake names its line and column.
struct TopologyTests {
    static let valid = """
    sites:
      - id: A
      - id: B
    segments:
      - id: prod-web
        members:
          - {site: A, vlan: 110}
          - {site: B, vlan: 210}
          - {vni: 10110}
        subnets: [10.1.10.0/24, "2001:db8:10::/64"]
        gateway: {protocol: hsrp2, group: 10, vip: 10.1.10.1, isolation: per_site_same_group}
    switches:
      - {id: a-agg1, site: A, vpc_domain: 10}
      - {id: b-tor3, site: B}
    routers:
      - {id: a-agg1, site: A, macs: ["00:2a:6a:11:22:33"], ips: [10.1.10.2]}
    hosts:
      - {id: esx-b-02, site: B, vmotion_ips: [192.168.50.12], macs: ["00:50:56:6a:00:12"]}
    capture_points:
      - match: {file: "a-dci.pcapng", if_name: "eth2"}
        switch: a-agg1
        role: dci
        direction_hint: towards_dci
      - match: {erspan: {session_id: 101, collector_ip: 192.0.2.10, port_index: 17}}
        switch: b-tor3
        role: server
      - match: {sll2_ifindex: 7, host: esx-b-02}
        site: B
        role: server
    dci:
      - {between: [A, B], type: otv, one_way_delay_ms: 1.5, capture_points: ["a-dci.pcapng:eth2"]}
    """

    @Test func aFullFileReadsIntoItsValues() throws {
        let topology = try Topology.parse(Self.valid, file: "site.yaml")
        #expect(topology.sites == ["A", "B"])
        let segment = try #require(topology.segments.first)
        #expect(segment.members.map(\.vlan) == [110, 210, nil])
        #expect(segment.members.last?.vni == 10110)
        #expect(segment.subnets.map(\.description) == ["10.1.10.0/24", "2001:db8:10::/64"])
        #expect(segment.subnets[0].contains(IPAddress("10.1.10.77")!))
        #expect(!segment.subnets[0].contains(IPAddress("10.1.11.1")!))
        #expect(segment.subnets[1].contains(IPAddress("2001:db8:10::50")!))
        #expect(segment.gateway?.protocol == "hsrp2")
        #expect(segment.gateway?.group == 10)
        #expect(segment.gateway?.virtualIP == IPAddress("10.1.10.1"))
        #expect(segment.gateway?.isolation == "per_site_same_group")
        #expect(topology.switches.map(\.vpcDomain) == [10, nil])
        #expect(topology.routers.first?.macs == [MACAddress("00:2a:6a:11:22:33")!])
        #expect(topology.capturePoints.map(\.role) == [.dci, .server, .server])
        #expect(topology.capturePoints.map(\.site) == ["A", "B", "B"])
        #expect(topology.capturePoints[0].match.interfaceName == "eth2")
        #expect(topology.capturePoints[0].directionHint == "towards_dci")
        #expect(topology.capturePoints[1].match.erspanSession == 101)
        #expect(topology.capturePoints[1].match.erspanPortIndex == 17)
        #expect(topology.capturePoints[2].match.sll2InterfaceIndex == 7)
        #expect(topology.dcis.first?.between == ["A", "B"])
        #expect(topology.dcis.first?.oneWayDelayMilliseconds == 1.5)
        #expect(topology.hosts.first?.vmotionIPs == [IPAddress("192.168.50.12")!])
    }

    func failure(_ text: String) -> TopologyError? {
        do {
            _ = try Topology.parse(text, file: "bad.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        // (file text, line, column, words the message must hold)
        ("sites:\n  - id: A\n  - {id: B\n", 4, 1, "did not find expected"),                  // unclosed flow mapping
        ("sites:\n  - id: A\nswitchez: []\n", 3, 1, "unknown key 'switchez'"),
        ("sites:\n  - id: A\nswitches:\n  - {id: s1, site: C}\n", 4, 20, "site 'C' is not declared"),
        ("sites:\n  - id: A\n  - id: A\n", 3, 9, "declared twice"),
        ("sites:\n  - id: A\nrouters:\n  - {id: r, site: A, macs: [\"00:2a:6a:zz:22:33\"]}\n", 4, 29, "is not valid"),
        ("segments:\n  - id: s\n    members:\n      - {vlan: 5000}\n", 4, 16, "vlan must be a whole number"),
        ("segments:\n  - id: s\n    members:\n      - {}\n", 4, 9, "needs a vlan or a vni"),
        ("capture_points:\n  - match: {file: x}\n    role: spine\n", 3, 11, "role must be one of"),
        ("capture_points:\n  - role: dci\n", 2, 5, "needs a match"),
        ("capture_points:\n  - match: {file: x}\n    switch: nope\n    role: dci\n", 3, 13, "switch 'nope' is not declared"),
        ("segments:\n  - id: s\n    gateway: {protocol: hsrp9}\n", 3, 25, "gateway protocol must be one of"),
        ("sites: {id: A}\n", 1, 8, "sites must be a list"),
    ] as [(String, Int, Int, String)])
    func mistakesNameTheirPosition(_ text: String, _ line: Int, _ column: Int, _ words: String) throws {
        let error = try #require(failure(text), "no error for:\n\(text)")
        #expect(error.line == line, "\(error)")
        #expect(error.column == column, "\(error)")
        #expect(error.message.contains(words), "\(error)")
        #expect(error.description.hasPrefix("bad.yaml:\(line):\(column): "))
    }

    @Test func anEmptyFileIsAnEmptyTopology() throws {
        let empty = try Topology.parse("", file: "empty.yaml")
        #expect(empty.sites.isEmpty && empty.segments.isEmpty && empty.capturePoints.isEmpty)
    }
}
