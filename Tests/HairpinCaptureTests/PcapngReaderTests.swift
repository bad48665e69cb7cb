import HairpinTestSupport
import Foundation
import Testing
@testable import HairpinCapture
import HairpinWire

@Suite struct PcapngReaderTests {
    @Test(arguments: [false, true])
    func readsInterfacesOptionsAndPackets(bigEndian: Bool) throws {
        var ng = PcapngBuilder()
        ng.section(bigEndian: bigEndian, hardware: "sensor-1")
        ng.interface(linkType: 1, snaplen: 128, name: "uplink-a", description: "leaf1 Eth1/49",
                     speed: 10_000_000_000, tsresol: 9)
        ng.enhanced(interface: 0, units: 1_700_000_000_123_456_789, frame: frame(64), original: 9014, flags: 2)
        let result = try readAll(ng.bytes)
        #expect(result.records.count == 1)
        let record = try #require(result.records.first)
        #expect(record.timestamp == 1_700_000_000_123_456_789)
        #expect(record.originalLength == 9014)
        #expect(record.bytes == frame(64))
        #expect(record.direction == .outbound)
        let interface = try #require(result.interfaces.first)
        #expect(interface.name == "uplink-a")
        #expect(interface.description == "leaf1 Eth1/49")
        #expect(interface.speedBitsPerSecond == 10_000_000_000)
        #expect(interface.snaplen == 128)
        #expect(interface.resolution == .nanoseconds)
        #expect(result.files[0].sections.first?.hardware == "sensor-1")
        #expect(result.files[0].byteOrder == (bigEndian ? "big-endian" : "little-endian"))
        #expect(result.anomalies.isEmpty)
    }

    @Test func timestampResolutionsAndOffsets() throws {
        var ng = PcapngBuilder()
        ng.section(bigEndian: false)
        ng.interface(name: "default-us")                       // 10^-6
        ng.interface(name: "binary", tsresol: 0x88)            // 2^-8
        ng.interface(name: "millis-offset", tsresol: 3, tsoffset: 1_000)
        ng.interface(name: "pico", tsresol: 12)
        ng.enhanced(interface: 0, units: 1_500_000, frame: frame(10))
        ng.enhanced(interface: 1, units: 256 * 2 + 128, frame: frame(10))
        ng.enhanced(interface: 2, units: 1_250, frame: frame(10))
        ng.enhanced(interface: 3, units: 3_000_000_000_000, frame: frame(10))
        let result = try readAll(ng.bytes, options: .init(reorderWindow: 0))
        // Window 0: handed on in file order, the step back from the offset interface counted.
        #expect(result.records.map(\.timestamp) == [1_500_000_000, 2_500_000_000, 1_001_250_000_000, 3_000_000_000])
        #expect(result.records.map(\.interface) == [0, 1, 2, 3])
        #expect(result.anomalyCount(.outOfOrderBeyondWindow) == 1)
        #expect(result.interfaces[1].resolution == .binary(exponent: 8))
        #expect(result.interfaces[2].timestampOffsetSeconds == 1_000)
    }

    /// Every decimal resolution a pcapng interface may state, 10^0 to 10^-30 s a unit, converts
    /// as exact integer arithmetic does: up and down to nanoseconds, nil past Int64.
    @Test func everyDecimalResolutionConvertsExactly() {
        for exponent in UInt8(0)...30 {
            for units: UInt64 in [0, 1, 7, 1_234_567_891, 9_223_372_036, UInt64(Int64.max), .max] {
                let expected: Int64?
                if exponent <= 9 {
                    let scaled = units.multipliedFullWidth(by: (0..<(9 - Int(exponent))).reduce(UInt64(1)) { value, _ in value * 10 })
                    expected = scaled.high == 0 && scaled.low <= UInt64(Int64.max) ? Int64(scaled.low) : nil
                } else {
                    // Dividing by ten once per step truncates as dividing by the power at once does.
                    let divided = (9..<Int(exponent)).reduce(units) { value, _ in value / 10 }
                    expected = divided <= UInt64(Int64.max) ? Int64(divided) : nil
                }
                #expect(TimestampResolution.decimal(exponent: exponent).nanoseconds(fromUnits: units) == expected, "10^-\(exponent) s, \(units) units")
            }
        }
    }

    /// The plain conversion of a record's units (one multiplication and one addition, for units
    /// the interface's slot worked out beforehand) gives what the general one does, at the ends of
    /// its range and past them, for every resolution and offsets up to Int64's ends.
    @Test func plainTimeConversionAgreesWithTheGeneralOne() {
        let resolutions = (UInt8(0)...12).map { TimestampResolution.decimal(exponent: $0) } + [0, 10, 20, 30, 64].map { TimestampResolution.binary(exponent: $0) }
        let offsets: [Int64] = [0, 1, -1, 3_600_000_000_000, -4_000_000_000_000_000_000, 4_000_000_000_000_000_000, -(1 << 61), (1 << 62) - 1, .min, .max]
        var plainChecked = 0
        for resolution in resolutions {
            for offset in offsets {
                let slot = InterfaceSlots.Slot(globalId: 0, linkType: .ethernet, resolution: resolution, offsetNs: offset)
                let (_, low, high) = InterfaceSlots.Slot.plainUnits(resolution: resolution, offsetNs: offset)
                func general(_ units: UInt64) -> Int64? {
                    InterfaceSlots.Slot.generalTime(fromUnits: units, resolution: resolution, offsetNs: offset)
                }
                var units: [UInt64] = [0, 1, 1_700_000_000_000_000, 1_700_000_000_000_000_000, UInt64(Int64.max), .max]
                if low <= high {
                    units += [low, low &+ 1, high &- 1, high, high &+ 1, high &+ 2]
                    if low > 0 { units.append(low - 1) }
                    plainChecked += 1
                }
                for unit in units {
                    #expect(slot.time(fromUnits: unit) == general(unit), "\(resolution), offset \(offset), \(unit) units")
                }
                // The range's ends are the last units with a time: one past either end has none.
                if low <= high {
                    #expect(general(low) != nil && general(high) != nil)
                    if high < UInt64(Int64.max) { #expect(general(high + 1) == nil, "\(resolution), offset \(offset)") }
                    if low > 0 { #expect(general(low - 1) == nil, "\(resolution), offset \(offset)") }
                }
            }
        }
        // Every decimal resolution up to nanoseconds has a plain range for the offsets that leave one.
        #expect(plainChecked >= 10 * 8)
    }

    /// Times that fit in Int64 but lie near its end (a damaged block, found by mutating a shipped
    /// capture) trapped in the analysis's time arithmetic: such a record borrows the previous
    /// record's time, counted, as one that does not fit at all.
    @Test func timestampsFarBeyondAnyCaptureBorrowThePreviousTime() throws {
        var ng = PcapngBuilder()
        ng.section(bigEndian: false)
        ng.interface(name: "ns", tsresol: 9)
        ng.interface(name: "offset-back", tsresol: 9, tsoffset: -4_000_000_000)
        ng.enhanced(interface: 0, units: 1_700_000_000_000_000_000, frame: frame(10))
        // 292 years after 1970: fits in Int64, beyond the 146 a record may have.
        ng.enhanced(interface: 0, units: UInt64(Int64.max - 1_000), frame: frame(10))
        ng.enhanced(interface: 0, units: UInt64(1) << 62, frame: frame(10))
        ng.enhanced(interface: 0, units: (UInt64(1) << 62) - 1, frame: frame(10))
        // 4e9 s before 1970 (127 years): before the 73 years a record may have.
        ng.enhanced(interface: 1, units: 1_000, frame: frame(10))
        let result = try readAll(ng.bytes, options: .init(reorderWindow: 0))
        let first: Int64 = 1_700_000_000_000_000_000
        let last: Int64 = (1 << 62) - 1
        let expected: [Int64] = [first, first, first, last, last]
        #expect(result.records.map(\.timestamp) == expected)
        #expect(result.anomalyCount(.timestampOverflow) == 3)
    }

    @Test func sectionsOfBothByteOrdersHaveTheirOwnInterfaceTables() throws {
        var ng = PcapngBuilder()
        ng.section(bigEndian: true)
        ng.interface(linkType: 1, name: "eth0")
        ng.interface(linkType: 0, name: "null1")
        ng.enhanced(interface: 1, units: 1_000_000, frame: frame(20))
        ng.section(bigEndian: false)
        ng.interface(linkType: 101, name: "raw0")
        ng.enhanced(interface: 0, units: 2_000_000, frame: frame(30))
        // Interface 1 does not exist in this section any more.
        ng.enhanced(interface: 1, units: 2_500_000, frame: frame(30))
        ng.section(bigEndian: true)
        ng.interface(linkType: 1, name: "eth0")
        ng.enhanced(interface: 0, units: 3_000_000, frame: frame(40))
        let result = try readAll(ng.bytes)
        #expect(result.interfaces.map(\.displayName) == ["eth0", "null1", "raw0", "eth0"])
        #expect(result.interfaces.map(\.section) == [0, 0, 1, 2])
        #expect(result.interfaces.map(\.localId) == [0, 1, 0, 0])
        #expect(result.records.map(\.interface) == [1, 2, 3])
        #expect(result.records.map(\.bytes.count) == [20, 30, 40])
        #expect(result.files[0].byteOrder == "mixed")
        #expect(result.anomalyCount(.unknownInterface) == 1)
    }

    @Test func interfaceIdsStayDistinctAcrossFiles() throws {
        func capture(_ name: String) -> [UInt8] {
            var ng = PcapngBuilder()
            ng.section(bigEndian: false)
            ng.interface(name: name)
            ng.enhanced(interface: 0, units: 1, frame: frame(10))
            return ng.bytes
        }
        let files = TemporaryFiles()
        let result = try readAll(paths: [files.write(capture("a")), files.write(capture("b"))])
        #expect(result.interfaces.map(\.displayName) == ["a", "b"])
        #expect(result.interfaces.map(\.id) == [0, 1])
        #expect(result.records.map(\.interface) == [0, 1])
    }

    @Test func simpleAndObsoletePacketBlocks() throws {
        var ng = PcapngBuilder()
        ng.section(bigEndian: false)
        ng.interface(snaplen: 50)
        ng.enhanced(interface: 0, units: 7_000_000, frame: frame(40))
        ng.simple(frame: frame(80), original: 80)
        ng.obsolete(interface: 0, units: 8_000_000, frame: frame(30))
        let result = try readAll(ng.bytes)
        #expect(result.records.map(\.bytes.count) == [40, 50, 30])
        #expect(result.records[1].originalLength == 80)
        #expect(result.records[1].hasTimestamp == false)
        #expect(result.records[1].timestamp == 7_000_000_000)
        #expect(result.records[2].timestamp == 8_000_000_000)
    }

    @Test func statisticsNameResolutionCustomAndUnknownBlocks() throws {
        var ng = PcapngBuilder()
        ng.section(bigEndian: false)
        ng.interface(name: "eth0")
        ng.rawBlock(4, body: [0, 0, 0, 0])  // NRB with only the end record
        ng.custom([1, 2, 3, 4])
        ng.rawBlock(0x0A, body: [0x4B, 0x53, 0x4C, 0x54, 0, 0, 0, 0])
        ng.rawBlock(0x99, body: [0, 0, 0, 0])
        ng.enhanced(interface: 0, units: 1, frame: frame(10))
        ng.statistics(interface: 0, received: 1000, dropped: 7)
        let result = try readAll(ng.bytes)
        #expect(result.records.count == 1)
        let info = result.files[0]
        #expect(info.nameResolutionBlocks == 1)
        #expect(info.customBlocks == 1)
        #expect(info.decryptionSecretsBlocks == 1)
        #expect(info.statisticsBlocks == 1)
        #expect(result.interfaces[0].statistics?.received == 1000)
        #expect(result.interfaces[0].statistics?.dropped == 7)
        #expect(result.anomalyCount(.unknownBlockType) == 1)
    }

    @Test func optionRunningPastTheBlockIsCountedAndTheBlockStillRead() throws {
        var ng = PcapngBuilder()
        ng.section(bigEndian: false)
        // IDB whose if_name option claims 200 bytes.
        var body = ByteWriter()
        body.u16(1); body.u16(0); body.u32(0)
        body.u16(2); body.u16(200); body.raw(Array("eth0".utf8))
        ng.rawBlock(1, body: body.bytes)
        ng.enhanced(interface: 0, units: 1, frame: frame(10))
        let result = try readAll(ng.bytes)
        #expect(result.records.count == 1)
        #expect(result.anomalyCount(.optionOverrun) == 1)
    }

    @Test func brokenBlockFramingResynchronisesOnTheNextBlock() throws {
        var ng = PcapngBuilder()
        ng.section(bigEndian: false)
        ng.interface()
        ng.enhanced(interface: 0, units: 1, frame: frame(10))
        var bytes = ng.bytes
        let damagedStart = bytes.count
        ng.enhanced(interface: 0, units: 2, frame: frame(20))
        ng.enhanced(interface: 0, units: 3, frame: frame(30))
        bytes = ng.bytes
        // Break the trailing length of the second packet block.
        let secondLength = 12 + 20 + 20
        bytes[damagedStart + secondLength - 4] ^= 0xFF
        let result = try readAll(bytes)
        #expect(result.records.map(\.bytes.count) == [10, 30])
        #expect(result.anomalyCount(.blockFraming) == 1)
        #expect(result.anomalyCount(.resynchronised) == 1)
    }

    @Test func unsupportedMiddleSectionIsSkipped() throws {
        var ng = PcapngBuilder()
        ng.section(bigEndian: false)
        ng.interface()
        ng.enhanced(interface: 0, units: 1, frame: frame(10))
        ng.section(bigEndian: false, major: 2)
        ng.interface()
        ng.enhanced(interface: 0, units: 2, frame: frame(20))
        ng.section(bigEndian: false)
        ng.interface()
        ng.enhanced(interface: 0, units: 3, frame: frame(30))
        let result = try readAll(ng.bytes)
        #expect(result.records.map(\.bytes.count) == [10, 30])
        #expect(result.anomalyCount(.unsupportedSection) == 1)
        #expect(result.files[0].sections.map(\.supported) == [true, false, true])
    }

    @Test func firstSectionWithUnknownVersionIsACleanError() throws {
        var ng = PcapngBuilder()
        ng.section(bigEndian: false, major: 0, minor: 1)
        let files = TemporaryFiles()
        let path = files.write(ng.bytes)
        #expect(throws: CaptureError(.unsupportedVersion(major: 0, minor: 1), file: path, offset: 0)) {
            _ = try readAll(paths: [path])
        }
    }

    @Test func truncationAtEveryByteKeepsEveryCompleteBlock() throws {
        var ng = PcapngBuilder()
        ng.section(bigEndian: true)
        let sectionEnd = ng.bytes.count
        ng.interface(name: "eth0", tsresol: 9)
        let interfaceEnd = ng.bytes.count
        var packetEnds: [Int] = []
        for index in 0..<3 {
            ng.enhanced(interface: 0, units: UInt64(index), frame: frame(13 + index * 20), flags: 1)
            packetEnds.append(ng.bytes.count)
        }
        let full = ng.bytes
        let files = TemporaryFiles()
        for cut in 1..<full.count {
            let path = files.write(Array(full.prefix(cut)), name: "cut-\(cut)")
            do {
                let result = try readAll(paths: [path])
                #expect(result.records.count == packetEnds.filter { $0 <= cut }.count, "cut at \(cut)")
                let blockEnds = [sectionEnd, interfaceEnd] + packetEnds
                if !blockEnds.contains(cut) && cut > 4 {
                    // A big-endian block starts with zero bytes: a tail of only those reads as padding.
                    let damage = result.anomalyCount(.truncatedRecord) + result.anomalyCount(.zeroPadding)
                    #expect(damage == 1, "cut at \(cut)")
                }
            } catch let error as CaptureError {
                // Only a cut inside the first four bytes may end without reading anything.
                #expect(cut < 4, "cut at \(cut): \(error)")
            }
        }
    }

    @Test func multiInterfaceBatchesAreReorderedWithinTheWindow() throws {
        // dumpcap style: a batch of interface 0, then interface 1's batch 200 ms earlier.
        var ng = PcapngBuilder()
        ng.section(bigEndian: false)
        ng.interface(name: "a", tsresol: 9)
        ng.interface(name: "b", tsresol: 9)
        let base: UInt64 = 1_000_000_000_000
        for step in 0..<5 { ng.enhanced(interface: 0, units: base + UInt64(step) * 100_000_000 + 200_000_000, frame: frame(10)) }
        for step in 0..<5 { ng.enhanced(interface: 1, units: base + UInt64(step) * 100_000_000, frame: frame(11)) }
        let ordered = try readAll(ng.bytes)
        #expect(ordered.records.map(\.timestamp) == ordered.records.map(\.timestamp).sorted())
        #expect(ordered.anomalies.isEmpty)
        let unordered = try readAll(ng.bytes, options: .init(reorderWindow: 0))
        #expect(unordered.records.count == 10)
        #expect(unordered.anomalyCount(.outOfOrderBeyondWindow) == 5)
        let small = try readAll(ng.bytes, options: .init(reorderWindow: 150_000_000))
        #expect(small.anomalyCount(.outOfOrderBeyondWindow) > 0)
        #expect(small.anomalyCount(.outOfOrderBeyondWindow) < 5)
    }

    /// Without the scout every record waits in the queue, which holds at most 8 of them; with
    /// it, mapped or streamed (gzip), the records are proven in order ahead of the reader and none
    /// waits.
    @Test func reorderCapacityBoundsWaitingRecords() throws {
        var ng = PcapngBuilder()
        ng.section(bigEndian: false)
        ng.interface(tsresol: 9)
        for step in 0..<100 { ng.enhanced(interface: 0, units: UInt64(step), frame: frame(10)) }
        let files = TemporaryFiles()
        var queueOnly = CaptureReader.Options(reorderWindow: 1_000_000_000, reorderCapacity: 8)
        queueOnly.readsAhead = false
        let scouted = CaptureReader.Options(reorderWindow: 1_000_000_000, reorderCapacity: 8)
        for (label, bytes, options, forced) in [("queue alone", ng.bytes, queueOnly, 93), ("mapped", ng.bytes, scouted, 0),
                                                ("streamed", try gzip(ng.bytes), scouted, 0)] {
            let reader = try CaptureReader(paths: [files.write(bytes)], options: options)
            var times: [Int64] = []
            while let record = try reader.next() { times.append(record.timestamp) }
            #expect(times == (0..<100).map(Int64.init), "\(label)")
            #expect(reader.fileInfos[0].recordsForcedByWindowCapacity == forced, "\(label)")
        }
    }
}
