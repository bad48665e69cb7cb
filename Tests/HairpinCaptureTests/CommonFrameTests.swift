import Foundation
import HairpinCapture
import HairpinTestSupport
@testable import HairpinWire
import Testing

/// The decoder's straight pass over Ethernet/802.1Q/IPv4/TCP frames, outer or inside a tunnel,
/// must give exactly what the general walk gives, on every frame of the shipped and real
/// captures, including the frames it declines (options, fragments, cut headers, other tags).
@Suite struct CommonFrameTests {
    /// Frames decoded both ways, how many of them the straight passes took (plain, mirrored or in
    /// an overlay), how many tunnelled frames' inner frames they could take, and how many were
    /// mirrored and in an overlay.
    func compare(_ paths: [String]) throws -> (frames: Int, direct: Int, inner: Int, mirrored: Int, overlay: Int) {
        let direct = Decoder()
        var walking = Decoder()
        walking.takesCommonFramesDirectly = false
        var frames = 0, taken = 0, inner = 0, mirrored = 0, overlay = 0
        for path in paths {
            let reader = try CaptureReader(paths: [path], options: .init(reorderWindow: 0))
            // A corrupt file ends its records with an error: the frames before it still count.
            while let record = try? reader.next() {
                let fast = direct.decode(record.bytes, linkType: record.linkType)
                let slow = walking.decode(record.bytes, linkType: record.linkType)
                #expect(fast.everyField == slow.everyField, "\(path) record \(frames)")
                if record.linkType == .ethernet, let base = record.bytes.baseAddress {
                    var probe = DecodedPacket(linkType: .ethernet, capturedLength: record.bytes.count)
                    let (tookIt, tookItMirrored, tookItInOverlay) = withUnsafeMutablePointer(to: &probe) { storage in
                        var walk = FrameWalk(bytes: ByteView(base: base, count: record.bytes.count), storage: storage, decoder: direct)
                        return (walk.commonTCPFrame(resetting: false), walk.mirroredTCPFrame(resetting: false), walk.overlayTCPFrame(resetting: false))
                    }
                    if tookIt { taken += 1 }
                    if tookItMirrored { mirrored += 1 }
                    if tookItInOverlay { overlay += 1 }
                    #expect([tookIt, tookItMirrored, tookItInOverlay].filter { $0 }.count <= 1, "\(path) record \(frames)")
                }
                if fast.tunnelCount > 0, let base = record.bytes.baseAddress, fast.innerFrameOffset < record.bytes.count,
                   CommonTCPFrame(ByteView(base: base + fast.innerFrameOffset, count: record.bytes.count - fast.innerFrameOffset)) != nil {
                    inner += 1
                }
                frames += 1
            }
        }
        return (frames, taken + mirrored + overlay, inner, mirrored, overlay)
    }

    @Test func shippedCaptures() throws {
        let paths = try FileManager.default.contentsOfDirectory(atPath: DecoderReuseTests.shipped.path).filter { $0.hasSuffix(".pcapng") }
            .sorted().map { DecoderReuseTests.shipped.appendingPathComponent($0).path }
        let (frames, direct, inner, mirrored, overlay) = try compare(paths)
        #expect(frames > 50_000)
        #expect(direct > frames / 4, "the shipped migrations are mostly tagged TCP: \(direct) of \(frames)")
        #expect(inner > 5_000, "the ERSPAN scenario mirrors mostly TCP: \(inner) inner frames")
        #expect(mirrored > 5_000 && mirrored <= inner, "the ERSPAN scenario's mirrored TCP read straight: \(mirrored)")
        #expect(overlay > 5_000 && mirrored + overlay <= inner, "the overlay scenario's VXLAN TCP read straight: \(overlay)")
    }

    @Test(.enabled(if: SharedCaptures.available, "../shared/captures/real is absent: skipped"))
    func realCaptures() throws {
        var paths: [String] = []
        for folder in ["encap", "fhrp", "arp", "formats", "mixed", "corrupt"] {
            let directory = SharedCaptures.root.appendingPathComponent(folder)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()) ?? [] {
                let path = directory.appendingPathComponent(name).path
                if (try? CaptureReader(paths: [path])) != nil { paths.append(path) }
            }
        }
        let (frames, direct, inner, _, overlay) = try compare(paths)
        #expect(paths.count > 50)
        // encap/geneve.pcap: 33 TCP frames in Geneve, with options and without.
        #expect(overlay >= 33, "TCP in an overlay read straight in the real captures: \(overlay)")
        #expect(inner > 0, "tunnelled TCP in the real captures: \(inner) inner frames")
        #expect(frames > 10_000)
        #expect(direct > 1_000 && direct < frames)
    }

    /// Frames at the edges of what the straight pass takes: each cut short by one byte, with IP
    /// options, as a fragment, with a short total length or a short TCP data offset.
    @Test func edgesDecodeAlikeBothWays() throws {
        var frame = [UInt8](repeating: 0, count: 14 + 4 + 20 + 20 + 6)
        frame.replaceSubrange(0..<12, with: [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2])
        frame.replaceSubrange(12..<18, with: [0x81, 0x00, 0x00, 0x64, 0x08, 0x00])
        frame.replaceSubrange(18..<28, with: [0x45, 0xB8, 0, 46, 0, 1, 0x40, 0, 64, 6])
        frame.replaceSubrange(38..<42, with: [0x9C, 0x40, 0x1F, 0x40])
        frame[50] = 0x50
        frame[51] = 0x18
        var variants: [[UInt8]] = [frame]
        for cut in 1...30 { variants.append(Array(frame.dropLast(cut))) }
        var options = frame; options[18] = 0x46; variants.append(options)
        var fragment = frame; fragment[24] = 0x20; variants.append(fragment)
        var offsetFragment = frame; offsetFragment[25] = 0x08; variants.append(offsetFragment)
        var shortTotal = frame; shortTotal[21] = 30; variants.append(shortTotal)
        var zeroTotal = frame; zeroTotal[21] = 0; variants.append(zeroTotal)
        var shortOffset = frame; shortOffset[50] = 0x40; variants.append(shortOffset)
        var longOffset = frame; longOffset[50] = 0xF0; variants.append(longOffset)
        var qinq = frame; qinq[12] = 0x88; qinq[13] = 0xA8; variants.append(qinq)
        variants.append(Array(frame[0..<12]) + Array(frame[16...]))  // untagged
        let direct = Decoder()
        var walking = Decoder()
        walking.takesCommonFramesDirectly = false
        for (index, bytes) in variants.enumerated() {
            bytes.withUnsafeBytes { raw in
                let fast = direct.decode(raw, linkType: .ethernet)
                let slow = walking.decode(raw, linkType: .ethernet)
                #expect(fast.everyField == slow.everyField, "variant \(index)")
            }
        }
    }
}
