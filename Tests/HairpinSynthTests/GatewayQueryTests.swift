import Foundation
import Testing
import HairpinAnalysis
import HairpinCapture
import HairpinSynth
import HairpinWire

/// The forwarder query follows GLBP forwarder ownership over time: when the owner of a virtual
/// forwarder falls silent and another member takes the forwarder over, the answer changes at
/// that moment, not for the whole capture.
struct GatewayQueryTests {
    let avg = MACAddress("00:1b:54:a1:00:01")!
    let secondary = MACAddress("00:1b:54:b1:00:01")!
    let second = 1_000_000_000 as Int64

    func frame(_ payload: [UInt8], source: IPv4Address, mac: MACAddress) -> [UInt8] {
        let udp = TransportSegment.udp(source: .v4(source), destination: .v4(GLBPMessage.group), sourcePort: 3222, destinationPort: 3222, payload: payload)
        let ip = IPPacket.packet(source: .v4(source), destination: .v4(GLBPMessage.group), protocol: 17, ttl: 255, payload: udp)
        return EthernetFrame.frame(destination: MACAddress("01:00:5e:00:00:66")!, source: mac, vlans: [100], etherType: 0x0800, payload: ip)
    }

    func hello(_ state: GLBPMessage.GatewayState, owner: MACAddress, priority: UInt8, forwarders: [UInt8]) -> [UInt8] {
        GLBPMessage.hello(group: 1, owner: owner, state: state, priority: priority, virtualIP: IPv4Address("10.100.0.1")!,
                          forwarders: forwarders.map { .init(number: $0, state: .active, priority: 120, weight: 100,
                                                                virtualMAC: VirtualMAC.glbp(group: 1, forwarder: Int($0))) })
    }

    @Test func forwarderOwnershipIsAnsweredAtTheTimeAsked() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hairpin-glbp-\(UUID().uuidString).pcap").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let start = 1_767_261_600 * second
        do {
            let writer = try PcapWriter(path: path)
            // 0-9 s: .2 is AVG and forwarder 1, .4 standby and forwarder 2; then .4 falls
            // silent and from 20 s .2 forwards for both.
            for tick in 0..<10 {
                let time = start + Int64(tick) * second
                let first = frame(hello(.active, owner: avg, priority: 120, forwarders: [1]), source: IPv4Address("10.100.0.2")!, mac: avg)
                let other = frame(hello(.standby, owner: secondary, priority: 100, forwarders: [2]), source: IPv4Address("10.100.0.4")!, mac: secondary)
                try first.withUnsafeBytes { try writer.write(timestamp: time, frame: $0) }
                try other.withUnsafeBytes { try writer.write(timestamp: time + 1_000_000, frame: $0) }
            }
            for tick in 20..<25 {
                let both = frame(hello(.active, owner: avg, priority: 120, forwarders: [1, 2]), source: IPv4Address("10.100.0.2")!, mac: avg)
                try both.withUnsafeBytes { try writer.write(timestamp: start + Int64(tick) * second, frame: $0) }
            }
            try writer.flush()
        }
        let reader = try CaptureReader(paths: [path])
        let analysis = Analysis()
        while let record = try reader.next() { analysis.consume(record) }
        let forwarder2 = VirtualMAC.glbp(group: 1, forwarder: 2)
        #expect(analysis.gatewayForwarder(of: forwarder2, at: start + 5 * second)?.ip == IPAddress("10.100.0.4"))
        #expect(analysis.gatewayForwarder(of: forwarder2, at: start + 5 * second)?.mac == secondary)
        #expect(analysis.gatewayForwarder(of: forwarder2, at: start + 22 * second)?.ip == IPAddress("10.100.0.2"))
        // Before the first message, the first owner; forwarder 1 never moved.
        #expect(analysis.gatewayForwarder(of: forwarder2, at: start - second)?.ip == IPAddress("10.100.0.4"))
        #expect(analysis.gatewayForwarder(of: VirtualMAC.glbp(group: 1, forwarder: 1), at: start + 22 * second)?.ip == IPAddress("10.100.0.2"))
        // The virtual IP is answered by the AVG; an unknown one by nobody.
        #expect(analysis.gatewayForwarder(ofVirtualIP: IPAddress("10.100.0.1")!, at: start + 5 * second)?.ip == IPAddress("10.100.0.2"))
        #expect(analysis.gatewayForwarder(ofVirtualIP: IPAddress("10.100.0.9")!, at: start + 5 * second) == nil)
        let report = analysis.report(interfaces: reader.interfaces.all, anomalies: reader.anomalies)
        #expect(report.gateways.first?.forwarders.map(\.ownerIP) == ["10.100.0.2", "10.100.0.2"])
        #expect(report.gateways.first?.members.first { $0.ip == "10.100.0.2" }?.interfaces == [0])
    }
}
