import Testing
@testable import HairpinCapture
import HairpinWire

/// The protocol breakdown takes a packet's path from the packet before when they match: on real
/// captures whose paths interleave, the counts are those of every packet's own path counted.
@Suite(.enabled(if: SharedCaptures.available, "../shared/captures/real is absent: real-capture tests skipped"))
struct CaptureStatisticsTests {
    @Test(arguments: ["mixed/many-protocols.pcap", "mixed/wireshark_samples-test.pcapng", "corrupt/arp-oobr.pcap", "encap/erspan.pcap"])
    func protocolCountsAreEachPacketsOwn(_ file: String) throws {
        let path = SharedCaptures.root.appendingPathComponent(file).path
        var statistics = CaptureStatistics()
        var expected: [CaptureStatistics.ProtocolKey: (packets: Int, bytes: Int64)] = [:]
        var switches = 0
        var previous: CaptureStatistics.ProtocolKey?
        let decoder = Decoder()
        let reader = try CaptureReader(paths: [path], options: .init(reorderWindow: 0))
        try reader.forEach { record in
            statistics.add(record)
            let packet = decoder.decode(record.bytes, linkType: record.linkType)
            let key = CaptureStatistics.ProtocolKey(layers: packet.layers, stop: packet.stop?.kind)
            expected[key, default: (0, 0)].packets += 1
            expected[key, default: (0, 0)].bytes += Int64(record.originalLength)
            if previous != nil && previous != key { switches += 1 }
            previous = key
            return true
        }
        // The capture exercises the change of path, not one path throughout.
        #expect(switches > 10, "\(file): \(switches) changes of path")
        let counted = statistics.protocols
        #expect(counted.count == expected.count)
        for (key, value) in expected {
            #expect(counted[key]?.packets == value.packets, "\(file) \(key.path)")
            #expect(counted[key]?.bytes == value.bytes, "\(file) \(key.path)")
        }
    }
}
