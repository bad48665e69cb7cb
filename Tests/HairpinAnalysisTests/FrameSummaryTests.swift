import Foundation
import Testing
@testable import HairpinAnalysis
import HairpinCapture
import HairpinWire

/// The summary the analysing thread reads instead of the packet: two cache lines, and for every
/// frame of the shipped scenarios (VLAN tags, ERSPAN, FHRP, ARP, RARP, IPv6) the same values the
/// decoded packet and the record hold, with unusual frames flagged.
struct FrameSummaryTests {
    static let captures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Captures")

    @Test func fillsTwoCacheLinesWithTheFlowAndTimeInTheFirst() {
        #expect(MemoryLayout<FrameSummary>.size <= 128)
        #expect(MemoryLayout<FrameSummary>.stride == 128)
        #expect(MemoryLayout<FrameSummary>.offset(of: \FrameSummary.timestamp)! + 8 <= 64)
        #expect(MemoryLayout<FrameSummary>.offset(of: \FrameSummary.flowHash)! + 8 <= 64)
    }

    @Test(arguments: ["erspan-mirror", "vmotion-hsrp-hairpin", "glbp-split", "vrrp-qemu", "hyperv-decoys", "kvm-flip-flop"])
    func holdsWhatThePacketAndRecordHold(_ name: String) throws {
        let reader = try CaptureReader(paths: [Self.captures.appendingPathComponent("\(name).pcapng").path])
        let decoder = Decoder()
        var packet = DecodedPacket(linkType: .ethernet, capturedLength: 0)
        var summary = FrameSummary()
        var frames = 0, unusual = 0, flows = 0, tagged = 0, mirrored = 0
        while let record = try reader.next() {
            decoder.decode(record.bytes, linkType: record.linkType, into: &packet)
            withUnsafePointer(to: packet) { pointer in
                let view = PacketView(pointer)
                summary.fill(record, view, digests: true)
                let frame = "\(name) frame \(frames + 1)"
                #expect(summary.timestamp == record.timestamp && summary.hasTimestamp == record.hasTimestamp, "\(frame)")
                #expect(Int(summary.originalLength) == record.originalLength && Int(summary.capturedLength) == record.bytes.count, "\(frame)")
                #expect(Int(summary.interface) == record.interface, "\(frame)")
                #expect(summary.sourceMAC == view.sourceMAC && summary.destinationMAC == view.destinationMAC, "\(frame)")
                #expect(summary.sourceIP(pointer) == view.sourceIP, "\(frame)")
                #expect(summary.direction == record.direction && summary.isEgressMirror == (view.erspan?.egress == true), "\(frame)")
                if let source = view.sourceMAC {
                    let digest = MirrorCopies.digest(record.bytes, from: view.networkOffset ?? view.innerFrameOffset, source: source)
                    #expect(summary.mirrorDigest == digest, "\(frame)")
                }
                #expect(summary.tcpFlags == view.tcpFlags, "\(frame)")
                #expect(summary.payloadLength == view.payloadLength, "\(frame)")
                let expectedFlow = FlowKey.of(view)
                #expect(summary.flow?.key == expectedFlow?.key && summary.flow?.fromLow == expectedFlow?.fromLow, "\(frame)")
                if let key = expectedFlow?.key { #expect(summary.flowHash == key.mixedHash, "\(frame)") }
                let segment = view.vni.map { MobilityTracker.vniFlag | Int($0) } ?? view.vlans.innermostId.map(Int.init)
                #expect(summary.segment == segment, "\(frame)")
                #expect(summary.erspanSession == view.erspan?.sessionID, "\(frame)")
                if view.erspan != nil {
                    mirrored += 1
                    #expect(summary.mirroredFrameStart(pointer) == view.innerFrameOffset, "\(frame)")
                }
                #expect(withUnsafePointer(to: summary) { MobilityTracker.place(of: $0, decoded: pointer) } == MobilityTracker.place(of: view, interface: record.interface),
                        "\(frame)")
                let isUnusual = view.arp != nil || view.neighborDiscovery != nil || view.fhrp != nil || view.stop != nil
                    || view.cookedInterfaceIndex != nil
                #expect(summary.isUnusual == isUnusual, "\(frame)")
                if isUnusual { unusual += 1 }
                if expectedFlow != nil { flows += 1 }
                if segment != nil { tagged += 1 }
            }
            frames += 1
        }
        // The scenarios hold both kinds of frame: common flows and the unusual ones.
        #expect(frames > 100)
        #expect(flows > 0 && unusual > 0 && unusual < frames, "\(name): \(unusual) unusual of \(frames)")
        if name == "erspan-mirror" {
            #expect(mirrored == frames, "every frame of the scenario came through ERSPAN")
            #expect(tagged > 0, "the mirrored frames carry VLAN tags")
        }
    }

    /// Every field a tracker reads of a summary, for comparison.
    static func fields(_ summary: FrameSummary) -> String {
        "\(String(describing: summary.flow)) \(summary.flowHash) \(summary.timestamp) \(summary.hasTimestamp) \(summary.originalLength) "
            + "\(summary.capturedLength) \(summary.interface) \(String(describing: summary.sourceMAC)) "
            + "\(String(describing: summary.destinationMAC)) \(summary.mirrorDigest) \(String(describing: summary.tcpFlags)) "
            + "\(String(describing: summary.payloadLength)) \(String(describing: summary.segment)) \(summary.isUnusual) "
            + "\(String(describing: summary.erspanSession)) \(summary.isEgressMirror) \(summary.direction) \(summary.opensWithQEMUMagic)"
    }

    /// A common TCP frame summed up from its headers alone (`CommonTCPFrame`) gives the summary of
    /// its decoded packet, on every frame of the shipped scenarios and of the real captures in
    /// ../shared/captures/real/mixed (when present); the other frames are not taken for one.
    @Test func commonFramesSumUpAsTheirDecodedPackets() throws {
        var paths = try FileManager.default.contentsOfDirectory(atPath: Self.captures.path).filter { $0.hasSuffix(".pcapng") }.sorted()
            .map { Self.captures.appendingPathComponent($0).path }
        let mixed = Self.captures.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/captures/real/mixed")
        if let real = try? FileManager.default.contentsOfDirectory(atPath: mixed.path) {
            paths += real.filter { $0.contains(".pcap") }.sorted().map { mixed.appendingPathComponent($0).path }
        } else {
            print("FrameSummaryTests: ../shared/captures/real/mixed is absent; the shipped scenarios alone are compared")
        }
        let decoder = Decoder()
        var packet = DecodedPacket(linkType: .ethernet, capturedLength: 0)
        var common = 0, others = 0
        for path in paths {
            guard let reader = try? CaptureReader(paths: [path]) else { continue }
            var frame = 0
            while let record = try? reader.next() {
                frame += 1
                decoder.decode(record.bytes, linkType: record.linkType, into: &packet)
                var decoded = FrameSummary()
                withUnsafePointer(to: packet) { decoded.fill(record, PacketView($0), digests: true) }
                guard let headers = CommonTCPFrame(record.bytes, linkType: record.linkType) else {
                    others += 1
                    continue
                }
                var direct = FrameSummary()
                direct.fill(record, common: headers, digests: true)
                #expect(Self.fields(direct) == Self.fields(decoded), "\(path) frame \(frame)")
                // What the path tracker reads: from the summary alone, as from the packet.
                #expect(direct.hasPathFields && !decoded.hasPathFields)
                let fromSummary = withUnsafePointer(to: direct) { Self.pathFields(SummaryPathFields(summary: $0)) }
                let fromPacket = withUnsafePointer(to: packet) { Self.pathFields(PacketView($0)) }
                #expect(fromSummary == fromPacket, "\(path) frame \(frame)")
                common += 1
            }
        }
        #expect(common > 10_000 && others > 1_000, "\(common) common frames, \(others) others")
    }

    static func pathFields<Fields: PathFieldSource>(_ fields: Fields) -> String {
        "\(String(describing: fields.sourceIP)) \(String(describing: fields.destinationIP)) \(String(describing: fields.ipProtocol)) "
            + "\(String(describing: fields.sourcePort)) \(String(describing: fields.destinationPort)) \(String(describing: fields.ttl)) "
            + "\(String(describing: fields.ipIdentification)) \(String(describing: fields.tcpSequence))"
    }
}
