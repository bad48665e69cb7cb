import Foundation
import HairpinCapture
import HairpinWire
import Testing

/// The decoder resets a reused packet field by field; a reused value must decode every frame
/// exactly as a fresh one does, whatever the frame before it left behind (ARP, FHRP, ERSPAN,
/// tunnels, ICMPv6, truncation).
@Suite struct DecoderReuseTests {
    static let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Captures")

    func checkReuse(_ paths: [String]) throws -> Int {
        let decoder = Decoder()
        var reused = DecodedPacket(linkType: .ethernet, capturedLength: 0)
        var frames = 0
        for path in paths {
            let reader = try CaptureReader(paths: [path], options: .init(reorderWindow: 0))
            while let record = try reader.next() {
                decoder.decode(record.bytes, linkType: record.linkType, into: &reused)
                let fresh = decoder.decode(record.bytes, linkType: record.linkType)
                #expect(String(describing: reused) == String(describing: fresh), "\(path) record \(frames)")
                // The large fields, shown through their accessors (the packet shows only which are there).
                #expect(String(describing: (reused.arp, reused.icmp, reused.neighborDiscovery, reused.fhrp))
                    == String(describing: (fresh.arp, fresh.icmp, fresh.neighborDiscovery, fresh.fhrp)), "\(path) record \(frames)")
                #expect(String(describing: (reused.tunnel, reused.erspan, reused.stop)) == String(describing: (fresh.tunnel, fresh.erspan, fresh.stop)),
                        "\(path) record \(frames)")
                frames += 1
            }
        }
        return frames
    }

    @Test func shippedCapturesDecodeTheSameReused() throws {
        let paths = try FileManager.default.contentsOfDirectory(atPath: Self.shipped.path).filter { $0.hasSuffix(".pcapng") }.sorted()
            .map { Self.shipped.appendingPathComponent($0).path }
        #expect(paths.count >= 10)
        #expect(try checkReuse(paths) > 50_000)
    }

    @Test(.enabled(if: SharedCaptures.available, "../shared/captures/real is absent: skipped"))
    func realCapturesDecodeTheSameReused() throws {
        var paths: [String] = []
        for folder in ["encap", "fhrp", "arp", "formats"] {
            let directory = SharedCaptures.root.appendingPathComponent(folder)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()) ?? [] {
                let path = directory.appendingPathComponent(name).path
                if (try? CaptureReader(paths: [path])) != nil { paths.append(path) }
            }
        }
        #expect(paths.count > 20)
        #expect(try checkReuse(paths) > 1_000)
    }
}
