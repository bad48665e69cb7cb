/// The scenarios that ship with Hairpin, as YAML: `hairpin synth --print NAME` shows one, and a
/// copy edited by hand is a scenario file of its own.
public enum BuiltinScenarios {
    public static let all: [(name: String, summary: String, yaml: String)] = [
        ("steady-state", "one site, HSRP pair, VMs talking to the outside, no migration", steadyState),
        ("vmotion-hsrp-hairpin", "vMotion from site A to B; HSRP active stays at A: outbound hairpins over the DCI, return via A", hsrpHairpin),
        ("vmotion-hsrp-asymmetric", "as vmotion-hsrp-hairpin, but after the move the return enters at site B: asymmetric", hsrpAsymmetric),
        ("glbp-split", "GLBP stretched over two sites: one VM's forwarder is at A (hairpin), another's at B (local)", glbpSplit),
        ("vrrp-qemu", "QEMU/KVM live migration with VRRP v3, five RARPs and the guest's own announcements", vrrpQemu),
        ("fhrp-isolation", "HSRP filtered at the DCI: each site has its own active, the moved VM routes locally", fhrpIsolation),
        ("multi-nic-vmotion", "vMotion over two VMkernel NICs: two parallel streams on two uplinks", multiNIC),
        ("hyperv-decoys", "Hyper-V live migration on TCP 6600 with a gratuitous ARP reply, beside decoy bulk flows", hypervDecoys),
        ("erspan-mirror", "vmotion-hsrp-hairpin seen through ERSPAN: every capture point mirrored into one file", erspanMirror),
        ("kvm-flip-flop", "QEMU/KVM migration where the source host announces the VM again: the MAC flips back twice before it settles", kvmFlipFlop),
        ("vxlan-overlay", "vmotion-hsrp-hairpin beside tenant transfers in a VXLAN overlay (VNI 5001) across the uplinks and the DCI", vxlanOverlay),
    ]

    public static func yaml(named name: String) -> String? { all.first { $0.name == name }?.yaml }

    /// Two sites, a VM VLAN stretched over the DCI, a vMotion VLAN, two ESXi hosts per site,
    /// two routers per site, and capture points on hosts, routers, the DCI and the L3 uplinks.
    static func twoSites(name: String, description: String, gateways: String, flows: String, migrations: String,
                         extra: String = "", captureMode: String = "pcapng", kind: String = "esxi",
                         hostMACPrefix: String = "00:50:56:6", vms: String? = nil) -> String {
        """
        name: \(name)
        description: >
          \(description)
        start: 1767261600
        duration_s: 8
        seed: 7
        dci_latency_ms: 1.5
        capture_mode: \(captureMode)
        snaplen: 128
        sites:
          - name: dc-a
          - name: dc-b
        segments:
          - name: vm-net
            vlan: 100
            subnet: 10.100.0.0/24
          - name: vmotion
            vlan: 200
            subnet: 10.200.0.0/24
          - name: db-net
            vlan: 300
            subnet: 10.30.0.0/24
        hosts:
          - {name: esx-a1, site: dc-a, kind: \(kind), mac: "\(hostMACPrefix)a:00:01", vmkernel: [10.200.0.11], segment: vmotion}
          - {name: esx-a2, site: dc-a, kind: \(kind), mac: "\(hostMACPrefix)a:00:02", vmkernel: [10.200.0.12], segment: vmotion}
          - {name: esx-b1, site: dc-b, kind: \(kind), mac: "\(hostMACPrefix)b:00:01", vmkernel: [10.200.0.21], segment: vmotion}
          - {name: esx-b2, site: dc-b, kind: \(kind), mac: "\(hostMACPrefix)b:00:02", vmkernel: [10.200.0.22], segment: vmotion}
        routers:
          - {name: ra1, site: dc-a, mac: "00:1b:54:a1:00:01", ip: 10.100.0.2, wan_mac: "00:1b:54:a1:10:01", wan_peer_mac: "00:1b:54:c0:00:01"}
          - {name: ra2, site: dc-a, mac: "00:1b:54:a2:00:01", ip: 10.100.0.3, wan_mac: "00:1b:54:a2:10:01", wan_peer_mac: "00:1b:54:c0:00:02"}
          - {name: rb1, site: dc-b, mac: "00:1b:54:b1:00:01", ip: 10.100.0.4, wan_mac: "00:1b:54:b1:10:01", wan_peer_mac: "00:1b:54:c0:00:03"}
          - {name: rb2, site: dc-b, mac: "00:1b:54:b2:00:01", ip: 10.100.0.5, wan_mac: "00:1b:54:b2:10:01", wan_peer_mac: "00:1b:54:c0:00:04"}
        gateways:
        \(gateways)
        vms:
        \(vms ?? """
          - {name: app1, mac: "00:50:56:aa:bb:01", ip: 10.100.0.50, segment: vm-net, host: esx-a1}
          - {name: app2, mac: "00:50:56:aa:bb:02", ip: 10.100.0.51, segment: vm-net, host: esx-a2}
        """)
        peers:
          - {name: client, ip: 198.51.100.20}
          - {name: backend, ip: 203.0.113.40}
          - {name: db, ip: 10.30.0.40, segment: db-net, host: esx-b2, mac: "00:50:56:dd:00:40"}
        flows:
        \(flows)
        migrations:
        \(migrations)
        \(extra)
        capture_points:
          - {name: esx-a1-uplink, link: "host:esx-a1", speed_gbps: 25, description: "leaf-a1 Eth1/1 to esx-a1 vmnic0"}
          - {name: esx-b1-uplink, link: "host:esx-b1", speed_gbps: 25, description: "leaf-b1 Eth1/1 to esx-b1 vmnic0"}
          - {name: ra1-lan, link: "router:ra1", speed_gbps: 40, description: "leaf-a1 Eth1/49 to ra1"}
          - {name: rb1-lan, link: "router:rb1", speed_gbps: 40, description: "leaf-b1 Eth1/49 to rb1"}
          - {name: dci, link: dci, speed_gbps: 10, description: "dc-a to dc-b DCI"}
          - {name: ra1-wan, link: "wan:ra1", speed_gbps: 100, description: "ra1 uplink to the core"}
          - {name: rb1-wan, link: "wan:rb1", speed_gbps: 100, description: "rb1 uplink to the core"}
        """
    }

    static let hsrpStretched = """
          - protocol: hsrp1
            group: 10
            segment: vm-net
            virtual_ip: 10.100.0.1
            members:
              - {router: ra1, priority: 110, role: active}
              - {router: ra2, priority: 100, role: standby}
              - {router: rb1, priority: 90, role: listen}
              - {router: rb2, priority: 80, role: listen}
        """

    static let vmotionApp1 = """
          - {kind: vmotion, vm: app1, from: esx-a1, to: esx-b1, start_s: 2, memory_mb: 12, rate_gbps: 9, mtu: 9000, precopy_passes: 3, dirty_fraction: 0.15, rarp_count: 3, rarp_interval_ms: 10}
        """

    /// One site, an HSRP v2 pair and two ESXi hosts (with one or two VMkernel NICs each).
    static func oneSite(name: String, description: String, durationSeconds: Int, seed: Int, vmkernel: [[String]],
                        vms: String, flows: String, body: String) -> String {
        """
        name: \(name)
        description: >
          \(description)
        start: 1767261600
        duration_s: \(durationSeconds)
        seed: \(seed)
        snaplen: 160
        sites:
          - name: dc-a
        segments:
          - {name: vm-net, vlan: 100, subnet: 10.100.0.0/24}
          - {name: vmotion, vlan: 200, subnet: 10.200.0.0/24}
        hosts:
          - {name: esx-a1, site: dc-a, kind: esxi, mac: "00:50:56:6a:00:01", vmkernel: [\(vmkernel[0].joined(separator: ", "))], segment: vmotion}
          - {name: esx-a2, site: dc-a, kind: esxi, mac: "00:50:56:6a:00:02", vmkernel: [\(vmkernel[1].joined(separator: ", "))], segment: vmotion}
        routers:
          - {name: ra1, site: dc-a, mac: "00:1b:54:a1:00:01", ip: 10.100.0.2}
          - {name: ra2, site: dc-a, mac: "00:1b:54:a2:00:01", ip: 10.100.0.3}
        gateways:
          - protocol: hsrp2
            group: 10
            segment: vm-net
            virtual_ip: 10.100.0.1
            members:
              - {router: ra1, priority: 110, role: active}
              - {router: ra2, priority: 100, role: standby}
        vms:
        \(vms)
        peers:
          - {name: client, ip: 198.51.100.20}
        flows:
        \(flows)
        \(body)
        """
    }

    static let steadyState = oneSite(
        name: "steady-state",
        description: "One site with an HSRP pair and two ESXi hosts; VMs talk to outside peers through the gateway. Nothing moves: every verdict is local.",
        durationSeconds: 10, seed: 3, vmkernel: [["10.200.0.11"], ["10.200.0.12"]],
        vms: """
          - {name: app1, mac: "00:50:56:aa:bb:01", ip: 10.100.0.50, segment: vm-net, host: esx-a1}
          - {name: app2, mac: "00:50:56:aa:bb:02", ip: 10.100.0.51, segment: vm-net, host: esx-a2}
        """,
        flows: """
          - {vm: app1, peer: client, port: 443, requests_per_s: 20, return_via: ra1}
          - {vm: app2, peer: client, port: 443, requests_per_s: 20, return_via: ra2}
        """,
        body: """
        background:
          - {from: esx-a1, to: esx-a2, port: 2049, start_s: 1, megabytes: 1, rate_gbps: 2, mtu: 1500}
        capture_points:
          - {name: esx-a1-uplink, link: "host:esx-a1", speed_gbps: 25}
          - {name: esx-a2-uplink, link: "host:esx-a2", speed_gbps: 25}
          - {name: ra1-lan, link: "router:ra1", speed_gbps: 40}
          - {name: ra1-wan, link: "wan:ra1", speed_gbps: 100}
        """)

    static let hsrpHairpin = twoSites(
        name: "vmotion-hsrp-hairpin",
        description: "vMotion of app1 from esx-a1 (dc-a) to esx-b1 (dc-b) over a stretched VLAN. The HSRP active ra1 stays at dc-a, so after the move app1's frames to 0000.0c07.ac0a cross the DCI (outbound hairpin) and the return, routed by ra1, crosses it back. Its queries to the database on VLAN 300 at dc-b trombone: to ra1 over the DCI and routed back over it.",
        gateways: hsrpStretched,
        flows: """
          - {vm: app1, peer: client, port: 443, requests_per_s: 25, return_via: ra1}
          - {vm: app1, peer: db, port: 5432, requests_per_s: 8, return_via: ra1}
          - {vm: app2, peer: backend, port: 5432, requests_per_s: 10, return_via: ra1}
        """,
        migrations: vmotionApp1)

    static let hsrpAsymmetric = twoSites(
        name: "vmotion-hsrp-asymmetric",
        description: "As vmotion-hsrp-hairpin, but dc-b also advertises the subnet: after the move the return enters at rb1 and reaches app1 locally while the outbound still hairpins to ra1 at dc-a. Outbound and return forwarders differ: an asymmetric path.",
        gateways: hsrpStretched,
        flows: """
          - {vm: app1, peer: client, port: 443, requests_per_s: 25, return_via: ra1, return_after: rb1}
          - {vm: app2, peer: backend, port: 5432, requests_per_s: 10, return_via: ra1}
        """,
        migrations: vmotionApp1)

    static let glbpSplit = twoSites(
        name: "glbp-split",
        description: "GLBP group 1 stretched over both sites: ra1 (dc-a) is the AVG and AVF 1, rb1 (dc-b) is AVF 2. app1 was handed forwarder 1's virtual MAC and hairpins to dc-a after moving; app2, handed forwarder 2, is local after moving.",
        gateways: """
          - protocol: glbp
            group: 1
            segment: vm-net
            virtual_ip: 10.100.0.1
            members:
              - {router: ra1, priority: 120, role: active, forwarders: [1]}
              - {router: rb1, priority: 100, role: standby, forwarders: [2]}
        """,
        flows: """
          - {vm: app1, peer: client, port: 443, requests_per_s: 25, return_via: ra1}
          - {vm: app2, peer: client, port: 443, requests_per_s: 25, return_via: rb1}
        """,
        migrations: """
          - {kind: vmotion, vm: app1, from: esx-a1, to: esx-b1, start_s: 1.5, memory_mb: 8, rate_gbps: 9, mtu: 9000}
          - {kind: vmotion, vm: app2, from: esx-a2, to: esx-b2, start_s: 4, memory_mb: 8, rate_gbps: 9, mtu: 9000}
        """,
        vms: """
          - {name: app1, mac: "00:50:56:aa:bb:01", ip: 10.100.0.50, segment: vm-net, host: esx-a1, glbp_forwarder: 1}
          - {name: app2, mac: "00:50:56:aa:bb:02", ip: 10.100.0.51, segment: vm-net, host: esx-a2, glbp_forwarder: 2}
        """)

    static let vrrpQemu = twoSites(
        name: "vrrp-qemu",
        description: "KVM hosts migrate app1 with QEMU (stream magic QEVM on TCP 49152, two multifd-less streams not used: one stream). The destination sends five RARPs at 0/50/200/450/800 ms and the guest answers each with an ARP announcement and an unsolicited NA. VRRP v3 master ra1 stays at dc-a: outbound hairpin.",
        gateways: """
          - protocol: vrrp3
            group: 20
            segment: vm-net
            virtual_ip: 10.100.0.1
            members:
              - {router: ra1, priority: 200, role: master}
              - {router: rb1, priority: 100, role: backup}
        """,
        flows: """
          - {vm: app1, peer: client, port: 443, requests_per_s: 25, return_via: ra1}
        """,
        migrations: """
          - {kind: qemu, vm: app1, from: esx-a1, to: esx-b1, start_s: 2, memory_mb: 3, rate_gbps: 1, mtu: 1500, precopy_passes: 3}
        """,
        kind: "kvm", hostMACPrefix: "52:54:00:6",
        vms: """
          - {name: app1, mac: "52:54:00:aa:bb:01", ip: 10.100.0.50, ipv6: "2001:db8:100::50", segment: vm-net, host: esx-a1}
        """)

    static let kvmFlipFlop = twoSites(
        name: "kvm-flip-flop",
        description: "KVM hosts migrate app1 with QEMU from esx-a1 (dc-a) to esx-b1 (dc-b). After the destination's five RARPs the source host announces the VM again twice, 300 ms apart, so switches point the MAC back to dc-a for a moment each time (the MAC moving between hosts more than once). One move, two flip-flops. HSRP active ra1 stays at dc-a.",
        gateways: hsrpStretched,
        flows: """
          - {vm: app1, peer: client, port: 443, requests_per_s: 25, return_via: ra1}
        """,
        migrations: """
          - {kind: qemu, vm: app1, from: esx-a1, to: esx-b1, start_s: 2, memory_mb: 3, rate_gbps: 1, mtu: 1500, precopy_passes: 2, flip_flops: 2}
        """,
        kind: "kvm", hostMACPrefix: "52:54:00:6",
        vms: """
          - {name: app1, mac: "52:54:00:aa:bb:01", ip: 10.100.0.50, segment: vm-net, host: esx-a1}
        """)

    static let fhrpIsolation = twoSites(
        name: "fhrp-isolation",
        description: "HSRP hellos are filtered at the DCI (FHRP isolation): ra1 is active at dc-a and rb1 at dc-b for the same group and virtual MAC. After the move app1 routes through rb1 locally; no hellos cross the DCI. The return still enters at dc-a (no ingress optimisation): inbound hairpin, asymmetric.",
        gateways: """
          - protocol: hsrp1
            group: 10
            segment: vm-net
            virtual_ip: 10.100.0.1
            isolation: true
            members:
              - {router: ra1, priority: 110, role: active}
              - {router: ra2, priority: 100, role: standby}
              - {router: rb1, priority: 110, role: active}
              - {router: rb2, priority: 100, role: standby}
        """,
        flows: """
          - {vm: app1, peer: client, port: 443, requests_per_s: 25, return_via: ra1}
        """,
        migrations: vmotionApp1)

    static let multiNIC = oneSite(
        name: "multi-nic-vmotion",
        description: "Multi-NIC vMotion: each ESXi host has two VMkernel NICs, so the migration of app1 runs as two parallel TCP 8000 streams between different address pairs of the same two hosts, each on its own uplink.",
        durationSeconds: 6, seed: 11, vmkernel: [["10.200.0.11", "10.200.0.111"], ["10.200.0.12", "10.200.0.112"]],
        vms: """
          - {name: app1, mac: "00:50:56:aa:bb:01", ip: 10.100.0.50, segment: vm-net, host: esx-a1}
        """,
        flows: """
          - {vm: app1, peer: client, port: 443, requests_per_s: 20, return_via: ra1}
        """,
        body: """
        migrations:
          - {kind: vmotion, vm: app1, from: esx-a1, to: esx-a2, start_s: 1, memory_mb: 16, rate_gbps: 18, mtu: 9000}
        capture_points:
          - {name: esx-a1-vmnic0, link: "host:esx-a1#0", speed_gbps: 25, description: "leaf-a1 Eth1/1 to esx-a1 vmnic0"}
          - {name: esx-a1-vmnic1, link: "host:esx-a1#1", speed_gbps: 25, description: "leaf-a2 Eth1/1 to esx-a1 vmnic1"}
          - {name: esx-a2-vmnic0, link: "host:esx-a2#0", speed_gbps: 25, description: "leaf-a1 Eth1/2 to esx-a2 vmnic0"}
          - {name: esx-a2-vmnic1, link: "host:esx-a2#1", speed_gbps: 25, description: "leaf-a2 Eth1/2 to esx-a2 vmnic1"}
          - {name: ra1-lan, link: "router:ra1", speed_gbps: 40}
        """)

    static let hypervDecoys = twoSites(
        name: "hyperv-decoys",
        description: "Hyper-V live migration of app1 on TCP 6600 followed by the gratuitous ARP reply; beside it an 8 MB backup on TCP 8080 (bulk but not a migration) and a 2 KB connection to TCP 8000 (the right port but no bulk).",
        gateways: hsrpStretched,
        flows: """
          - {vm: app1, peer: client, port: 443, requests_per_s: 20, return_via: ra1}
        """,
        migrations: """
          - {kind: hyperv, vm: app1, from: esx-a1, to: esx-b1, start_s: 2, memory_mb: 10, rate_gbps: 8, mtu: 9000, precopy_passes: 3}
        """,
        extra: """
        background:
          - {from: esx-a2, to: esx-b2, port: 8080, start_s: 1, megabytes: 8, rate_gbps: 4, mtu: 9000}
          - {from: esx-a2, to: esx-b1, port: 8000, start_s: 3, megabytes: 0.002, rate_gbps: 1, mtu: 1500}
        """,
        kind: "hyperv", hostMACPrefix: "00:15:5d:6",
        vms: """
          - {name: app1, mac: "00:15:5d:aa:bb:01", ip: 10.100.0.50, segment: vm-net, host: esx-a1}
        """)

    static let erspanMirror = twoSites(
        name: "erspan-mirror",
        description: "The vmotion-hsrp-hairpin story seen by a collector: each capture point is an ERSPAN type II session (session id = capture point + 1) from the switch that mirrors it, all in one file.",
        gateways: hsrpStretched,
        flows: """
          - {vm: app1, peer: client, port: 443, requests_per_s: 25, return_via: ra1}
        """,
        migrations: vmotionApp1,
        captureMode: "erspan")

    static let vxlanOverlay = twoSites(
        name: "vxlan-overlay",
        description: "The vmotion-hsrp-hairpin story beside tenant traffic in a VXLAN overlay, as a hypervisor's overlay (NSX) carries it: two bulk transfers between tenant VMs, one across the DCI and one within dc-a, travel in VXLAN (UDP 4789, VNI 5001) between the hosts' VMkernel addresses. The migration and app1's own traffic stay on their VLANs.",
        gateways: hsrpStretched,
        flows: """
          - {vm: app1, peer: client, port: 443, requests_per_s: 25, return_via: ra1}
        """,
        migrations: vmotionApp1,
        extra: """
        background:
          - {from: esx-a2, to: esx-b2, port: 443, start_s: 0.5, megabytes: 24, rate_gbps: 5, mtu: 8950, vni: 5001}
          - {from: esx-a2, to: esx-a1, port: 5201, start_s: 1, megabytes: 4, rate_gbps: 2, mtu: 1450, vni: 5001}
        """)
}
