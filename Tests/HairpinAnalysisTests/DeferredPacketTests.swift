import Dispatch
import Foundation
import HairpinCapture
import HairpinWire
import Testing
@testable import HairpinAnalysis

/// With one mapped file, the frame ring sums up a common TCP frame without decoding it
/// (`CommonTCPFrame`) and keeps its packet back (`FrameSummary.deferPacket`); every other frame,
/// UDP or ARP here, is decoded into its slot. A kept back packet, decoded again from the frame's
/// bytes, is the packet the decoder gives.
@Suite struct DeferredPacketTests {
    static func ethernet(_ type: UInt16, tagged: Bool = false) -> [UInt8] {
        var frame: [UInt8] = [0x00, 0x50, 0x56, 0x00, 0x00, 0x02, 0x00, 0x50, 0x56, 0x00, 0x00, 0x01]
        if tagged { frame += [0x81, 0x00, 0x00, 0x2A] }
        return frame + [UInt8(type >> 8), UInt8(type & 0xFF)]
    }

    static func ipv4(_ proto: UInt8, payload: Int, index: Int) -> [UInt8] {
        let total = 20 + payload
        return [0x45, 0x00, UInt8(total >> 8), UInt8(total & 0xFF), UInt8(index >> 8), UInt8(index & 0xFF), 0x40, 0x00,
                UInt8(60 + index % 4), proto, 0, 0, 10, 0, 0, UInt8(1 + index % 3), 10, 0, 1, 2]
    }

    /// Frame `index`: TCP (every third one tagged), UDP, or ARP (unusual: its packet is handed on).
    static func frame(_ index: Int) -> [UInt8] {
        switch index % 5 {
        case 3:
            let udp: [UInt8] = [0x13, 0x88, 0x27, 0x10, 0, 12, 0, 0, 1, 2, 3, 4]
            return ethernet(0x0800) + ipv4(17, payload: udp.count, index: index) + udp
        case 4:
            return ethernet(0x0806) + [0, 1, 8, 0, 6, 4, 0, 1, 0x00, 0x50, 0x56, 0x00, 0x00, 0x01, 10, 0, 0, 1,
                                       0, 0, 0, 0, 0, 0, 10, 0, 0, UInt8(index & 0xFF)]
        default:
            let tcp: [UInt8] = [0x9C, 0x40, 0x1F, 0x40, 0, 0, UInt8(index >> 8), UInt8(index & 0xFF), 0, 0, 0, 7, 0x50, 0x18, 0xFF, 0xFF, 0, 0, 0, 0,
                                0xAB, 0xCD]
            return ethernet(0x0800, tagged: index % 3 == 0) + ipv4(6, payload: tcp.count, index: index) + tcp
        }
    }

    /// The fields the trackers read of a packet, for comparison.
    static func fields(_ packet: PacketView) -> String {
        "\(String(describing: packet.sourceMAC)) \(String(describing: packet.destinationMAC)) \(packet.vlans.innermostId ?? 0) "
            + "\(String(describing: packet.sourceIP)) \(String(describing: packet.destinationIP)) \(packet.ipProtocol ?? 0) "
            + "\(packet.ttl ?? 0) \(packet.ipIdentification ?? 0) \(packet.sourcePort ?? 0) \(packet.destinationPort ?? 0) "
            + "\(packet.tcpSequence ?? 0) \(packet.tcpFlags ?? 0) \(packet.payloadLength ?? -1) \(packet.arp != nil)"
    }

    @Test func commonFramesKeepTheirPacketBackAndDecodeToTheSame() throws {
        // More than a lap of the ring, so every slot is reused.
        let count = FrameRing.batchSize * FrameRing.batchCount + 777
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hairpin-deferred-\(UUID().uuidString).pcap").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try PcapWriter(path: path)
        for index in 0..<count { try writer.write(timestamp: 1_700_000_000_000_000_000 + Int64(index) * 1_000, frame: Self.frame(index)) }
        try writer.flush()

        let decoder = Decoder()
        let expected = (0..<count).map { index in
            Self.frame(index).withUnsafeBytes { bytes in
                withUnsafePointer(to: decoder.decode(bytes, linkType: .ethernet)) { Self.fields(PacketView($0)) }
            }
        }
        let reader = try CaptureReader(paths: [path], options: .init())
        #expect(reader.singleMapping != nil)
        let ring = FrameRing(readers: 1, digests: true, packetsRarelyRead: true, mapping: reader.singleMapping, input: reader)
        let writing = DispatchGroup()
        let box = WriterBox(ring: ring, reader: reader, decoder: decoder)
        DispatchQueue.global().async(group: writing) { box.run() }
        let checker = Checker(count: count, decoder: decoder, expected: expected)
        try ring.read(as: 0, into: checker)
        writing.wait()
        #expect(checker.index == count)
        // Two frames in five are UDP or ARP; the last three frames are TCP.
        #expect(checker.handedOn == count / 5 * 2)
        #expect(checker.deferred + checker.handedOn == count)
    }

    /// Checks each frame the ring hands on against what the decoder gives for it.
    private final class Checker: RingConsumer {
        let count: Int, decoder: Decoder, expected: [String]
        var index = 0, deferred = 0, handedOn = 0
        var again = DecodedPacket(linkType: .ethernet, capturedLength: 0)
        init(count: Int, decoder: Decoder, expected: [String]) {
            self.count = count
            self.decoder = decoder
            self.expected = expected
        }

        func consume(frame: Int, decoded packet: UnsafePointer<DecodedPacket>, summary: UnsafePointer<FrameSummary>) {
            defer { index += 1 }
            guard index < count else { return }
            let isARP = index % 5 == 4, isTCP = index % 5 < 3
            #expect(summary.pointee.isUnusual == isARP, "frame \(index)")
            #expect(summary.pointee.packetDeferred == isTCP, "frame \(index)")
            if summary.pointee.packetDeferred {
                summary.pointee.decodeDeferredPacket(with: decoder, into: &again)
                #expect(withUnsafePointer(to: again) { DeferredPacketTests.fields(PacketView($0)) } == expected[index], "frame \(index)")
                deferred += 1
            } else {
                #expect(DeferredPacketTests.fields(PacketView(packet)) == expected[index], "frame \(index)")
                handedOn += 1
            }
        }
    }

    private final class WriterBox: @unchecked Sendable {
        let ring: FrameRing, reader: CaptureReader, decoder: Decoder
        init(ring: FrameRing, reader: CaptureReader, decoder: Decoder) {
            self.ring = ring
            self.reader = reader
            self.decoder = decoder
        }
        func run() { ring.write(from: reader, passing: nil, decoder: decoder) }
    }
}
