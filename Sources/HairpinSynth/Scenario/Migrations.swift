import HairpinCapture
import HairpinWire

/// When each phase of a migration happens (protocols.md 1.1.4): handshake, pre-copy passes as
/// rate steps, the stun with the last pages, resume and announcements, then the close.
struct MigrationPlan {
    var index: Int
    var kind: String
    var vm: Int
    var from: Int
    var to: Int
    var start: Int64
    struct Pass {
        var start: Int64
        var bytes: Int
        var bitsPerSecond: Double
    }
    var passes: [Pass]
    var stunStart: Int64
    var resume: Int64
    var close: Int64
    var streams: Int
    var mtu: Int
    var port: UInt16
    var memoryBytes: Int
}

extension Synthesizer {
    static let passGap: Int64 = 20_000_000

    func migrationPlans() throws -> [MigrationPlan] {
        let scenario = world.scenario
        return try scenario.migrations.enumerated().map { index, migration in
            guard let vm = scenario.vms.firstIndex(where: { $0.name == migration.vm }) else {
                throw World.ScenarioError(description: "migration of unknown VM \(migration.vm)")
            }
            let from = try world.host(migration.from), to = try world.host(migration.to)
            let streams = max(1, min(world.hosts[from].vmkernel.count, world.hosts[to].vmkernel.count))
            let memory = Int(migration.memoryMB * options.scale * 1_048_576)
            let rate = migration.rateGbps * 1e9
            let mtu = migration.mtu ?? 9000
            let wireFactor = Double(mtu + 18) / Double(mtu - 40)
            var time = at(migration.startSeconds) + 2_000_000
            var passes: [MigrationPlan.Pass] = []
            var bytes = memory
            for pass in 0..<max(1, migration.precopyPasses ?? 3) {
                // Later passes run slower: fewer dirty pages to find per unit of time.
                let passRate = rate * max(0.4, 1 - 0.2 * Double(pass))
                passes.append(.init(start: time, bytes: bytes, bitsPerSecond: passRate))
                time += Int64(Double(bytes) * 8 * wireFactor / passRate * 1e9) + Self.passGap
                bytes = max(1, Int(Double(bytes) * (migration.dirtyFraction ?? 0.15)))
            }
            let stunStart = time
            // The last dirty pages and device state go during the stun.
            passes.append(.init(start: stunStart, bytes: bytes, bitsPerSecond: rate))
            let finalTime = Int64(Double(bytes) * 8 * wireFactor / rate * 1e9)
            let resume = stunStart + max(Int64((migration.stunMilliseconds ?? 200) * 1e6), finalTime + 1_000_000)
            let port: UInt16 = switch migration.kind {
            case "hyperv": 6600
            case "qemu": 49152
            default: 8000
            }
            return MigrationPlan(index: index, kind: migration.kind, vm: vm, from: from, to: to, start: at(migration.startSeconds),
                                 passes: passes, stunStart: stunStart, resume: resume, close: resume + 300_000_000,
                                 streams: streams, mtu: mtu, port: port, memoryBytes: memory)
        }
    }

    func generateMigrations() throws {
        let plans = try migrationPlans()
        for plan in plans {
            let source = world.hosts[plan.from], destination = world.hosts[plan.to]
            let oneWay = world.siteOf(.host(plan.from)) == world.siteOf(.host(plan.to))
                ? 2 * world.linkLatency : 2 * world.linkLatency + world.dciLatency
            var streamIDs: [Int] = []
            for stream in 0..<plan.streams {
                // Each stream leaves on the NIC of its VMkernel address.
                let forward = path(world.unicast(from: .host(plan.from), to: .host(plan.to), nic: stream))
                let reverse = path(world.unicast(from: .host(plan.to), to: .host(plan.from), nic: stream))
                let preamble: [UInt8] = plan.kind != "qemu" ? [] : stream == 0
                    ? [0x51, 0x45, 0x56, 0x4D, 0, 0, 0, 3]                 // "QEVM", version 3
                    : [0x11, 0x22, 0x33, 0x44, 0, 0, 0, 1] + [UInt8](repeating: UInt8(stream), count: 16) + [UInt8(stream)]
                streams.append(BulkStream(sourceMAC: source.mac, destinationMAC: destination.mac, vlan: source.vlan,
                                          sourceIP: source.vmkernel[stream], destinationIP: destination.vmkernel[stream],
                                          sourcePort: 40_000 + UInt16(plan.index * 16 + stream),
                                          destinationPort: plan.kind == "qemu" ? plan.port + UInt16(stream) : plan.port,
                                          mtu: plan.mtu, forwardPath: forward, reversePath: reverse, preamble: preamble))
                streamIDs.append(streams.count - 1)
            }
            for (number, stream) in streamIDs.enumerated() {
                let forward = streams[stream].forwardPath, reverse = streams[stream].reversePath
                let offset = Int64(number) * 150_000
                emit(plan.start + offset, .bulk(stream: stream, kind: .syn), path: forward, account: .migration(plan.index))
                emit(plan.start + offset + oneWay, .bulk(stream: stream, kind: .synAck), path: reverse, account: .migration(plan.index))
                emit(plan.start + offset + 2 * oneWay, .bulk(stream: stream, kind: .handshakeAck), path: forward, account: .migration(plan.index))
            }
            var sent = [Int](repeating: 0, count: plan.streams)
            for pass in plan.passes {
                let share = pass.bytes / plan.streams
                let perStreamRate = pass.bitsPerSecond / Double(plan.streams)
                for (number, stream) in streamIDs.enumerated() {
                    let forward = streams[stream].forwardPath, reverse = streams[stream].reversePath
                    let segment = streams[stream].segmentSize
                    let spacing = Double(segment + 58) * 8 / perStreamRate * 1e9
                    var remaining = max(1, share)
                    var index = 0
                    while remaining > 0 {
                        let length = min(segment, remaining)
                        let time = pass.start + Int64(number) * 150_000 + Int64(Double(index) * spacing)
                        emit(time, .bulk(stream: stream, kind: .data(offset: sent[number], length: length)), path: forward,
                             account: .migration(plan.index))
                        sent[number] += length
                        remaining -= length
                        index += 1
                        if index % 2 == 0 || remaining == 0 {
                            emit(time + oneWay, .bulk(stream: stream, kind: .ack(acknowledged: sent[number])), path: reverse,
                                 account: .migration(plan.index))
                        }
                    }
                }
            }
            for (number, stream) in streamIDs.enumerated() {
                let forward = streams[stream].forwardPath, reverse = streams[stream].reversePath
                let time = plan.close + Int64(number) * 150_000
                emit(time, .bulk(stream: stream, kind: .fin(sent: sent[number])), path: forward, account: .migration(plan.index))
                emit(time + oneWay, .bulk(stream: stream, kind: .finAck(sent: sent[number])), path: reverse, account: .migration(plan.index))
                emit(time + 2 * oneWay, .bulk(stream: stream, kind: .finalAck(sent: sent[number])), path: forward,
                     account: .migration(plan.index))
            }
            try announce(plan)
        }
    }

    /// What the destination (and the guest) send once the VM runs there (protocols.md 2.2-2.5).
    private func announce(_ plan: MigrationPlan) throws {
        let vm = world.scenario.vms[plan.vm]
        let mac = try World.mac(vm.mac)
        let ip = try World.ipv4(vm.ip)
        let vlan = try world.vlan(vm.segment)
        let flood = path(world.flood(from: .host(plan.to)))
        func record(_ kind: String, _ times: [Int64], ip: String?) {
            truth.announce(kind: kind, times: times, mac: mac, ip: ip, vlan: vlan, host: plan.to, migration: plan.index, world: world)
        }
        switch plan.kind {
        case "hyperv":
            let frame = AnnouncementFrames.gratuitousReply(mac: mac, ip: ip, vlans: [vlan])
            let time = plan.resume + 2_000_000
            emit(time, .frame(frame), path: flood)
            record("garp_reply", [time], ip: vm.ip)
        case "qemu":
            let rarp = AnnouncementFrames.hypervisorRARP(vm: mac, vlans: [vlan])
            let rounds: [Int64] = [0, 50, 200, 450, 800].map { plan.resume + $0 * 1_000_000 }
            var guestTimes: [Int64] = []
            var naTimes: [Int64] = []
            for time in rounds {
                emit(time, .frame(rarp), path: flood)
                // virtio-net GUEST_ANNOUNCE: the guest answers each round 20-70 ms later.
                let guest = time + 20_000_000 + Int64(random.unit() * 50_000_000)
                emit(guest, .frame(AnnouncementFrames.arpAnnouncement(mac: mac, ip: ip, vlans: [vlan])), path: flood)
                guestTimes.append(guest)
                if let text = vm.ipv6, let v6 = IPv6Address(text) {
                    let na = AnnouncementFrames.unsolicitedNA(mac: mac, address: v6, linkLocal: AnnouncementFrames.linkLocal(for: mac), vlans: [vlan])
                    emit(guest + 100_000, .frame(na), path: flood)
                    naTimes.append(guest + 100_000)
                }
            }
            record("rarp", rounds, ip: nil)
            record("arp_announcement", guestTimes, ip: vm.ip)
            if let v6 = vm.ipv6, !naTimes.isEmpty { record("unsolicited_na", naTimes, ip: v6) }
        default:
            let migration = world.scenario.migrations[plan.index]
            let rarp = AnnouncementFrames.hypervisorRARP(vm: mac, vlans: [vlan])
            let times = (0..<max(1, migration.rarpCount ?? 3)).map { plan.resume + Int64(Double($0) * (migration.rarpIntervalMilliseconds ?? 10) * 1e6) }
            for time in times { emit(time, .frame(rarp), path: flood) }
            record("rarp", times, ip: nil)
        }
        // The source host announcing the VM again: each RARP takes the MAC back to it for a moment.
        let migration = world.scenario.migrations[plan.index]
        if let count = migration.flipFlops, count > 0 {
            let rarp = AnnouncementFrames.hypervisorRARP(vm: mac, vlans: [vlan])
            let interval = Int64((migration.flipFlopIntervalMilliseconds ?? 300) * 1e6)
            let times = (1...count).map { plan.resume + Int64($0) * interval }
            for time in times { emit(time, .frame(rarp), path: path(world.flood(from: .host(plan.from)))) }
            truth.announce(kind: "rarp", times: times, mac: mac, ip: nil, vlan: vlan, host: plan.from, migration: plan.index, world: world)
        }
    }

    /// 00:50:56:f0:`place`:`end`, a tenant VM of an overlay transfer.
    static func tenantMAC(_ place: UInt8, _ end: UInt8) -> MACAddress {
        MACAddress(rawValue: 0x0050_56F0_0000 | UInt64(place) << 8 | UInt64(end))
    }

    func generateBackground() throws {
        for (index, transfer) in world.scenario.background.enumerated() {
            let from = try world.host(transfer.from), to = try world.host(transfer.to)
            let source = world.hosts[from], destination = world.hosts[to]
            let forward = path(world.unicast(from: .host(from), to: .host(to)))
            let reverse = path(world.unicast(from: .host(to), to: .host(from)))
            let oneWay = 2 * world.linkLatency + (source.site == destination.site ? 0 : world.dciLatency)
            // The hosts' own addresses, or those of the tenant VMs of an overlay transfer
            // (`Scenario.BulkTransfer.vni`), carried between the hosts' addresses.
            var ends = (source.mac, destination.mac, source.vmkernel[0], destination.vmkernel[0])
            var tunnel: OverlayTunnel?
            if let vni = transfer.vni {
                let place = UInt8(truncatingIfNeeded: index)
                tunnel = OverlayTunnel(sourceMAC: ends.0, destinationMAC: ends.1, vlan: source.vlan, sourceIP: ends.2, destinationIP: ends.3,
                                       vni: UInt32(vni), encapsulation: transfer.encapsulation ?? .vxlan)
                ends = (Self.tenantMAC(place, 1), Self.tenantMAC(place, 2), IPv4Address(172, 16, place, 1), IPv4Address(172, 16, place, 2))
            }
            streams.append(BulkStream(sourceMAC: ends.0, destinationMAC: ends.1, vlan: source.vlan, sourceIP: ends.2, destinationIP: ends.3,
                                      sourcePort: 50_000 + UInt16(index), destinationPort: transfer.port, mtu: transfer.mtu ?? 1500,
                                      forwardPath: forward, reversePath: reverse, overlay: tunnel))
            let stream = streams.count - 1
            let start = at(transfer.startSeconds)
            emit(start, .bulk(stream: stream, kind: .syn), path: forward)
            emit(start + oneWay, .bulk(stream: stream, kind: .synAck), path: reverse)
            emit(start + 2 * oneWay, .bulk(stream: stream, kind: .handshakeAck), path: forward)
            let segment = streams[stream].segmentSize
            let total = max(1, Int(transfer.megabytes * options.scale * 1_048_576))
            let spacing = Double(segment + 58) * 8 / (transfer.rateGbps * 1e9) * 1e9
            var sent = 0
            var number = 0
            var time = start + 3 * oneWay
            while sent < total {
                let length = min(segment, total - sent)
                time = start + 3 * oneWay + Int64(Double(number) * spacing)
                emit(time, .bulk(stream: stream, kind: .data(offset: sent, length: length)), path: forward)
                sent += length
                number += 1
                if number % 2 == 0 || sent == total { emit(time + oneWay, .bulk(stream: stream, kind: .ack(acknowledged: sent)), path: reverse) }
            }
            emit(time + 1_000_000, .bulk(stream: stream, kind: .fin(sent: sent)), path: forward)
            emit(time + 1_000_000 + oneWay, .bulk(stream: stream, kind: .finAck(sent: sent)), path: reverse)
            emit(time + 1_000_000 + 2 * oneWay, .bulk(stream: stream, kind: .finalAck(sent: sent)), path: forward)
        }
    }
}
