import Testing
import HairpinWire
@testable import HairpinAnalysis

private func key(_ index: Int, port: UInt16 = 443) -> FlowKey {
    FlowKey(lowAddressHigh: 0, lowAddressLow: UInt64(0x0A00_0000 + index), highAddressHigh: 0, highAddressLow: 0xC633_6414,
            lowPort: UInt16(truncatingIfNeeded: 30_000 + index), highPort: port, ipProtocol: 6, isIPv6: false, segment: 100)
}

@Suite struct FlowTableTests {
    @Test func everyKeyFindsItsOwnSlotThroughGrowthAndCollisions() {
        var table = FlowTable(capacity: 100_000, initialSlots: 16)
        var slots: [Int] = []
        for index in 0..<5_000 {
            let slot = table.slot(for: key(index), time: Int64(index), uplink: 0)!
            table[slot].fromLow.packets += index
            slots.append(slot)
        }
        #expect(table.count == 5_000)
        for index in 0..<5_000 {
            let slot = table.slot(for: key(index), time: 99_999, uplink: 0)!
            #expect(table[slot].key == key(index))
            #expect(table[slot].fromLow.packets == index)
            #expect(table[slot].first == Int64(index))
        }
        #expect(table.count == 5_000)
        #expect(table.flows.map(\.first) == (0..<5_000).map(Int64.init))
    }

    @Test func fullTableEvictsIdleFlowsAndCountsWhatItCannotTrack() {
        var released: [FlowKey] = []
        var table = FlowTable(capacity: 16, idleTimeout: 1_000, initialSlots: 64)
        table.onRelease = { released.append($0.key) }
        for index in 0..<16 { _ = table.slot(for: key(index), time: Int64(index), uplink: 0) }
        #expect(table.count == 16)
        // All idle past the timeout at time 5000: a new flow pushes them out.
        #expect(table.slot(for: key(100), time: 5_000, uplink: 0) != nil)
        #expect(table.evicted == 16)
        #expect(released.count == 16)
        #expect(table.count == 1)
        // Fill again with active flows: the next one cannot be tracked.
        for index in 200..<215 { _ = table.slot(for: key(index), time: 5_000, uplink: 0) }
        #expect(table.count == 16)
        #expect(table.slot(for: key(999), time: 5_001, uplink: 0) == nil)
        #expect(table.untracked == 1)
    }

    @Test func aSlotNeverWrittenHoldsNoFlow() {
        // The table's slots start as the kernel's zero bytes: read as a flow state, no uplink.
        let zero = [UInt8](repeating: 0, count: MemoryLayout<FlowState>.size).withUnsafeBytes { $0.loadUnaligned(as: FlowState.self) }
        #expect(zero.primaryUplink == -1)
        var flow = FlowState(key: key(1), first: 0, last: 0, primaryUplink: 0)
        #expect(flow.primaryUplink == 0)
        flow.primaryUplink = 70_000
        #expect(flow.primaryUplink == 70_000)
        // A table of a million slots: every key probed is absent until added, then found.
        var table = FlowTable(capacity: 1 << 20, initialSlots: 1 << 20)
        for index in 0..<1_000 { _ = table.slot(for: key(index), time: Int64(index), uplink: Int32(index % 3)) }
        #expect(table.count == 1_000)
        #expect(table.flows.map(\.primaryUplink) == (0..<1_000).map { Int32($0 % 3) })
        #expect(table.flows.map(\.candidate).allSatisfy { $0 == -1 })
    }

    @Test func bytesPerUplinkCountThePrimaryOnceAndThreeOthers() {
        var flow = FlowState(key: key(1), first: 0, last: 0, primaryUplink: 2)
        flow.fromLow.bytes = 1_000
        flow.fromHigh.bytes = 500
        for (uplink, bytes) in [(5, 10), (7, 20), (5, 30), (9, 40), (11, 50)] { flow.addOtherUplinkBytes(Int32(uplink), bytes) }
        #expect(flow.bytes(onUplink: 2) == 1_500)
        #expect(flow.bytes(onUplink: 5) == 40)
        #expect(flow.bytes(onUplink: 7) == 20)
        #expect(flow.bytes(onUplink: 9) == 40)
        // A fifth uplink is not kept, nor one never seen.
        #expect(flow.bytes(onUplink: 11) == nil)
        #expect(flow.bytes(onUplink: 3) == nil)
        // The report's walk over them gives the same, the primary first.
        var walked: [(Int32, Int)] = []
        flow.forEachUplinkBytes { walked.append(($0, $1)) }
        #expect(walked.map(\.0) == [2, 5, 7, 9])
        #expect(walked.map(\.1) == [1_500, 40, 20, 40])
        // An uplink past what a tag holds is not kept; the highest that fits is.
        var far = FlowState(key: key(2), first: 0, last: 0, primaryUplink: 0)
        far.addOtherUplinkBytes(0xFFFF, 10)
        far.addOtherUplinkBytes(0xFFFE, 1 << 40)
        far.addOtherUplinkBytes(0xFFFE, 1 << 40)
        #expect(far.bytes(onUplink: 0xFFFF) == nil)
        #expect(far.bytes(onUplink: 0xFFFE) == 1 << 41)
        #expect(MemoryLayout<FlowState>.stride == 160)
        // What a frame of the primary uplink touches lies in the first lines the table asks for.
        #expect(MemoryLayout<FlowState>.offset(of: \FlowState.otherUplinkBytes) == FlowState.hotBytes)
    }

    @Test func keysAreBidirectional() {
        var forward = DecodedPacket(linkType: .ethernet, capturedLength: 0)
        forward.sourceIP = IPAddress("10.0.0.2"); forward.destinationIP = IPAddress("10.0.0.1")
        forward.sourcePort = 8000; forward.destinationPort = 40000; forward.ipProtocol = 6
        var reverse = forward
        reverse.sourceIP = forward.destinationIP; reverse.destinationIP = forward.sourceIP
        reverse.sourcePort = 40000; reverse.destinationPort = 8000
        let key = { (packet: DecodedPacket) in withUnsafePointer(to: packet) { FlowKey.of(PacketView($0)) } }
        let a = key(forward)!, b = key(reverse)!
        #expect(a.key == b.key)
        #expect(a.fromLow != b.fromLow)
        #expect(a.key.lowAddress == IPAddress("10.0.0.1"))
        var tagged = forward
        tagged.vlans = VLANStack()
        #expect(key(tagged)!.key.segment == 0)
    }
}

@Suite struct MigrationThresholdTests {
    let settings = MigrationSettings()

    /// A candidate with `bytes` moved one way in frames of 9000 bytes over `seconds`, and ACKs back.
    func candidate(bytes: Int, seconds: Double, backBytes: Int = 0, kind: MigrationKind = .vmotion, start: Int64 = 1_000_000_000_000) -> MigrationCandidate {
        var candidate = MigrationCandidate(kind: kind, key: key(1, port: 8000), first: start, last: start,
                                           firstFineBin: start / MigrationSettings.fineBin, primaryUplink: 0, firstUplinkBin: 0)
        let frames = max(1, bytes / 9000)
        for index in 0..<frames {
            let time = start + Int64(Double(index) / Double(frames) * seconds * 1e9)
            candidate.add(fromLow: true, time: time, bytes: 9014, payload: 9000, uplink: 0, primary: true, uplinkBin: 0, settings: settings)
            if backBytes > 0 {
                candidate.add(fromLow: false, time: time + 1000, bytes: 9014, payload: backBytes / frames, uplink: 0, primary: true,
                              uplinkBin: 0, settings: settings)
            }
        }
        return candidate
    }

    @Test func smallConnectionIsNotAMigration() {
        #expect(!candidate(bytes: 2_000, seconds: 0.001).isMigration(settings))
    }

    @Test func symmetricTransferIsNotAMigration() {
        #expect(!candidate(bytes: 20_000_000, seconds: 0.5, backBytes: 20_000_000).isMigration(settings))
    }

    @Test func slowTransferIsNotAMigration() {
        // 2 MB over 10 s: 1.6 Mbit/s.
        #expect(!candidate(bytes: 2_000_000, seconds: 10).isMigration(settings))
    }

    @Test func fastBulkOneWayIsAMigration() {
        let fast = candidate(bytes: 20_000_000, seconds: 0.1)
        #expect(fast.isMigration(settings))
        #expect(fast.peakBitsPerSecond > 1e9)
        // A few milliseconds of transfer: the burst rate stands in for the 100 ms peak.
        #expect(candidate(bytes: 300_000, seconds: 0.003).isMigration(settings))
    }

    /// A frame whose timestamp is decades off (a damaged record) is not binned: the series grew
    /// to its distance, an allocation of 115 GB that killed the process.
    @Test func aFrameFarInTheFutureIsNotBinned() {
        var fast = candidate(bytes: 20_000_000, seconds: 0.1)
        let peak = fast.peakBitsPerSecond
        let decades: Int64 = 40 * 365 * 86_400 * 1_000_000_000
        fast.add(fromLow: true, time: fast.last + decades, bytes: 9014, payload: 9000, uplink: 0, primary: true, uplinkBin: 0,
                 settings: settings)
        #expect(fast.peakBitsPerSecond == peak)
        #expect(fast.isMigration(settings))
        #expect(fast.fromLow.counters.packets == 20_000_000 / 9000 + 1)
    }

    @Test func streamsGroupByAddressOrByJoinedSubnetsWhenOpenedTogether() {
        func stream(_ low: UInt32, _ high: UInt32, lowMAC: UInt64, highMAC: UInt64, start: Int64, kind: MigrationKind = .vmotion) -> MigrationCandidate {
            var c = candidate(bytes: 2_000_000, seconds: 0.2, kind: kind, start: start)
            c.key.lowAddressLow = UInt64(low)
            c.key.highAddressLow = UInt64(high)
            c.lowMAC = MACAddress(rawValue: lowMAC)
            c.highMAC = MACAddress(rawValue: highMAC)
            return c
        }
        let grouping = MigrationGrouping(settings: settings)
        let t0: Int64 = 1_000_000_000_000
        // Two streams of one host pair (shared MACs): one migration.
        let shared = grouping.groups(grouping.streams([stream(0x0AC8_000B, 0x0AC8_0015, lowMAC: 1, highMAC: 2, start: t0),
                                                       stream(0x0AC8_006F, 0x0AC8_0079, lowMAC: 1, highMAC: 2, start: t0 + 150_000_000)]))
        #expect(shared.count == 1)
        // Multi-NIC vmknics with their own MACs, opened within 100 ms: one migration.
        let multiNIC = grouping.groups(grouping.streams([stream(0x0AC8_000B, 0x0AC8_0015, lowMAC: 1, highMAC: 2, start: t0),
                                                         stream(0x0AC8_006F, 0x0AC8_0079, lowMAC: 3, highMAC: 4, start: t0 + 2_000_000)]))
        #expect(multiNIC.count == 1)
        // Other hosts of the same subnets, 150 ms later (overlapping): a second migration.
        let separate = grouping.groups(grouping.streams([stream(0x0AC8_000B, 0x0AC8_0015, lowMAC: 1, highMAC: 2, start: t0),
                                                         stream(0x0AC8_000C, 0x0AC8_0016, lowMAC: 3, highMAC: 4, start: t0 + 150_000_000)]))
        #expect(separate.count == 2)
        // Different kinds never group.
        let kinds = grouping.groups(grouping.streams([stream(0x0AC8_000B, 0x0AC8_0015, lowMAC: 1, highMAC: 2, start: t0),
                                                      stream(0x0AC8_000B, 0x0AC8_0015, lowMAC: 1, highMAC: 2, start: t0, kind: .nfc)]))
        #expect(kinds.count == 2)
    }
}
