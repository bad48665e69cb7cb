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
