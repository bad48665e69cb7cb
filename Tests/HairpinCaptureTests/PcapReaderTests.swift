import HairpinTestSupport
import Foundation
import Testing
@testable import HairpinCapture
import HairpinWire

@Suite struct PcapReaderTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func readsBothByteOrdersAndResolutions(bigEndian: Bool, nanosecond: Bool) throws {
        var pcap = PcapBuilder(bigEndian: bigEndian, nanosecond: nanosecond, snaplen: 96, linkType: 1)
        pcap.record(seconds: 1_700_000_000, fraction: nanosecond ? 123_456_789 : 123_456, frame: frame(60))
        pcap.record(seconds: 1_700_000_001, fraction: 7, frame: frame(96, seed: 2), original: 1514)
        let result = try readAll(pcap.bytes)
        #expect(result.records.count == 2)
        #expect(result.records[0].timestamp == 1_700_000_000_000_000_000 + (nanosecond ? 123_456_789 : 123_456_000))
        #expect(result.records[1].timestamp == 1_700_000_001_000_000_000 + (nanosecond ? 7 : 7_000))
        #expect(result.records[0].bytes == frame(60))
        #expect(result.records[1].originalLength == 1514)
        #expect(result.records[1].bytes.count == 96)
        #expect(result.interfaces.count == 1)
        #expect(result.interfaces[0].linkType == .ethernet)
        #expect(result.interfaces[0].snaplen == 96)
        #expect(result.files[0].byteOrder == (bigEndian ? "big-endian" : "little-endian"))
        #expect(result.files[0].resolution == (nanosecond ? "ns" : "µs"))
        #expect(result.anomalies.isEmpty)
    }

    @Test func readsModifiedFormatRecords() throws {
        var pcap = PcapBuilder(modified: true)
        pcap.record(seconds: 10, fraction: 20, frame: frame(42))
        pcap.record(seconds: 11, fraction: 0, frame: frame(50, seed: 9))
        let result = try readAll(pcap.bytes)
        #expect(result.records.map(\.bytes) == [frame(42), frame(50, seed: 9)])
        #expect(result.files[0].variant == "modified (ss991029, 24-byte records)")
        #expect(result.records[0].timestamp == 10_000_020_000)
    }

    @Test func oldVersionsSwapTheLengthFields() throws {
        // Before 2.3 the original length came first.
        var writer = ByteWriter()
        for value: UInt32 in [0xA1B2_C3D4] { writer.u32(value) }
        writer.u16(2); writer.u16(2); writer.u32(0); writer.u32(0); writer.u32(100); writer.u32(1)
        writer.u32(1); writer.u32(0); writer.u32(1514); writer.u32(60); writer.raw(frame(60))
        let result = try readAll(writer.bytes)
        #expect(result.records.count == 1)
        #expect(result.records[0].bytes.count == 60)
        #expect(result.records[0].originalLength == 1514)
        #expect(result.anomalyCount(.unusualVersion) == 1)
    }

    @Test func fcsBitsOfTheLinkTypeWordAreKept() throws {
        // P bit plus an FCS length of 2 sixteen-bit words.
        let pcap = PcapBuilder(linkType: 0x2400_0001)
        let result = try readAll(pcap.bytes)
        #expect(result.interfaces[0].linkType == .ethernet)
        #expect(result.interfaces[0].fcsLength == 4)
        #expect(result.anomalies.isEmpty)
    }

    @Test func rejectsAnUnknownMajorVersionWithFileAndOffset() throws {
        let pcap = PcapBuilder(major: 1)
        let files = TemporaryFiles()
        let path = files.write(pcap.bytes)
        #expect(throws: CaptureError(.unsupportedVersion(major: 1, minor: 4), file: path, offset: 0)) {
            _ = try readAll(paths: [path])
        }
    }

    @Test func rejectsSomethingThatIsNoCapture() throws {
        let files = TemporaryFiles()
        let path = files.write(Array("hello, this is text\n".utf8))
        do {
            _ = try readAll(paths: [path])
            Issue.record("text was read as a capture")
        } catch let error as CaptureError {
            guard case .unknownFormat = error.kind else { Issue.record("wrong error \(error)"); return }
            #expect(error.description.hasPrefix("\(path): offset 0: not a pcap or pcapng capture"))
        }
    }

    @Test func concatenatedFilesAreBothRead() throws {
        var first = PcapBuilder()
        first.record(seconds: 1, fraction: 0, frame: frame(60))
        var second = PcapBuilder(bigEndian: true, linkType: 101)
        second.record(seconds: 2, fraction: 0, frame: frame(40))
        let result = try readAll(first.bytes + second.bytes)
        #expect(result.records.count == 2)
        #expect(result.interfaces.map(\.linkType) == [.ethernet, .raw])
        #expect(result.records.map(\.interface) == [0, 1])
        #expect(result.anomalyCount(.concatenatedHeader) == 1)
    }

    @Test func zeroFilledTailEndsTheFileQuietly() throws {
        var pcap = PcapBuilder()
        pcap.record(seconds: 1, fraction: 0, frame: frame(60))
        let result = try readAll(pcap.bytes + [UInt8](repeating: 0, count: 4096))
        #expect(result.records.count == 1)
        #expect(result.anomalyCount(.zeroPadding) == 1)
        #expect(result.anomalyCount(.truncatedRecord) == 0)
    }

    @Test func implausibleLengthIsSkippedAndReadingResumes() throws {
        var pcap = PcapBuilder()
        pcap.record(seconds: 100, fraction: 0, frame: frame(60))
        var bytes = pcap.bytes
        // A garbled record: 4 GB captured length.
        var garbage = ByteWriter()
        garbage.u32(100); garbage.u32(1); garbage.u32(0xFFFF_FFF0); garbage.u32(0xFFFF_FFF0)
        garbage.raw([1, 2, 3, 4, 5, 6, 7])
        bytes += garbage.bytes
        var tail = PcapBuilder()
        tail.record(seconds: 101, fraction: 0, frame: frame(70))
        tail.record(seconds: 102, fraction: 0, frame: frame(80))
        bytes += tail.bytes.dropFirst(24)
        let result = try readAll(bytes)
        #expect(result.records.map(\.bytes.count) == [60, 70, 80])
        #expect(result.anomalyCount(.implausibleLength) == 1)
        #expect(result.anomalyCount(.resynchronised) == 1)
    }

    @Test func hugeCapturedLengthInATinyFileAllocatesNothing() throws {
        // 80 bytes that claim a 4 GB record, read mapped and streamed (gzip).
        var pcap = PcapBuilder(snaplen: 0xFFFF_FFFF)
        pcap.writer.u32(1); pcap.writer.u32(0); pcap.writer.u32(0xFFFF_FFFF); pcap.writer.u32(0xFFFF_FFFF)
        pcap.writer.raw([UInt8](repeating: 0xAB, count: 80 - pcap.writer.bytes.count))
        let plain = try readAll(pcap.bytes)
        #expect(plain.records.isEmpty)
        #expect(plain.anomalyCount(.implausibleLength) == 1)
        let streamed = try readAll(try gzip(pcap.bytes))
        #expect(streamed.records.isEmpty)
        #expect(streamed.anomalyCount(.implausibleLength) == 1)
    }

    @Test func invalidFractionsAreCountedButKept() throws {
        var pcap = PcapBuilder()
        pcap.record(seconds: 5, fraction: 1_500_000, frame: frame(60))
        let result = try readAll(pcap.bytes)
        #expect(result.records.count == 1)
        #expect(result.records[0].timestamp == 5_000_000_000 + 1_500_000_000)
        #expect(result.anomalyCount(.timestampFractionOutOfRange) == 1)
    }

    @Test func capturedLongerThanOriginalIsCounted() throws {
        var pcap = PcapBuilder()
        pcap.record(seconds: 5, fraction: 0, frame: frame(60), original: 40)
        let result = try readAll(pcap.bytes)
        #expect(result.records.count == 1)
        #expect(result.anomalyCount(.capturedExceedsOriginal) == 1)
    }

    @Test func truncationAtEveryByteKeepsEveryCompleteRecord() throws {
        var pcap = PcapBuilder()
        let sizes = [60, 1, 0, 77]
        for (index, size) in sizes.enumerated() {
            pcap.record(seconds: UInt32(10 + index), fraction: 0, frame: frame(size, seed: UInt8(index)))
        }
        let full = pcap.bytes
        // Offsets where each record ends.
        var ends: [Int] = []
        var offset = 24
        for size in sizes { offset += 16 + size; ends.append(offset) }
        let files = TemporaryFiles()
        for cut in 1..<full.count {
            let path = files.write(Array(full.prefix(cut)), name: "cut-\(cut)")
            if cut < 24 {
                #expect(throws: CaptureError.self) { _ = try readAll(paths: [path]) }
                continue
            }
            let result = try readAll(paths: [path])
            let complete = ends.filter { $0 <= cut }.count
            #expect(result.records.count == complete, "cut at \(cut)")
            let atBoundary = cut == 24 || ends.contains(cut)
            #expect(result.anomalyCount(.truncatedRecord) == (atBoundary ? 0 : 1), "cut at \(cut)")
        }
    }

    @Test func gzipAndZstdStreamsReadLikeThePlainFile() throws {
        var pcap = PcapBuilder(nanosecond: true)
        for index in 0..<2000 {
            pcap.record(seconds: UInt32(index / 100), fraction: UInt32(index % 100), frame: frame(60 + index % 1400, seed: UInt8(index & 0xFF)))
        }
        let plain = try readAll(pcap.bytes)
        let gzipped = try readAll(try gzip(pcap.bytes))
        let zstandard = try readAll(try zstd(pcap.bytes))
        #expect(plain.records.count == 2000)
        #expect(gzipped.records == plain.records)
        #expect(zstandard.records == plain.records)
        #expect(gzipped.files[0].compression == "gzip")
        #expect(zstandard.files[0].compression == "zstd")
    }

    @Test func severalFilesMergeInTimeOrderWithDistinctInterfaces() throws {
        var a = PcapBuilder()
        var b = PcapBuilder(bigEndian: true)
        for second in [1, 3, 5] as [UInt32] { a.record(seconds: second, fraction: 0, frame: frame(60)) }
        for second in [2, 3, 4] as [UInt32] { b.record(seconds: second, fraction: 0, frame: frame(61)) }
        let files = TemporaryFiles()
        let result = try readAll(paths: [files.write(a.bytes), files.write(b.bytes)])
        #expect(result.records.map { $0.timestamp / 1_000_000_000 } == [1, 2, 3, 3, 4, 5])
        // On a tie the earlier file goes first.
        #expect(result.records.map(\.interface) == [0, 1, 0, 1, 1, 0])
        #expect(result.interfaces.map(\.fileIndex) == [0, 1])
    }
}

@Suite struct PcapWriterTests {
    @Test(arguments: [false, true])
    func writtenFramesReadBackWithSnaplenCut(nanosecond: Bool) throws {
        let files = TemporaryFiles()
        let path = files.directory.appendingPathComponent("written.pcap").path
        do {
            let writer = try PcapWriter(path: path, snaplen: 100, nanosecond: nanosecond)
            try writer.write(timestamp: 1_700_000_000_123_456_789, frame: frame(60))
            try writer.write(timestamp: 1_700_000_001_000_001_000, frame: frame(1514, seed: 3))
            try writer.flush()
        }
        let result = try readAll(paths: [path])
        #expect(result.records.map(\.bytes.count) == [60, 100])
        #expect(result.records.map(\.originalLength) == [60, 1514])
        #expect(result.records[1].bytes == Array(frame(1514, seed: 3).prefix(100)))
        #expect(result.records[0].timestamp == (nanosecond ? 1_700_000_000_123_456_789 : 1_700_000_000_123_456_000))
        #expect(result.interfaces[0].snaplen == 100)
        #expect(result.anomalies.isEmpty)
    }
}

@Suite struct PcapngWriterTests {
    @Test func interfacesAndPacketsReadBack() throws {
        let files = TemporaryFiles()
        let path = files.directory.appendingPathComponent("written.pcapng").path
        do {
            let writer = try PcapngWriter(path: path)
            let a = writer.addInterface(.init(name: "uplink-a", description: "leaf1 Eth1/49", snaplen: 96, speedBitsPerSecond: 10_000_000_000))
            let b = writer.addInterface(.init(name: "uplink-b", nanosecond: false))
            try writer.write(interface: a, timestamp: 1_700_000_000_123_456_789, frame: frame(1514), direction: .outbound)
            try writer.write(interface: b, timestamp: 1_700_000_000_200_000_789, frame: frame(61, seed: 4), direction: .inbound)
            try writer.write(interface: a, timestamp: 1_700_000_000_300_000_000, frame: frame(60, seed: 5))
            try writer.flush()
        }
        let result = try readAll(paths: [path])
        #expect(result.anomalies.isEmpty)
        #expect(result.interfaces.map(\.name) == ["uplink-a", "uplink-b"])
        #expect(result.interfaces[0].description == "leaf1 Eth1/49")
        #expect(result.interfaces[0].speedBitsPerSecond == 10_000_000_000)
        #expect(result.interfaces[0].snaplen == 96)
        #expect(result.interfaces.map(\.resolution) == [.nanoseconds, .microseconds])
        #expect(result.records.map(\.timestamp) == [1_700_000_000_123_456_789, 1_700_000_000_200_000_000, 1_700_000_000_300_000_000])
        #expect(result.records.map(\.direction) == [.outbound, .inbound, .unknown])
        #expect(result.records.map(\.bytes.count) == [96, 61, 60])
        #expect(result.records[0].originalLength == 1514)
        #expect(result.records[1].bytes == frame(61, seed: 4))
    }
}
