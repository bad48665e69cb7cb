import Foundation
import Testing
import HairpinAnalysis
import HairpinCapture
import HairpinSynth
import HairpinWire

/// Frames billed to their ERSPAN session or VLAN: one uplink per interface and session or VLAN,
/// the same session or VLAN on two interfaces two uplinks, whichever order the frames come in
/// (`Analysis.keyedUplink` keeps each found uplink in a table by interface and id).
struct UplinkGroupingTests {
    let start = 1_767_261_600 * 1_000_000_000 as Int64

    func frame(_ sequence: Int, vlans: [UInt16]) -> [UInt8] {
        let tcp = TransportSegment.tcp(source: IPAddress("10.100.0.70")!, destination: IPAddress("198.51.100.20")!, sourcePort: 33000,
                                       destinationPort: 443, sequence: UInt32(sequence), acknowledgment: 1, flags: 0x10, window: 512)
        let ip = IPPacket.packet(source: IPAddress("10.100.0.70")!, destination: IPAddress("198.51.100.20")!, protocol: 6, ttl: 64,
                                 payload: tcp)
        return EthernetFrame.frame(destination: MACAddress("00:00:0c:07:ac:0a")!, source: MACAddress("00:50:56:aa:bb:07")!,
                                   vlans: vlans, etherType: 0x0800, payload: ip)
    }

    func session(_ id: UInt16) -> ERSPANEncapsulation.Session {
        ERSPANEncapsulation.Session(id: id, sourceMAC: MACAddress("00:de:ad:00:00:01")!, destinationMAC: MACAddress("00:de:ad:00:00:ff")!,
                                    sourceIP: IPv4Address("192.0.2.1")!, destinationIP: IPv4Address("192.0.2.100")!, index: 5, typeIII: false)
    }

    /// (interface, kind, session or VLAN, packets) of each uplink, in the report's order.
    func uplinks(_ report: Report) -> [String] {
        report.uplinks.map { "\($0.interface) \($0.kind) \($0.session ?? $0.vlan ?? -1) \($0.packets)" }.sorted()
    }

    /// Two capture points whose frames alternate, one frame each in turn, across several bins:
    /// each interface and each uplink has its own packets and bytes, bin by bin.
    @Test func interleavedInterfacesCountApartPerBin() throws {
        var frames: [(Int, Int64, [UInt8], Direction)] = []
        // 60 frames 10 ms apart: six bins of 100 ms, five frames of each interface in each.
        for index in 0..<60 {
            frames.append((index % 2, Int64(index) * 10_000_000, frame(index, vlans: index % 2 == 0 ? [] : [100]), .unknown))
        }
        var options = Analysis.Options()
        options.bin = 100_000_000
        for threads in [1, 2] {
            let report = try HandBuiltCapture.analyse(frames, interfaces: ["point-a", "point-b"], start: start, options: options, threads: threads)
            let length = [frames[0].2.count, frames[1].2.count]
            #expect(report.capture.interfaces.map { [$0.packets, $0.bytes] } == [[30, 30 * length[0]], [30, 30 * length[1]]], "\(threads) threads")
            #expect(report.uplinks.map(\.interface) == [0, 1])
            for uplink in report.uplinks {
                #expect(uplink.packets == 30 && uplink.bytes == 30 * length[uplink.interface], "\(threads) threads")
                #expect(uplink.series.map(\.pps) == Array(repeating: 50, count: 6), "\(threads) threads")
                #expect(uplink.series.map(\.bps) == Array(repeating: Double(5 * length[uplink.interface] * 8) * 10, count: 6),
                        "\(threads) threads")
            }
        }
    }

    @Test func erspanSessionsAndVLANsAreUplinksPerInterface() throws {
        // Interface 0: sessions 7 and 1023 taking turns, and plain frames; interface 1: session 7.
        // VLANs: 100 and 4094 on interface 0, 100 on interface 1, untagged frames (VLAN 0).
        var mirrored: [(Int, Int64, [UInt8], Direction)] = []
        var tagged: [(Int, Int64, [UInt8], Direction)] = []
        for index in 0..<120 {
            let time = Int64(index) * 10_000_000
            let inner = frame(index, vlans: [100])
            switch index % 4 {
            case 0: mirrored.append((0, time, ERSPANEncapsulation.wrap(inner, session: session(7), sequence: UInt32(index), egress: false), .unknown))
            case 1: mirrored.append((0, time, ERSPANEncapsulation.wrap(inner, session: session(1023), sequence: UInt32(index), egress: false), .unknown))
            case 2: mirrored.append((1, time, ERSPANEncapsulation.wrap(inner, session: session(7), sequence: UInt32(index), egress: false), .unknown))
            default: mirrored.append((0, time, inner, .unknown))
            }
            let vlans: [UInt16] = [[100], [4094], [], [100]][index % 4]
            tagged.append((index % 4 == 3 ? 1 : 0, time, frame(index, vlans: vlans), .unknown))
        }
        for threads in [1, 2] {
            var byErspan = Analysis.Options()
            byErspan.uplinkBy = .erspan
            let sessions = try HandBuiltCapture.analyse(mirrored, interfaces: ["collector", "collector-b"], start: start, options: byErspan, threads: threads)
            #expect(uplinks(sessions) == ["0 erspan 1023 30", "0 erspan 7 30", "0 interface -1 30", "1 erspan 7 30"], "\(threads) threads")
            var byVLAN = Analysis.Options()
            byVLAN.uplinkBy = .vlan
            let vlans = try HandBuiltCapture.analyse(tagged, interfaces: ["trunk-a", "trunk-b"], start: start, options: byVLAN, threads: threads)
            #expect(uplinks(vlans) == ["0 vlan 0 30", "0 vlan 100 30", "0 vlan 4094 30", "1 vlan 100 30"], "\(threads) threads")
        }
    }

    /// An interface numbered past those with a fast path (the file decides how many there are)
    /// gets its session and VLAN uplinks all the same, next to one below it.
    @Test func interfacesPastTheFastPathAreGroupedAlike() throws {
        let names = (0..<40).map { "if\($0)" }
        var mirrored: [(Int, Int64, [UInt8], Direction)] = []
        var tagged: [(Int, Int64, [UInt8], Direction)] = []
        for index in 0..<60 {
            let time = Int64(index) * 10_000_000
            let interface = [39, 2, 39][index % 3]
            let id: UInt16 = index % 3 == 2 ? 1023 : 7
            mirrored.append((interface, time, ERSPANEncapsulation.wrap(frame(index, vlans: []), session: session(id), sequence: UInt32(index), egress: false),
                             .unknown))
            tagged.append((interface, time, frame(index, vlans: [index % 3 == 2 ? 4094 : 100]), .unknown))
        }
        for threads in [1, 2] {
            var byErspan = Analysis.Options()
            byErspan.uplinkBy = .erspan
            let sessions = try HandBuiltCapture.analyse(mirrored, interfaces: names, start: start, options: byErspan, threads: threads)
            #expect(uplinks(sessions) == ["2 erspan 7 20", "39 erspan 1023 20", "39 erspan 7 20"], "\(threads) threads")
            var byVLAN = Analysis.Options()
            byVLAN.uplinkBy = .vlan
            let vlans = try HandBuiltCapture.analyse(tagged, interfaces: names, start: start, options: byVLAN, threads: threads)
            #expect(uplinks(vlans) == ["2 vlan 100 20", "39 vlan 100 20", "39 vlan 4094 20"], "\(threads) threads")
        }
    }
}
