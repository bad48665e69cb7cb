import Foundation
import Testing
@testable import HairpinAnalysis
import HairpinCapture
import HairpinTestSupport
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
            + "\(String(describing: summary.erspanSession)) \(summary.erspanSession != nil ? summary.mirroredFrameOffset : 0) "
            + "\(summary.isEgressMirror) \(summary.direction) \(summary.opensWithQEMUMagic)"
    }

    /// A common TCP frame, plain or mirrored by ERSPAN, summed up from its headers alone
    /// (`CommonTCPFrame`, `MirroredTCPFrame`) gives the summary of its decoded packet, on every
    /// frame of the shipped scenarios and of the real captures in ../shared/captures/real/mixed
    /// and encap (when present); the other frames are not taken for one.
    @Test func commonFramesSumUpAsTheirDecodedPackets() throws {
        var paths = try FileManager.default.contentsOfDirectory(atPath: Self.captures.path).filter { $0.hasSuffix(".pcapng") }.sorted()
            .map { Self.captures.appendingPathComponent($0).path }
        let real = Self.captures.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/captures/real")
        for folder in ["mixed", "encap"] {
            let directory = real.appendingPathComponent(folder)
            if let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) {
                paths += names.filter { $0.contains(".pcap") && !$0.hasSuffix(".txt") }.sorted().map { directory.appendingPathComponent($0).path }
            } else {
                print("FrameSummaryTests: ../shared/captures/real/\(folder) is absent; its captures are not compared")
            }
        }
        var common = 0, mirrored = 0, overlay = 0, others = 0
        for path in paths {
            guard let reader = try? CaptureReader(paths: [path]) else { continue }
            var frame = 0
            while let record = try? reader.next() {
                frame += 1
                switch Self.compareDirectAndDecoded(record, "\(path) frame \(frame)") {
                case .common: common += 1
                case .mirrored: mirrored += 1
                case .overlay: overlay += 1
                case nil: others += 1
                }
            }
        }
        #expect(common > 10_000 && others > 1_000, "\(common) common frames, \(others) others")
        #expect(mirrored > 5_000, "the ERSPAN scenario mirrors mostly TCP: \(mirrored) mirrored common frames")
        #expect(overlay > 5_000, "the overlay scenario carries TCP in VXLAN: \(overlay) common frames in an overlay")
    }

    enum DirectKind { case common, mirrored, overlay }

    /// Sums `record` up from its decoded packet and, when it is a common frame, plain or mirrored,
    /// from its headers alone, and expects the same summary and path fields from both.
    @discardableResult
    static func compareDirectAndDecoded(_ record: Record, _ label: String) -> DirectKind? {
        // The general walk's packet, whatever the straight passes make of the frame.
        var walking = Decoder()
        walking.takesCommonFramesDirectly = false
        var packet = walking.decode(record.bytes, linkType: record.linkType)
        var decoded = FrameSummary()
        withUnsafePointer(to: &packet) { decoded.fill(record, PacketView($0), digests: true) }
        var direct = FrameSummary()
        let kind: DirectKind
        if let headers = CommonTCPFrame(record.bytes, linkType: record.linkType) {
            direct.fill(record, common: headers, digests: true)
            kind = .common
        } else if let headers = Decoder().mirroredTCPFrame(record.bytes, linkType: record.linkType) {
            direct.fill(record, mirrored: headers, digests: true)
            kind = .mirrored
        } else if let headers = Decoder().overlayTCPFrame(record.bytes, linkType: record.linkType) {
            direct.fill(record, overlay: headers, digests: true)
            kind = .overlay
        } else {
            return nil
        }
        #expect(Self.fields(direct) == Self.fields(decoded), "\(label)")
        // What the path tracker reads: from the summary alone, as from the packet.
        #expect(direct.hasPathFields && !decoded.hasPathFields && !direct.isUnusual, "\(label)")
        let fromSummary = withUnsafePointer(to: direct) { Self.pathFields(SummaryPathFields(summary: $0)) }
        let fromPacket = withUnsafePointer(to: packet) { Self.pathFields(PacketView($0)) }
        #expect(fromSummary == fromPacket, "\(label)")
        return kind
    }

    /// Mirrored frames at the edges of what the straight pass takes, each summed up and decoded
    /// alike both ways: ERSPAN type II and III (with the platform sub-header, egress), GRE with checksum and
    /// key, the outer frame tagged or not; and declined: type I, type III carrying IP, a GRE or
    /// ERSPAN version or flag the pass does not read, outer IP options or a fragment, every cut.
    @Test func mirroredFramesAtTheEdgesSumUpAsDecoded() {
        var variants: [(name: String, bytes: [UInt8], taken: Bool)] = []
        func add(_ name: String, _ bytes: [UInt8], taken: Bool) { variants.append((name, bytes, taken)) }
        let typeII = Self.mirroredFrame(greFlags: 0x1000, greProtocol: 0x88BE, erspan: [0x10, 0x64, 0x00, 0x2A, 0, 0, 0, 7])
        let typeIII = Self.mirroredFrame(greFlags: 0x1000, greProtocol: 0x22EB,
                                         erspan: [0x20, 0x64, 0x00, 0x2B, 1, 2, 3, 4, 0, 0, 0, 0x08])
        let platform = Self.mirroredFrame(greFlags: 0x1000, greProtocol: 0x22EB,
                                          erspan: [0x20, 0x64, 0x00, 0x2C, 1, 2, 3, 4, 0, 0, 0, 0x01, 0x04, 0, 0, 0, 0, 0, 0, 5])
        add("type II", typeII, taken: true)
        add("type III egress", typeIII, taken: true)
        add("type III with its platform sub-header", platform, taken: true)
        add("GRE checksum and key", Self.mirroredFrame(greFlags: 0xB000, greProtocol: 0x88BE, erspan: [0x10, 0x64, 0x00, 0x2A, 0, 0, 0, 7]),
            taken: true)
        add("outer frame untagged", Self.mirroredFrame(greFlags: 0x1000, greProtocol: 0x88BE, erspan: [0x10, 0x64, 0x00, 0x2A, 0, 0, 0, 7],
                                                       outerTag: false), taken: true)
        var zeroTotal = typeII; zeroTotal[Self.outerIPAt + 2] = 0; zeroTotal[Self.outerIPAt + 3] = 0
        add("outer total length 0", zeroTotal, taken: true)
        add("type I", Self.mirroredFrame(greFlags: 0, greProtocol: 0x88BE, erspan: []), taken: false)
        add("type II header unsequenced", Self.mirroredFrame(greFlags: 0, greProtocol: 0x88BE, erspan: [0x10, 0x64, 0x00, 0x2A, 0, 0, 0, 7]),
            taken: false)
        var wrongVersion = typeII; wrongVersion[Self.erspanAt] = 0x30; add("type II version 3", wrongVersion, taken: false)
        var ipFrame = typeIII; ipFrame[Self.erspanAt + 10] = 0x08; add("type III frame type 2", ipFrame, taken: false)
        var greVersion = typeII; greVersion[Self.greAt + 1] = 0x01; add("GRE version 1", greVersion, taken: false)
        var routing = typeII; routing[Self.greAt] = 0x50; add("GRE routing", routing, taken: false)
        var options = typeII; options[Self.outerIPAt] = 0x46; add("outer IP options", options, taken: false)
        var fragment = typeII; fragment[Self.outerIPAt + 6] = 0x20; add("outer fragment", fragment, taken: false)
        var shortTotal = typeII; shortTotal[Self.outerIPAt + 2] = 0; shortTotal[Self.outerIPAt + 3] = 12; add("outer total length 12", shortTotal, taken: false)
        var notGRE = typeII; notGRE[Self.outerIPAt + 9] = 17; add("outer UDP", notGRE, taken: false)
        var innerOptions = typeII; innerOptions[Self.erspanAt + 8 + 18] = 0x46; add("mirrored IP options", innerOptions, taken: false)
        // Cut short: the payload's 6 bytes may go, not a byte of the mirrored TCP header.
        for cut in 1...typeII.count { add("type II cut by \(cut)", Array(typeII.dropLast(cut)), taken: cut <= 6) }
        for cut in 1...platform.count { add("platform cut by \(cut)", Array(platform.dropLast(cut)), taken: cut <= 6) }
        Self.expectEdges(variants, taken: .mirrored) { #expect($0.erspan != nil, "\($1)") }
        #expect(variants.filter(\.taken).count == 18)
    }

    /// Each variant summed up and decoded alike by the straight passes and the general walk,
    /// taken by the straight pass of `kind` when it says so; `check` sees each taken one decoded.
    static func expectEdges(_ variants: [(name: String, bytes: [UInt8], taken: Bool)], taken kind: DirectKind,
                            check: (DecodedPacket, String) -> Void) {
        var walking = Decoder()
        walking.takesCommonFramesDirectly = false
        for variant in variants {
            variant.bytes.withUnsafeBytes { raw in
                let record = Record(interface: 0, linkType: .ethernet, timestamp: 1_000, originalLength: variant.bytes.count, bytes: raw,
                                    direction: .unknown, flags: 0, fileIndex: 0, fileOffset: 0, hasTimestamp: true)
                #expect((Self.compareDirectAndDecoded(record, variant.name) == kind) == variant.taken, "\(variant.name)")
                let packet = Decoder().decode(raw, linkType: .ethernet)
                #expect(packet.everyField == walking.decode(raw, linkType: .ethernet).everyField, "\(variant.name)")
                if variant.taken { check(packet, variant.name) }
            }
        }
    }

    /// Frames in a VXLAN or Geneve overlay at the edges of what the straight pass takes, each
    /// summed up and decoded alike both ways: to or from port 4789 or 6081, the outer frame tagged
    /// or not, an outer total length of 0, Geneve options; and declined: another port (8472 may be
    /// OTV, 4790 is VXLAN-GPE, either beside 6081), Geneve of another version or carrying IP, outer
    /// IP options or a fragment, a short total length, the tenant's frame not a common TCP one,
    /// every cut.
    @Test func overlayFramesAtTheEdgesSumUpAsDecoded() {
        var variants: [(name: String, bytes: [UInt8], taken: Bool)] = []
        func add(_ name: String, _ bytes: [UInt8], taken: Bool) { variants.append((name, bytes, taken)) }
        let tagged = Self.overlayFrame()
        add("VXLAN to 4789", tagged, taken: true)
        add("VXLAN from 4789", Self.overlayFrame(sourcePort: 4789, destinationPort: 51_000), taken: true)
        add("outer frame untagged", Self.overlayFrame(outerTag: false), taken: true)
        var zeroTotal = tagged; zeroTotal[Self.outerIPAt + 2] = 0; zeroTotal[Self.outerIPAt + 3] = 0
        add("outer total length 0", zeroTotal, taken: true)
        var flagless = tagged; flagless[Self.vxlanAt] = 0; add("VXLAN without its I flag", flagless, taken: true)
        add("Linux port 8472", Self.overlayFrame(destinationPort: 8472), taken: false)
        add("VXLAN-GPE", Self.overlayFrame(destinationPort: 4790), taken: false)
        add("Geneve", Self.overlayFrame(destinationPort: 6081), taken: false)
        var options = tagged; options[Self.outerIPAt] = 0x46; add("outer IP options", options, taken: false)
        var fragment = tagged; fragment[Self.outerIPAt + 6] = 0x20; add("outer fragment", fragment, taken: false)
        var shortTotal = tagged; shortTotal[Self.outerIPAt + 2] = 0; shortTotal[Self.outerIPAt + 3] = 12; add("outer total length 12", shortTotal, taken: false)
        var notUDP = tagged; notUDP[Self.outerIPAt + 9] = 47; add("outer GRE", notUDP, taken: false)
        var innerOptions = tagged; innerOptions[Self.vxlanAt + 8 + 14] = 0x46; add("tenant IP options", innerOptions, taken: false)
        var innerUDP = tagged; innerUDP[Self.vxlanAt + 8 + 14 + 9] = 17; add("tenant UDP", innerUDP, taken: false)
        let option: [UInt8] = [0x01, 0x04, 0x01, 0x01, 0, 0, 0, 1]
        let geneve = Self.overlayFrame(destinationPort: 6081, geneveOptions: option)
        add("Geneve with an option", geneve, taken: true)
        add("Geneve without options, untagged", Self.overlayFrame(destinationPort: 6081, outerTag: false, geneveOptions: []), taken: true)
        add("Geneve from 6081", Self.overlayFrame(sourcePort: 6081, destinationPort: 52_000, geneveOptions: []), taken: true)
        add("Geneve from 8472", Self.overlayFrame(sourcePort: 8472, destinationPort: 6081, geneveOptions: []), taken: false)
        add("Geneve to 4790", Self.overlayFrame(sourcePort: 6081, destinationPort: 4790, geneveOptions: []), taken: false)
        var version1 = geneve; version1[Self.vxlanAt] |= 0x40; add("Geneve version 1", version1, taken: false)
        var carriesIP = geneve; carriesIP[Self.vxlanAt + 2] = 0x08; carriesIP[Self.vxlanAt + 3] = 0x00; add("Geneve carrying IP", carriesIP, taken: false)
        var longOptions = geneve; longOptions[Self.vxlanAt] = 0x03; add("Geneve options longer than said", longOptions, taken: false)
        for cut in 1...geneve.count { add("Geneve cut by \(cut)", Array(geneve.dropLast(cut)), taken: cut <= 6) }
        // Cut short: the payload's 6 bytes may go, not a byte of the tenant's TCP header.
        for cut in 1...tagged.count { add("cut by \(cut)", Array(tagged.dropLast(cut)), taken: cut <= 6) }
        Self.expectEdges(variants, taken: .overlay) { packet, name in
            #expect(packet.vni == 5001 && packet.tunnel?.kind == (name.hasPrefix("Geneve") ? .geneve : .vxlan), "\(name)")
        }
        #expect(variants.filter(\.taken).count == 20)
    }

    /// Where VXLAN starts in a tagged `overlayFrame`.
    static let vxlanAt = 46

    /// Ethernet (tagged 200 unless not `outerTag`), IPv4 to UDP between the ports given, VXLAN
    /// (I flag, VNI 5001) or, with `geneveOptions`, Geneve (VNI 5001, Ethernet inside) with those
    /// options, then the tenant's frame: untagged Ethernet, IPv4, TCP from port 50000 to 443 with
    /// 6 bytes of payload.
    static func overlayFrame(sourcePort: UInt16 = 52_000, destinationPort: UInt16 = 4789, outerTag: Bool = true,
                             geneveOptions: [UInt8]? = nil) -> [UInt8] {
        var inner: [UInt8] = [0, 0x50, 0x56, 0xF0, 0, 2, 0, 0x50, 0x56, 0xF0, 0, 1, 0x08, 0x00]
        inner += [0x45, 0, 0, 46, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0, 172, 16, 0, 1, 172, 16, 0, 2]
        inner += [0xC3, 0x50, 0x01, 0xBB, 0, 0, 0, 1, 0, 0, 0, 2, 0x50, 0x18, 0xFF, 0xFF, 0, 0, 0, 0]
        inner += [1, 2, 3, 4, 5, 6]
        var vxlan: [UInt8] = [0x08, 0, 0, 0, 0x00, 0x13, 0x89, 0]
        if let options = geneveOptions { vxlan = [UInt8(options.count / 4), 0, 0x65, 0x58, 0x00, 0x13, 0x89, 0] + options }
        let udpLength = 8 + vxlan.count + inner.count
        let udp: [UInt8] = [UInt8(sourcePort >> 8), UInt8(sourcePort & 0xFF), UInt8(destinationPort >> 8), UInt8(destinationPort & 0xFF),
                            UInt8(udpLength >> 8), UInt8(udpLength & 0xFF), 0, 0]
        let ipLength = 20 + udpLength
        var outer: [UInt8] = [0, 0x50, 0x56, 0x6B, 0, 2, 0, 0x50, 0x56, 0x6A, 0, 2]
        outer += outerTag ? [0x81, 0x00, 0x00, 0xC8, 0x08, 0x00] : [0x08, 0x00]
        outer += [0x45, 0, UInt8(ipLength >> 8), UInt8(ipLength & 0xFF), 0, 1, 0x40, 0, 64, 17, 0, 0, 10, 200, 0, 12, 10, 200, 0, 22]
        return outer + udp + vxlan + inner
    }

    /// Where the outer IPv4 header, GRE and (GRE sequenced, tagged) ERSPAN start in `mirroredFrame`.
    static let outerIPAt = 18, greAt = 38, erspanAt = 46

    /// Ethernet (tagged 100 unless not `outerTag`), IPv4 to GRE with `greFlags` (its optional
    /// words zero), `greProtocol`, the ERSPAN header `erspan`, then the mirrored frame: Ethernet
    /// tagged 200, IPv4, TCP from port 40000 to 8000 with 6 bytes of payload.
    static func mirroredFrame(greFlags: UInt16, greProtocol: UInt16, erspan: [UInt8], outerTag: Bool = true) -> [UInt8] {
        var inner: [UInt8] = [2, 0, 0, 0, 0, 0xA, 2, 0, 0, 0, 0, 0xB, 0x81, 0x00, 0x00, 0xC8, 0x08, 0x00]
        inner += [0x45, 0, 0, 46, 0x12, 0x34, 0x40, 0, 63, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]
        inner += [0x9C, 0x40, 0x1F, 0x40, 0, 0, 0, 1, 0, 0, 0, 2, 0x50, 0x18, 0xFF, 0xFF, 0, 0, 0, 0]
        inner += [0x51, 0x45, 0x56, 0x4D, 0, 1]
        let optionalWords = [0x8000, 0x2000, 0x1000].filter { greFlags & UInt16($0) != 0 }.count
        var gre: [UInt8] = [UInt8(greFlags >> 8), UInt8(greFlags & 0xFF), UInt8(greProtocol >> 8), UInt8(greProtocol & 0xFF)]
        gre += [UInt8](repeating: 0, count: 4 * optionalWords)
        let ipLength = 20 + gre.count + erspan.count + inner.count
        var outer: [UInt8] = [0, 0, 0x0C, 0, 0, 1, 0, 0, 0x0C, 0, 0, 2]
        outer += outerTag ? [0x81, 0x00, 0x00, 0x64, 0x08, 0x00] : [0x08, 0x00]
        outer += [0x45, 0, UInt8(ipLength >> 8), UInt8(ipLength & 0xFF), 0, 1, 0x40, 0, 64, 47, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2]
        return outer + gre + erspan + inner
    }

    static func pathFields<Fields: PathFieldSource>(_ fields: Fields) -> String {
        "\(String(describing: fields.sourceIP)) \(String(describing: fields.destinationIP)) \(String(describing: fields.ipProtocol)) "
            + "\(String(describing: fields.sourcePort)) \(String(describing: fields.destinationPort)) \(String(describing: fields.ttl)) "
            + "\(String(describing: fields.ipIdentification)) \(String(describing: fields.tcpSequence))"
    }
}
