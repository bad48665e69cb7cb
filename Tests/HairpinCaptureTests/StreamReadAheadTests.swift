import HairpinTestSupport
import Foundation
@testable import HairpinCapture
import Testing

/// A compressed stream is inflated ahead on a thread of its own, 1 MiB at a time, straight into
/// the stream's ring (`StreamRing`), or into a small plain ring copied into the sliding buffer:
/// records read the same across those edges, a stream cut short fails after the records before
/// the cut, and a reader let go early lets its thread and file go too.
@Suite struct StreamReadAheadTests {
    static let bufferings: [ByteSource.Buffering] = [.standard, .sliding]

    /// A pcap of `count` 1514-byte records, each carrying its index in its first bytes.
    func capture(_ count: Int) -> [UInt8] {
        var pcap = PcapBuilder()
        for index in 0..<count {
            var bytes = frame(1514, seed: UInt8(truncatingIfNeeded: index))
            withUnsafeBytes(of: UInt32(index).bigEndian) { bytes.replaceSubrange(0..<4, with: $0) }
            pcap.record(seconds: 1_700_000_000 + UInt32(index / 1000), fraction: UInt32(index % 1000) * 1000, frame: bytes)
        }
        return pcap.bytes
    }

    @Test(arguments: bufferings)
    func recordsReadTheSameAcrossBlocks(buffering: ByteSource.Buffering) throws {
        // 5,000 records: 7.6 MB inflated, nearly eight blocks, none of them on a record edge.
        let plain = capture(5_000)
        let mapped = try readAll(plain)
        var options = CaptureReader.Options()
        options.streamBuffering = buffering
        let inflated = try readAll(try gzip(plain), options: options)
        #expect(mapped.records.count == 5_000)
        #expect(inflated.records == mapped.records)
        #expect(try readAll(try zstd(plain), options: options).records == mapped.records)
    }

    /// Records read before the stream's end or failure, and how reading ended.
    func readUntilTheEnd(_ bytes: [UInt8], buffering: ByteSource.Buffering) throws -> (count: Int, failure: CaptureError?, anomalies: [AnomalyKind]) {
        let files = TemporaryFiles()
        var options = CaptureReader.Options(reorderWindow: 0)
        options.streamBuffering = buffering
        let reader = try CaptureReader(paths: [files.write(bytes)], options: options)
        var count = 0
        do {
            while let record = try reader.next() {
                #expect(record.bytes.loadUnaligned(as: UInt32.self).bigEndian == UInt32(count))
                count += 1
            }
        } catch {
            return (count, error, reader.anomalies.map(\.kind))
        }
        return (count, nil, reader.anomalies.map(\.kind))
    }

    @Test(arguments: bufferings)
    func aStreamCutShortKeepsTheRecordsBeforeTheCutAndSaysSo(buffering: ByteSource.Buffering) throws {
        let plain = capture(5_000)
        for (name, compressed) in [("gzip", try gzip(plain)), ("zstd", try zstd(plain))] {
            let whole = try readUntilTheEnd(compressed, buffering: buffering)
            #expect(whole.count == 5_000 && whole.failure == nil && whole.anomalies.isEmpty, "\(name), whole: \(whole)")
            let cut = try readUntilTheEnd(Array(compressed.prefix(compressed.count / 2)), buffering: buffering)
            #expect(cut.count > 1_000 && cut.count < 5_000, "\(name): \(cut.count) records before the cut")
            #expect(cut.failure == nil, "\(name)")
            // The cut may fall inside a record too; the stream's own cut is always reported.
            #expect(cut.anomalies.contains(.compressedStreamCut), "\(name): \(cut.anomalies)")
            #expect(Set(cut.anomalies).isSubset(of: [.compressedStreamCut, .truncatedRecord]), "\(name): \(cut.anomalies)")
        }
        // Two whole gzip members one after the other are one capture, not a cut one.
        let members = try gzip(Array(plain.prefix(plain.count / 2))) + (try gzip(Array(plain.suffix(from: plain.count / 2))))
        let joined = try readUntilTheEnd(members, buffering: buffering)
        #expect(joined.failure == nil && joined.anomalies.isEmpty, "\(joined)")
    }

    @Test(arguments: bufferings)
    func corruptDataFailsAfterTheRecordsBeforeIt(buffering: ByteSource.Buffering) throws {
        var compressed = try gzip(capture(5_000))
        for index in compressed.count / 2..<compressed.count / 2 + 64 { compressed[index] ^= 0x5A }
        let corrupt = try readUntilTheEnd(compressed, buffering: buffering)
        #expect(corrupt.count > 1_000 && corrupt.count < 5_000, "\(corrupt.count) records before the damage")
        guard case .decompressionFailed? = corrupt.failure?.kind else {
            Issue.record("expected a decompression failure, got \(String(describing: corrupt.failure))")
            return
        }
    }

    /// Whether any of this process's descriptors is open on `path`. Other tests open and close
    /// files in parallel, so counting descriptors would race with them; a file's own path does not.
    func isOpen(_ path: String) throws -> Bool {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        for descriptor in try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(descriptor)")
            else { continue }
            if target == path || target == resolved { return true }
        }
        return false
    }

    @Test(arguments: bufferings)
    func aReaderLetGoEarlyClosesItsFile(buffering: ByteSource.Buffering) throws {
        let files = TemporaryFiles()
        let path = files.write(try gzip(capture(20_000)))
        #expect(try !isOpen(path))
        do {
            var options = CaptureReader.Options()
            options.streamBuffering = buffering
            let reader = try CaptureReader(paths: [path], options: options)
            for _ in 0..<10 { _ = try reader.next() }
            #expect(try isOpen(path))
        }
        // The inflating thread notices it was let go and ends, closing the file.
        var stillOpen = true
        for _ in 0..<200 {
            stillOpen = try isOpen(path)
            if !stillOpen { break }
            usleep(10_000)
        }
        #expect(!stillOpen)
    }
}
