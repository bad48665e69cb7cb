import HairpinTestSupport
import Foundation
import Testing
@testable import HairpinCapture

/// A streamed input (here gzip) held in a ring mapped twice, in the sliding buffer, or in a
/// ring too small for its largest record reads exactly as the mapped plain file.
@Suite struct StreamBufferingTests {
    /// 3,000 records of 60 to 1,459 bytes (2.2 MB, so a 64 KiB ring wraps some 35 times), some
    /// out of time order within the reorder window, and near the end one of 100,000 bytes,
    /// more than such a ring holds: it must grow with its kept bytes.
    func capture() -> [UInt8] {
        var pcap = PcapBuilder(nanosecond: true, snaplen: 262_144)
        for index in 0..<3000 {
            let length = index == 2900 ? 100_000 : 60 + (index * 37) % 1400
            // Every tenth record steps back 5 us: the window puts it in order.
            let time = index * 1000 - (index % 10 == 9 ? 5000 : 0)
            pcap.record(seconds: UInt32(time / 1_000_000_000), fraction: UInt32(time % 1_000_000_000),
                        frame: frame(length, seed: UInt8(index & 0xFF)))
        }
        return pcap.bytes
    }

    @Test(arguments: [ByteSource.Buffering.mirrored(capacity: 64 << 10), .sliding, .standard,
                      // Not a power of two: no ring, the sliding buffer instead.
                      .mirrored(capacity: 68 << 10)])
    func streamReadsLikeTheMappedFile(buffering: ByteSource.Buffering) throws {
        let bytes = capture()
        let gzipped = try gzip(bytes)
        for window in [Int64(0), 500_000_000] {
            var options = CaptureReader.Options(reorderWindow: window)
            let plain = try readAll(bytes, options: options)
            #expect(plain.records.count == 3000)
            options.streamBuffering = buffering
            // Kept bytes well under the ring's size, so that it wraps rather than grows.
            options.streamRetainBudget = 16 << 10
            let streamed = try readAll(gzipped, options: options)
            #expect(streamed.files.first?.compression == "gzip")
            // Compared whole, not printed whole: a failure lists thousands of records otherwise.
            let same = streamed.records == plain.records
            #expect(same, "\(buffering), window \(window): \(streamed.records.count) records")
            #expect(streamed.anomalies.map { "\($0.kind) \($0.count)" } == plain.anomalies.map { "\($0.kind) \($0.count)" }, "\(buffering), window \(window)")
        }
    }
}

/// Sixteen gzip inputs read at once, merged in time order: each stream's filler has a thread of
/// its own, so a filler waiting for its reader never keeps another stream's from starting (on
/// Dispatch's few pooled threads, the last streams' fillers waited seconds for one).
@Suite struct ManyStreamsTests {
    @Test func sixteenCompressedInputsAreReadWhole() throws {
        let files = TemporaryFiles()
        var paths: [String] = []
        for file in 0..<16 {
            var pcap = PcapBuilder()
            for index in 0..<500 {
                pcap.record(seconds: UInt32(index), fraction: UInt32(file), frame: frame(1000, seed: UInt8(file)))
            }
            paths.append(files.write(try gzip(pcap.bytes), name: "input-\(file).pcap.gz"))
        }
        var options = CaptureReader.Options()
        // Rings a few records long: every filler soon waits for its reader.
        options.streamBuffering = .mirrored(capacity: 64 << 10)
        options.streamRetainBudget = 16 << 10
        let reader = try CaptureReader(paths: paths, options: options)
        // Each stream's filler has its thread from the start, named so; the rings are too small
        // for any filler to end before its records are read. (Other tests' fillers running
        // meanwhile can only add to the count.)
        let fillers = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").filter { task in
            (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)) == "hairpin-stream\n"
        }.count
        #expect(fillers >= 16, "\(fillers) stream threads")
        var firsts: [UInt8] = []
        var count = 0
        while let record = try reader.next() {
            if firsts.count < 16 { firsts.append(record.bytes[0]) }
            count += 1
        }
        #expect(count == 16 * 500)
        #expect(reader.anomalies.isEmpty)
        // Merged in time order: second by second, the sixteen inputs' records in turn.
        #expect(firsts == (0..<16).map { frame(1000, seed: UInt8($0))[0] })
    }
}

/// Streams read at once share a fixed memory: each ring holds a power-of-two share of it, and
/// waiting records may keep half their ring. Mapped files take no share.
@Suite struct SharedStreamMemoryTests {
    @Test func sharesAreFloorPowersOfTwoWithinBounds() {
        let standard = CaptureReader.Options()
        func share(_ streams: Int, from options: CaptureReader.Options = CaptureReader.Options()) -> (ring: Int?, kept: Int64) {
            let shared = options.sharingStreamMemory(among: streams)
            if case .mirrored(let capacity) = shared.streamBuffering { return (capacity, shared.streamRetainBudget) }
            return (nil, shared.streamRetainBudget)
        }
        #expect(standard.streamBuffering == .mirrored(capacity: 64 << 20) && standard.streamRetainBudget == 32 << 20)
        #expect(share(1) == (64 << 20, 32 << 20))
        #expect(share(8) == (64 << 20, 32 << 20))
        #expect(share(9) == (32 << 20, 16 << 20))
        #expect(share(100) == (4 << 20, 2 << 20))
        #expect(share(1000) == (2 << 20, 1 << 20))
        // A ring already smaller than the share stays; the sliding buffer keeps no more than it.
        var small = standard
        small.streamBuffering = .mirrored(capacity: 64 << 10)
        small.streamRetainBudget = 16 << 10
        #expect(share(100, from: small) == (64 << 10, 16 << 10))
        var sliding = standard
        sliding.streamBuffering = .sliding
        #expect(share(100, from: sliding) == (nil, 2 << 20))
    }

    @Test func twelveCompressedInputsBesideAPlainFileShareOut512MiB() throws {
        let files = TemporaryFiles()
        var pcap = PcapBuilder()
        for index in 0..<300 { pcap.record(seconds: UInt32(index), fraction: 0, frame: frame(200, seed: UInt8(index & 0xFF))) }
        var paths = [files.write(pcap.bytes, name: "plain.pcap")]
        let compressed = try gzip(pcap.bytes)
        for index in 0..<12 { paths.append(files.write(compressed, name: "input-\(index).pcap.gz")) }
        #expect(!ByteSource.isStreamed(paths[0]) && ByteSource.isStreamed(paths[1]))
        let reader = try CaptureReader(paths: paths)
        // Twelve streams: 512 MiB / 12 is 42.7 MiB, so 32 MiB rings; the plain file is mapped.
        #expect(reader.sources.map(\.ringCapacity) == [nil] + Array(repeating: 32 << 20, count: 12))
        #expect(reader.sources[0].isMapped)
        var count = 0
        while try reader.next() != nil { count += 1 }
        #expect(count == 13 * 300)
        #expect(reader.anomalies.isEmpty)
    }
}
