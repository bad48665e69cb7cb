import HairpinTestSupport
import Dispatch
import Foundation
import Synchronization
import Testing
@testable import HairpinCapture

/// A capture's records leave the reorder window at once when the scout has proven them in
/// order; the records, their order and the anomalies must be exactly what the queue alone gives
/// (the same file read without the scout), for a mapped file and for a gzip stream of it alike.
/// A mapped file read assuming time order gives them too, or says the assumption did not hold.
@Suite struct OrderScoutTests {
    static let window: Int64 = 500_000_000

    /// Records every millisecond, with `steps` replacing some times; `large`: frames of 600 to
    /// 1499 bytes instead of 60 to 259, which the reader takes from the scout's log.
    func capture(count: Int, steps: [Int: Int64] = [:], large: Bool = false) -> [UInt8] {
        var pcap = PcapBuilder(nanosecond: true)
        for index in 0..<count {
            let time = steps[index] ?? Int64(index) * 1_000_000
            pcap.record(seconds: UInt32(time / 1_000_000_000), fraction: UInt32(time % 1_000_000_000),
                        frame: frame(large ? 600 + index % 900 : 60 + index % 200, seed: UInt8(index & 0xFF)))
        }
        return pcap.bytes
    }

    @discardableResult
    func expectSameAsQueue(_ bytes: [UInt8], capacity: Int = 262_144, streamBudget: Int64? = nil, assumedOrderHolds: Bool? = nil,
                           _ label: String) throws -> (mapped: ReadResult, queued: ReadResult, streamed: ReadResult) {
        var options = CaptureReader.Options(reorderWindow: Self.window, reorderCapacity: capacity)
        if let streamBudget { options.streamRetainBudget = streamBudget }
        var queueOnly = options
        queueOnly.readsAhead = false
        let mapped = try readAll(bytes, options: options)
        let queued = try readAll(bytes, options: queueOnly)
        let streamed = try readAll(try gzip(bytes), options: options)
        func anomalies(_ result: ReadResult) -> [String] { result.anomalies.map { "\($0.kind) \($0.count) \($0.firstOffset ?? -1)" } }
        #expect(mapped.records == queued.records, "\(label): records differ")
        #expect(anomalies(mapped) == anomalies(queued), "\(label): anomalies differ")
        #expect(streamed.records == queued.records, "\(label): streamed records differ")
        #expect(anomalies(streamed) == anomalies(queued), "\(label): streamed anomalies differ")
        for asksFramesAhead in [true, false] {
            let looped = try readAllForEach(bytes, options: options, asksFramesAhead: asksFramesAhead)
            #expect(looped.records == queued.records, "\(label): records of the plain-record loop differ")
            #expect(anomalies(looped) == anomalies(queued), "\(label): anomalies of the plain-record loop differ")
        }
        // Assuming time order: where it holds, the same as the queue; where not, said so (what was
        // read is then dropped by the caller).
        var assuming = options
        assuming.assumesTimeOrder = true
        let assumed = [try readAll(bytes, options: assuming), try readAllForEach(bytes, options: assuming, asksFramesAhead: true)]
        for (index, result) in assumed.enumerated() where !result.assumedOrderBroken {
            #expect(result.records == queued.records, "\(label): records read assuming time order differ (\(index))")
            #expect(anomalies(result) == anomalies(queued), "\(label): anomalies read assuming time order differ (\(index))")
        }
        #expect(assumed[0].assumedOrderBroken == assumed[1].assumedOrderBroken, "\(label): both loops find the same")
        if let assumedOrderHolds {
            #expect(assumed[0].assumedOrderBroken == !assumedOrderHolds, "\(label): the assumed order \(assumedOrderHolds ? "holds" : "does not hold")")
        }
        // A stream cannot be read again: it is read through the window whatever is asked.
        let streamedAssuming = try readAll(try gzip(bytes), options: assuming)
        #expect(!streamedAssuming.assumedOrderBroken && streamedAssuming.records == queued.records, "\(label): streamed, assuming order")
        return (mapped, queued, streamed)
    }

    @Test func theScoutSaysHowFarItReadAheadToTheLastMegabyte() throws {
        // 30,000 records a millisecond apart, about 4.5 MB: the first record waits for half a
        // second of look-ahead (500 records), the last for the end of the file.
        let bytes = capture(count: 30_000)
        let files = TemporaryFiles()
        let reader = try CaptureReader(paths: [files.write(bytes)], options: .init(reorderWindow: Self.window))
        #expect(reader.scoutOffset == 0)
        _ = try reader.next()
        let early = reader.scoutOffset
        #expect(early >= 0 && early < 1 << 20, "about 500 records ahead: under the first megabyte")
        while try reader.next() != nil {}
        let furthest = try #require(reader.furthestOffset)
        #expect(furthest == Int64(bytes.count))
        #expect(reader.scoutOffset <= furthest && furthest - reader.scoutOffset < 1 << 20)
        #expect(reader.scoutOffset >= 4 << 20, "published each megabyte the scout moved")
        // Without a window there is no scout.
        let unordered = try CaptureReader(paths: [files.write(bytes)], options: .init(reorderWindow: 0))
        while try unordered.next() != nil {}
        #expect(unordered.scoutOffset == 0)
    }

    /// The scout's log of a capture of large frames, its pages made ready by another thread before
    /// the reader starts or while it reads, changes nothing the reader hands on. A capture of small
    /// frames, whose scout keeps no log, has nothing to make ready.
    @Test func theLogMadeReadyByAnotherThreadChangesNothing() throws {
        let files = TemporaryFiles()
        let path = files.write(capture(count: 3000, large: true))
        let options = CaptureReader.Options(reorderWindow: Self.window)
        var queueOnly = options
        queueOnly.readsAhead = false
        let queued = try readAll(paths: [path], options: queueOnly)
        func records(of reader: CaptureReader) throws -> [ReadRecord] {
            var records: [ReadRecord] = []
            while let record = try reader.next() {
                records.append(ReadRecord(interface: record.interface, timestamp: record.timestamp, originalLength: record.originalLength,
                                          bytes: Array(record.bytes), direction: record.direction, hasTimestamp: record.hasTimestamp))
            }
            return records
        }
        let before = try CaptureReader(paths: [path], options: options)
        var steps = 0
        while before.prepareScoutLog() { steps += 1 }
        // 262,144 + 258 records of 24 bytes, 256 KB a step.
        #expect(steps == 25)
        #expect(!before.prepareScoutLog())
        #expect(try records(of: before) == queued.records)

        // The other thread only makes pages ready, as the frame ring's analysing thread does.
        final class Shared: @unchecked Sendable {
            let reader: CaptureReader
            init(_ reader: CaptureReader) { self.reader = reader }
        }
        let during = Shared(try CaptureReader(paths: [path], options: options))
        let preparing = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            while during.reader.prepareScoutLog() {}
            preparing.signal()
        }
        #expect(try records(of: during.reader) == queued.records)
        preparing.wait()

        let small = try CaptureReader(paths: [files.write(capture(count: 3000))], options: options)
        #expect(!small.prepareScoutLog())
    }

    @Test func inOrderRecordsPassWithoutWaiting() throws {
        // With room for 16 waiting records, the queue must push records out early; the scout's
        // records never wait, so none is forced.
        let (mapped, queued, streamed) = try expectSameAsQueue(capture(count: 3000), capacity: 16, assumedOrderHolds: true, "in order")
        #expect(mapped.records.count == 3000)
        #expect(queued.files[0].recordsForcedByWindowCapacity > 2000)
        #expect(mapped.files[0].recordsForcedByWindowCapacity == 0)
        #expect(streamed.files[0].recordsForcedByWindowCapacity == 0)
    }

    /// A stream keeps in memory all the scout reads ahead, so the scout stops at the stream's
    /// budget (64 KiB here, about 450 records): in-order records still leave at once, and a step
    /// back that the queue, held to the same budget, can still hold is still put in order.
    @Test func aStreamIsReadAheadNoFurtherThanItsBudget() throws {
        for (label, steps) in [("in order", [Int: Int64]()), ("within", [1500: Int64(1_400_000_000)])] {
            let bytes = capture(count: 3000, steps: steps)
            let mapped = try readAll(bytes, options: .init(reorderWindow: Self.window))
            var options = CaptureReader.Options(reorderWindow: Self.window)
            options.streamRetainBudget = 64 << 10
            let streamed = try readAll(try gzip(bytes), options: options)
            #expect(streamed.records == mapped.records, "\(label)")
            // Past the step back the queue holds the records, and the budget pushes them out
            // before the window would.
            let forced = streamed.files[0].recordsForcedByWindowCapacity
            #expect(steps.isEmpty ? forced == 0 : forced > 1000, "\(label): \(forced) forced")
            let times = streamed.records.map(\.timestamp)
            #expect(times == times.sorted(), "\(label)")
        }
    }

    @Test func stepsBackAreStillPutInOrder() throws {
        // Within the window (100 ms back), beyond it (2 s back), at the start and at the end.
        for (label, steps) in [("within", [1500: Int64(1_400_000_000)]), ("beyond", [2600: Int64(500_000_000)]),
                               ("first", [0: Int64(3_000_000_000)]), ("last", [2999: Int64(2_000_000_000)])] {
            let (mapped, _, _) = try expectSameAsQueue(capture(count: 3000, steps: steps), assumedOrderHolds: false, label)
            #expect(mapped.records.count == 3000, "\(label)")
            let times = mapped.records.map(\.timestamp)
            if label == "within" { #expect(times == times.sorted(), "within the window the order is restored") }
        }
    }

    /// Large records, whose times and lengths the reader takes from what the scout logged: in
    /// order with a small queue and the default one, steps back, two files concatenated and a cut
    /// last record.
    @Test func largeRecordsReadAsTheQueueReadsThem() throws {
        let inOrder = capture(count: 3000, large: true)
        try expectSameAsQueue(inOrder, capacity: 16, assumedOrderHolds: true, "large, small queue")
        try expectSameAsQueue(inOrder, assumedOrderHolds: true, "large")
        for (label, steps) in [("within", [1500: Int64(1_400_000_000)]), ("beyond", [2600: Int64(500_000_000)])] {
            let (mapped, _, _) = try expectSameAsQueue(capture(count: 3000, steps: steps, large: true), assumedOrderHolds: false, "large, \(label)")
            #expect(mapped.records.count == 3000, "\(label)")
        }
        try expectSameAsQueue(inOrder + inOrder, assumedOrderHolds: false, "large, concatenated")
        try expectSameAsQueue(Array(inOrder.dropLast(7)), assumedOrderHolds: false, "large, cut")
    }

    @Test func unusualFilesFallBackToTheQueue() throws {
        let good = capture(count: 1200)
        // Two files concatenated, a cut last record, an implausible length in the middle.
        var implausible = good
        implausible[24 + 600 * 16 + (0..<600).reduce(0) { $0 + 60 + $1 % 200 } + 8] = 0xFF
        // The first record's captured length implausible: the reader finds the next record, the
        // scout stops where it starts.
        var firstImplausible = good
        firstImplausible[24 + 11] = 0xFF
        for (label, bytes) in [("concatenated", good + good), ("cut", Array(good.dropLast(7))), ("implausible", implausible),
                               ("first implausible", firstImplausible)] {
            try expectSameAsQueue(bytes, assumedOrderHolds: false, label)
        }
    }

    /// A pcapng file's scout starts at its first packet block and proves Enhanced Packet Blocks
    /// without options, stepping over statistics and custom blocks; it leaves a step back in
    /// time, a block with flags, a second interface or section, and a bad block to the queue.
    @Test func pcapngFilesReadAsTheQueueReadsThem() throws {
        func pcapng(_ count: Int, _ extra: (inout PcapngBuilder, Int) -> Void = { _, _ in }) -> [UInt8] {
            var ng = PcapngBuilder()
            ng.section(bigEndian: false)
            ng.interface(tsresol: 9)
            for index in 0..<count {
                extra(&ng, index)
                ng.enhanced(interface: 0, units: UInt64(index) * 1_000_000, frame: frame(60 + index % 200, seed: UInt8(index & 0xFF)))
            }
            return ng.bytes
        }
        let plain = try expectSameAsQueue(pcapng(3000), capacity: 16, assumedOrderHolds: true, "plain")
        #expect(plain.mapped.records.count == 3000)
        #expect(plain.mapped.files[0].recordsForcedByWindowCapacity == 0, "proven in order: none waited")
        #expect(plain.queued.files[0].recordsForcedByWindowCapacity > 2000)
        #expect(plain.streamed.files[0].recordsForcedByWindowCapacity == 0)
        // Blocks with options (flags here) are the general reader's, but the scout proves them in order.
        var flagged = PcapngBuilder()
        flagged.section(bigEndian: false)
        flagged.interface(tsresol: 9)
        for index in 0..<3000 {
            flagged.enhanced(interface: 0, units: UInt64(index) * 1_000_000, frame: frame(60 + index % 200, seed: UInt8(index & 0xFF)),
                             flags: index % 3 == 0 ? nil : UInt32(1 + index % 2))
        }
        let withOptions = try expectSameAsQueue(flagged.bytes, capacity: 16, assumedOrderHolds: true, "flags on two blocks of three")
        #expect(withOptions.mapped.records.count == 3000)
        #expect(withOptions.mapped.files[0].recordsForcedByWindowCapacity == 0, "proven in order: none waited")
        #expect(withOptions.streamed.files[0].recordsForcedByWindowCapacity == 0)
        #expect(withOptions.queued.files[0].recordsForcedByWindowCapacity > 2000)
        #expect(Set(withOptions.mapped.records.map(\.direction)).count == 3, "the flags' directions are read")
        // Each with whether reading it assuming time order holds (the scout takes all of it).
        let cases: [(String, Bool, (inout PcapngBuilder, Int) -> Void)] = [
            ("statistics and custom blocks", true, { ng, index in
                if index % 500 == 7 { ng.statistics(interface: 0, received: UInt64(index), dropped: 0) }
                if index == 1200 { ng.custom([1, 2, 3, 4]) }
            }),
            ("a step back", false, { ng, index in
                if index == 1500 { ng.enhanced(interface: 0, units: 1_400_000_000, frame: frame(70)) }
            }),
            ("flags", true, { ng, index in
                if index == 900 { ng.enhanced(interface: 0, units: 900_000_000, frame: frame(80), flags: 1) }
            }),
            ("a second interface", false, { ng, index in
                if index == 1000 { ng.interface(tsresol: 6) }
                if index > 1000 && index % 3 == 0 { ng.enhanced(interface: 1, units: UInt64(index) * 1000, frame: frame(64)) }
            }),
            ("a second section", false, { ng, index in
                if index == 2000 {
                    ng.section(bigEndian: true)
                    ng.interface(tsresol: 9)
                }
            }),
            ("a captured length past the block", false, { ng, index in
                if index == 1700 { ng.enhanced(interface: 0, units: 1_700_000_000, frame: frame(64), capturedOverride: 200) }
            }),
        ]
        for (label, holds, extra) in cases {
            let result = try expectSameAsQueue(pcapng(3000, extra), assumedOrderHolds: holds, label)
            #expect(result.mapped.records.count >= 3000, "\(label)")
        }
    }

    /// Packet blocks whose only option is epb_flags, ended or not, are the plain loop's too, with
    /// their directions; a comment beside the flags leaves a block to the general reader.
    @Test func flaggedBlocksAreReadByTheLoopOfPlainRecords() throws {
        // Direction in the low two bits, and a reception flag beside it in every seventh.
        func flagsOf(_ index: Int) -> UInt32 {
            let reception: UInt32 = index % 7 == 0 ? 0x0100_0000 : 0
            return UInt32(index % 3) | reception
        }
        let expectedFlags = (0..<3000).map(flagsOf)
        let expectedDirections: [Direction] = (0..<3000).map { Direction(rawValue: UInt8($0 % 3)) ?? .unknown }
        for bigEndian in [false, true] {
            var ng = PcapngBuilder()
            ng.section(bigEndian: bigEndian)
            ng.interface(tsresol: 9)
            for index in 0..<3000 {
                let comment: String? = index == 2000 ? "a note" : nil
                ng.enhanced(interface: 0, units: UInt64(index) * 1_000_000, frame: frame(60 + index % 200, seed: UInt8(index & 0xFF)),
                            flags: flagsOf(index), comment: comment, endOfOptions: index % 2 == 0)
            }
            for window in [Self.window, 0] {
                let files = TemporaryFiles()
                let reader = try CaptureReader(paths: [files.write(ng.bytes)], options: CaptureReader.Options(reorderWindow: window))
                var directions: [Direction] = []
                var flags: [UInt32] = []
                try reader.forEach { record in
                    directions.append(record.direction)
                    flags.append(record.flags)
                    return true
                }
                let label = "\(bigEndian ? "big" : "little")-endian, window \(window)"
                #expect(directions == expectedDirections, "\(label)")
                #expect(flags == expectedFlags, "\(label)")
                // Record 0 comes after the header blocks, the general reader's; so does the commented one, and the
                // loop tries again at once after it.
                #expect(reader.plainLoop.records == 2998, "\(label)")
            }
            try expectSameAsQueue(ng.bytes, capacity: 64, "flags, \(bigEndian ? "big" : "little")-endian")
        }
    }

    /// Where the loop of plain records takes none, it pauses for `plainRetryInterval` records
    /// instead of failing once per record, and takes the plain records after a run of others.
    @Test func theLoopOfPlainRecordsPausesWhereNoneIsPlain() throws {
        // Packet blocks 0..<flagged carry a comment (the general reader's), the rest none.
        func pcapng(_ count: Int, flagged: Int) -> [UInt8] {
            var ng = PcapngBuilder()
            ng.section(bigEndian: false)
            ng.interface(tsresol: 9)
            for index in 0..<count {
                ng.enhanced(interface: 0, units: UInt64(index) * 1_000_000, frame: frame(60 + index % 200, seed: UInt8(index & 0xFF)),
                            comment: index < flagged ? "seen" : nil)
            }
            return ng.bytes
        }
        let interval = FileReader.plainRetryInterval
        for window in [Self.window, 0] {
            let options = CaptureReader.Options(reorderWindow: window)
            for (flagged, count) in [(3000, 3000), (200, 3000), (0, 3000)] {
                let bytes = pcapng(count, flagged: flagged)
                let files = TemporaryFiles()
                let reader = try CaptureReader(paths: [files.write(bytes)], options: options)
                var records: [ReadRecord] = []
                try reader.forEach { record in
                    records.append(ReadRecord(interface: record.interface, timestamp: record.timestamp, originalLength: record.originalLength,
                                              bytes: Array(record.bytes), direction: record.direction, hasTimestamp: record.hasTimestamp))
                    return true
                }
                let label = "window \(window), \(flagged) of \(count) flagged"
                #expect(records == (try readAll(bytes, options: options)).records, "\(label): records differ from the queue's")
                let loop = reader.plainLoop
                // Record 0 comes after the file's header blocks, which the general reader reads. Tries
                // at records 1, interval + 2, 2 (interval + 1) + 1, ...: the first at or after the last
                // flagged record takes the rest.
                let firstPlainTry = 1 + (max(flagged, 1) - 1 + interval) / (interval + 1) * (interval + 1)
                #expect(loop.records == max(0, count - firstPlainTry), "\(label): plain records")
                #expect(loop.tries <= firstPlainTry / (interval + 1) + 3, "\(label): \(loop.tries) tries")
                if flagged == count { #expect(loop.tries >= count / (interval + 1), "\(label): \(loop.tries) tries") }
            }
        }
    }

    /// Records of two interfaces at equal times leave in file order, through the queue as past
    /// the scout (before, the queue let the lower interface's go first, and a scenario capture,
    /// which the scout proves in order, gave its frames in another order than through the queue).
    @Test func equalTimesLeaveInFileOrder() throws {
        var ng = PcapngBuilder()
        ng.section(bigEndian: false)
        ng.interface(tsresol: 9)
        ng.interface(tsresol: 9)
        var interfacesInFileOrder: [Int] = []
        for index in 0..<3000 {
            // Pairs at one time: the second interface's record first in every other pair.
            let first = (index / 2) % 2 == 0 ? 1 : 0
            let interface = index % 2 == 0 ? first : 1 - first
            interfacesInFileOrder.append(interface)
            ng.enhanced(interface: UInt32(interface), units: UInt64(index / 2) * 1_000_000,
                        frame: frame(60 + index % 200, seed: UInt8(index & 0xFF)), flags: index % 5 == 0 ? 1 : nil)
        }
        let result = try expectSameAsQueue(ng.bytes, capacity: 64, "equal times across interfaces")
        #expect(result.queued.records.map(\.interface) == interfacesInFileOrder)
        #expect(result.mapped.records.map(\.interface) == interfacesInFileOrder)
    }

    /// Files merged, read assuming time order: as the window merges them where each is in order;
    /// the merge ends at the first that is not; with a stream among them nothing is assumed.
    @Test func mergedFilesAssumeTimeOrderTogether() throws {
        let files = TemporaryFiles()
        // Interleaved in time: records every millisecond, the second file half a millisecond later.
        var shifted = PcapBuilder(nanosecond: true)
        for index in 0..<2000 {
            let time = Int64(index) * 1_000_000 + 500_000
            shifted.record(seconds: UInt32(time / 1_000_000_000), fraction: UInt32(time % 1_000_000_000), frame: frame(90, seed: 3))
        }
        let first = files.write(capture(count: 2000)), second = files.write(shifted.bytes)
        let stepping = files.write(capture(count: 2000, steps: [1500: Int64(1_400_000_000)]))
        let zipped = files.write(try gzip(capture(count: 2000, steps: [1500: Int64(1_400_000_000)])), name: "stepping.pcap.gz")
        var assuming = CaptureReader.Options(reorderWindow: Self.window)
        assuming.assumesTimeOrder = true
        func anomalies(_ result: ReadResult) -> [String] { result.anomalies.map { "\($0.kind) \($0.count) \($0.firstOffset ?? -1)" } }

        let window = try readAll(paths: [first, second], options: .init(reorderWindow: Self.window))
        let assumed = try readAll(paths: [first, second], options: assuming)
        #expect(!assumed.assumedOrderBroken)
        #expect(assumed.records == window.records && anomalies(assumed) == anomalies(window))
        #expect(assumed.records.count == 4000)

        let broken = try readAll(paths: [first, stepping], options: assuming)
        #expect(broken.assumedOrderBroken)
        #expect(broken.records.count < 3100, "the merge ends at the step back: \(broken.records.count) records")

        let withStream = try readAll(paths: [first, zipped], options: assuming)
        let withStreamWindow = try readAll(paths: [first, zipped], options: .init(reorderWindow: Self.window))
        #expect(!withStream.assumedOrderBroken)
        #expect(withStream.records == withStreamWindow.records && withStream.records.count == 4000)
    }

    @Test(.enabled(if: SharedCaptures.available, "needs ../shared/captures/real: skipped"))
    func realPcapFilesReadAsTheQueueReadsThem() throws {
        var compared = 0, held = 0
        for entry in SharedCaptures.entries where entry.file.hasSuffix(".pcap") || entry.file.hasSuffix(".pcapng") {
            let path = SharedCaptures.path(entry)
            guard let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size < 8 << 20 else { continue }
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            guard (try? readAll(bytes)) != nil else { continue }  // not a capture at all: other tests cover those
            try expectSameAsQueue(bytes, entry.file)
            compared += 1
            var assuming = CaptureReader.Options()
            assuming.assumesTimeOrder = true
            if try !readAll(bytes, options: assuming).assumedOrderBroken { held += 1 }
        }
        #expect(compared > 100)
        // Most real captures are in time order as the scout proves it; the rest are read again.
        print("real captures in time order as assumed: \(held) of \(compared)")
        #expect(held > compared / 2)
    }
}

/// A look-ahead held back by a stream's budget reads on in stretches of an eighth of it, not one
/// header per record asked about (with many streams merged, one at a time touched memory in too
/// many places at once), and never further than the budget and that stretch.
@Suite struct OrderScoutStretchTests {
    @Test func aLimitedLookAheadReadsOnInStretches() {
        let recordLength: Int64 = 100, lookAhead: Int64 = 8000
        let length: Int64 = 100_000
        var scout = OrderScout(start: 0, capacity: 1 << 20, lookAhead: lookAhead)
        let progress = Atomic<Int64>(0)
        var stepsPerRecord: [Int] = []
        for record in 0..<500 {
            let offset = Int64(record) * recordLength
            var steps = 0
            // Times a nanosecond apart: never a window's worth ahead, so only the budget stops it.
            let clears = scout.clears(recordOffset: offset, time: Int64(record), read: record + 1, window: 1_000_000_000,
                                      length: length, progress: progress) { at in
                steps += 1
                return .record(time: at / recordLength, end: at + recordLength)
            }
            #expect(clears, "record \(record)")
            let ahead = scout.offset - offset
            let most = lookAhead + lookAhead / 8 + recordLength
            #expect(ahead <= most, "record \(record): \(ahead) ahead")
            stepsPerRecord.append(steps)
        }
        // The first call reads the look-ahead and a stretch (90 records); then every eleventh
        // record the one it needs and a stretch of ten at once, the ten between read nothing.
        #expect(stepsPerRecord[0] == 90)
        let later = Array(stepsPerRecord.dropFirst())
        let reading = later.filter { $0 > 0 }
        #expect(reading.count == 45)
        #expect(reading.allSatisfy { $0 == 11 })
        #expect(later.reduce(0, +) == 495)
    }
}
