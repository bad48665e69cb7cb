import HairpinTestSupport
import Foundation
import Testing
@testable import HairpinCapture

/// Reading one pcap or pcapng file in pieces (`CaptureReader.pieces`, `joinPieces`) gives exactly the
/// records one reader gives, in file order: also when a guessed boundary lies inside a record,
/// or a later piece meets something unusual.
@Suite struct PieceReadingTests {
    /// The records of the kept pieces in order, and how many pieces were kept; nil when the file
    /// was not split.
    static func readInPieces(_ path: String, count: Int) throws -> (records: [ReadRecord], kept: Int)? {
        guard let pieces = try CaptureReader.pieces(of: path, count: count) else { return nil }
        var perPiece: [[ReadRecord]] = Array(repeating: [], count: pieces.count)
        var failures: [CaptureError?] = []
        for (index, reader) in pieces.enumerated() {
            do {
                try records(of: reader, into: &perPiece[index])
                failures.append(nil)
            } catch {
                failures.append(error)
            }
            // As `hairpin bench` does: a piece read on past its end then reads pages handed back.
            reader.handBackPages()
        }
        let kept = try CaptureReader.joinPieces(pieces, failures: failures) { (piece: Int) throws(CaptureError) in
            try records(of: pieces[piece], into: &perPiece[piece])
        }
        return (perPiece[..<kept.count].flatMap { $0 }, kept.count)
    }

    static func records(of reader: CaptureReader, into records: inout [ReadRecord]) throws(CaptureError) {
        try reader.forEach { record in
            records.append(ReadRecord(interface: record.interface, timestamp: record.timestamp, originalLength: record.originalLength,
                                      bytes: Array(record.bytes), direction: record.direction, hasTimestamp: record.hasTimestamp))
            return true
        }
    }

    static func wholeFile(_ path: String) throws -> [ReadRecord] {
        try readAll(paths: [path], options: .init(reorderWindow: 0)).records
    }

    @Test func piecesTogetherAreTheWholeFile() throws {
        var pcap = PcapBuilder(nanosecond: true)
        for index in 0..<2053 {
            pcap.record(seconds: 1_700_000_000 + UInt32(index / 1000), fraction: UInt32(index % 1000) * 1000,
                        frame: frame(60 + index * 37 % 1441, seed: UInt8(truncatingIfNeeded: index)))
        }
        try Self.expectEveryPieceKept(pcap.bytes, records: 2053, counts: [2, 3, 5, 8])
    }

    /// The file in `bytes`, of `records` records, read in each of `counts` pieces: every piece is
    /// kept, and together they are the records one reader gives.
    static func expectEveryPieceKept(_ bytes: [UInt8], records: Int, counts: [Int], _ label: String = "") throws {
        let files = TemporaryFiles()
        let path = files.write(bytes)
        let whole = try wholeFile(path)
        #expect(whole.count == records, "\(label)")
        for count in counts {
            let read = try #require(try readInPieces(path, count: count), "\(count) pieces \(label)")
            #expect(read.kept == count, "\(count) pieces \(label)")
            #expect(read.records == whole, "\(count) pieces \(label)")
        }
    }

    /// Records all of one length, as in the benchmark captures: 79 bytes past a header, the last
    /// byte of a frame and the next header read as a chain of 16,400-byte records of their own
    /// (each 205 real records long) while the real fractions are under 2.3 ms, with times years
    /// off the file's. The guess for two pieces falls 68 bytes into a record, just before such a
    /// chain: the boundary found must be the real one, or the first piece reads the whole file.
    @Test func equalRecordsSplitAtARealBoundary() throws {
        // A 64-byte TCP frame with a 10-byte zero payload, as the benchmark writes them.
        let template: [UInt8] = [0x00, 0x50, 0x56, 0x00, 0x00, 0x02, 0x00, 0x50, 0x56, 0x00, 0x00, 0x01, 0x08, 0x00,
                                 0x45, 0x00, 0x00, 0x32, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
                                 0x0A, 0x00, 0x00, 0x01, 0x0A, 0x00, 0x00, 0x00, 0x9C, 0x40, 0x1F, 0x40]
            + [UInt8](repeating: 0, count: 8) + [0x50, 0x10] + [UInt8](repeating: 0, count: 16)
        #expect(template.count == 64)
        var pcap = PcapBuilder(nanosecond: true)
        let records = 4000, middle = 2000
        for index in 0..<records {
            var frame = template
            frame[33] = UInt8(truncatingIfNeeded: index)
            // The second half starts a second: its fractions grow from zero, one microsecond apart.
            let nanoseconds = 1_700_000_005 * 1_000_000_000 + Int64(index - middle) * 1000
            pcap.record(seconds: UInt32(nanoseconds / 1_000_000_000), fraction: UInt32(nanoseconds % 1_000_000_000), frame: frame)
        }
        try Self.expectEveryPieceKept(pcap.bytes, records: records, counts: [2, 3, 4])
    }

    /// Two interfaces of different link types declared before the first packet: every piece's
    /// reader reads them first, then jumps to its piece.
    @Test func pcapngPiecesTogetherAreTheWholeFile() throws {
        for bigEndian in [false, true] {
            var pcapng = PcapngBuilder()
            pcapng.section(bigEndian: bigEndian)
            pcapng.interface(linkType: 1, name: "uplink-a")
            pcapng.interface(linkType: 113, name: "any")
            for index in 0..<1500 {
                let frame = frame(60 + index * 53 % 1200, seed: UInt8(truncatingIfNeeded: index))
                pcapng.enhanced(interface: UInt32(index % 2), units: 1_700_000_000_000_000 + UInt64(index), frame: frame)
                if index % 100 == 50 { pcapng.statistics(interface: 0, received: UInt64(index), dropped: 0) }
            }
            try Self.expectEveryPieceKept(pcapng.bytes, records: 1500, counts: [2, 3, 8], "big-endian \(bigEndian)")
        }
    }

    /// Simple packet blocks take the time of the packet before: one at the start of a piece
    /// would need the piece before's, so that piece's reader reads on; elsewhere they split.
    @Test func pcapngSimplePacketsKeepTheTimeBeforeThem() throws {
        // Every block simple; or simple ones only in the first tenth, far from the second piece's start.
        for onlyEarly in [false, true] {
            var pcapng = PcapngBuilder()
            pcapng.section(bigEndian: false)
            pcapng.interface(linkType: 1)
            for index in 0..<1000 {
                if onlyEarly ? index < 100 && index % 5 == 1 : true {
                    pcapng.simple(frame: frame(200, seed: UInt8(truncatingIfNeeded: index)))
                } else {
                    pcapng.enhanced(interface: 0, units: UInt64(index) * 1000, frame: frame(200, seed: UInt8(truncatingIfNeeded: index)))
                }
            }
            let files = TemporaryFiles()
            let path = files.write(pcapng.bytes)
            let whole = try Self.wholeFile(path)
            let read = try #require(try Self.readInPieces(path, count: 2))
            #expect(read.records == whole, "simple packets only early: \(onlyEarly)")
            #expect(read.kept == (onlyEarly ? 2 : 1), "simple packets only early: \(onlyEarly)")
        }
    }

    /// An interface declared after packets, in the first half: a later piece's reader does not
    /// know it, so the first piece's reader reads on.
    @Test func aPcapngInterfaceDeclaredPartWayIsReadByTheFirstPiece() throws {
        var pcapng = PcapngBuilder()
        pcapng.section(bigEndian: false)
        pcapng.interface(linkType: 1)
        for index in 0..<400 {
            if index == 100 { pcapng.interface(linkType: 1, name: "late") }
            pcapng.enhanced(interface: index > 100 ? UInt32(index % 2) : 0, units: UInt64(index), frame: frame(300))
        }
        let files = TemporaryFiles()
        let path = files.write(pcapng.bytes)
        let read = try #require(try Self.readInPieces(path, count: 2))
        #expect(read.kept == 1)
        #expect(read.records == (try Self.wholeFile(path)))
        #expect(Set(read.records.map(\.interface)).count == 2)
    }

    /// 201 records: the middle one a large frame whose payload holds what looks like eight
    /// records, just past the middle of the file, where the scan takes them for a boundary.
    static func fakeRecordsInAFrame() -> [UInt8] {
        var fake = ByteWriter()
        for index in 0..<8 {
            fake.u32(1_700_000_000)
            fake.u32(UInt32(index))
            fake.u32(20)
            fake.u32(20)
            fake.raw(frame(20, seed: UInt8(index)))
        }
        var pcap = PcapBuilder()
        for index in 0..<100 { pcap.record(seconds: 1_700_000_000, fraction: UInt32(index), frame: frame(100)) }
        pcap.record(seconds: 1_700_000_001, fraction: 0, frame: [UInt8](repeating: 0, count: 4000) + fake.bytes + [UInt8](repeating: 0, count: 100))
        for index in 0..<100 { pcap.record(seconds: 1_700_000_002, fraction: UInt32(index), frame: frame(100)) }
        return pcap.bytes
    }

    /// The first piece's reader crosses the false boundary inside the large frame and reads on
    /// to the end itself.
    @Test func aBoundaryGuessedInsideARecordIsReadOn() throws {
        let files = TemporaryFiles()
        let path = files.write(Self.fakeRecordsInAFrame())
        let read = try #require(try Self.readInPieces(path, count: 2))
        #expect(read.kept == 1, "the guessed boundary inside the large frame is dropped")
        #expect(read.records == (try Self.wholeFile(path)))
        #expect(read.records.count == 201)
    }

    /// A later piece's error counts only once the pieces before it are proven to end where it
    /// starts: then a reader of the whole file meets it there too; past a false boundary it is
    /// no error of the file, and the piece before reads on.
    @Test func aPieceErrorCountsOnlyPastAProvenBoundary() throws {
        let failure = CaptureError(.readFailed(errno: 5), file: "piece", offset: 0)
        var good = PcapBuilder()
        for index in 0..<400 { good.record(seconds: 1_700_000_000, fraction: UInt32(index), frame: frame(200)) }
        let files = TemporaryFiles()
        for (bytes, proven) in [(good.bytes, true), (Self.fakeRecordsInAFrame(), false)] {
            let pieces = try #require(try CaptureReader.pieces(of: files.write(bytes), count: 2))
            var ignored: [ReadRecord] = []
            for piece in pieces { try Self.records(of: piece, into: &ignored) }
            var readOn = 0
            let join = { () throws(CaptureError) -> [CaptureReader] in
                try CaptureReader.joinPieces(pieces, failures: [nil, failure]) { (_: Int) throws(CaptureError) in readOn += 1 }
            }
            if proven {
                #expect(throws: CaptureError.self) { try join() }
                #expect(readOn == 0)
            } else {
                #expect(try join().count == 1)
                #expect(readOn == 1)
            }
        }
    }

    /// A damaged header in the second piece: its reader resynchronises without the time of the
    /// record before, so the first piece's reader reads that part instead.
    @Test func anAnomalyInALaterPieceIsReadByThePieceBefore() throws {
        var pcap = PcapBuilder()
        for index in 0..<400 {
            if index == 300 {
                pcap.writer.raw([0xFF, 0xFF, 0xFF, 0x7F] + [UInt8](repeating: 0xEE, count: 28))
            }
            pcap.record(seconds: 1_700_000_000, fraction: UInt32(index), frame: frame(200, seed: UInt8(truncatingIfNeeded: index)))
        }
        let files = TemporaryFiles()
        let path = files.write(pcap.bytes)
        let whole = try readAll(paths: [path], options: .init(reorderWindow: 0))
        #expect(whole.anomalyCount(.resynchronised) == 1)
        let read = try #require(try Self.readInPieces(path, count: 2))
        #expect(read.kept == 1)
        #expect(read.records == whole.records)
    }

    @Test func onlyAMappedFileLargeEnoughIsSplit() throws {
        var pcap = PcapBuilder()
        for index in 0..<100 { pcap.record(seconds: 1_700_000_000, fraction: UInt32(index), frame: frame(100)) }
        var pcapng = PcapngBuilder()
        pcapng.section(bigEndian: false)
        pcapng.interface()
        for index in 0..<100 { pcapng.enhanced(interface: 0, units: UInt64(index), frame: frame(100)) }
        let files = TemporaryFiles()
        let pcapPath = files.write(pcap.bytes)
        #expect(try CaptureReader.pieces(of: pcapPath, count: 2) != nil)
        #expect(try CaptureReader.pieces(of: files.write(pcapng.bytes), count: 2) != nil)
        #expect(try CaptureReader.pieces(of: pcapPath, count: 1) == nil)
        #expect(try CaptureReader.pieces(of: pcapPath, count: 2, minimumBytes: Int64(pcap.bytes.count + 1)) == nil)
        #expect(try CaptureReader.pieces(of: files.write(try gzip(pcap.bytes), name: "capture.pcap.gz"), count: 2) == nil)
    }

    @Test(.enabled(if: SharedCaptures.available, "../shared/captures/real is absent: real-capture piece test skipped"))
    func realCapturesReadInPiecesAsWhole() throws {
        var split = 0
        var checked = 0
        for entry in SharedCaptures.readable where [".pcap", ".cap", ".pcapng", ".ntar"].contains(where: entry.file.hasSuffix) {
            let path = SharedCaptures.path(entry)
            for count in [2, 3] {
                guard let read = try Self.readInPieces(path, count: count) else { continue }
                checked += 1
                if read.kept == count { split += 1 }
                #expect(read.records == (try Self.wholeFile(path)), "\(entry.file) in \(count) pieces")
            }
        }
        #expect(checked >= 50, "real pcap files read in pieces: \(checked)")
        #expect(split >= checked / 2, "kept every piece in \(split) of \(checked)")
    }
}
