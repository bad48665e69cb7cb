import Foundation
import Testing
import HairpinAnalysis
import HairpinCapture
import HairpinWire

/// Each moved VM of the shipped scenarios is bound to the virtual MAC its truth names as its
/// gateway (GLBP: the forwarder the AVG handed it), and a router is bound to none.
struct GatewayBindingTests {
    static let captures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Captures")

    @Test(arguments: ["vmotion-hsrp-hairpin", "vmotion-hsrp-asymmetric", "glbp-split", "vrrp-qemu", "fhrp-isolation", "erspan-mirror",
                      "kvm-flip-flop"])
    func vmsAreBoundToTheirGateway(_ name: String) throws {
        let reader = try CaptureReader(paths: [Self.captures.appendingPathComponent("\(name).pcapng").path])
        let analysis = Analysis()
        while let record = try reader.next() { analysis.consume(record) }
        let truth = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: Self.captures.appendingPathComponent("\(name).truth.json"))) as? [String: Any])
        let paths = try #require(truth["paths"] as? [[String: Any]])
        #expect(!paths.isEmpty)
        for path in paths {
            let vm = try #require(MACAddress(path["vm_mac"] as? String ?? ""))
            let expected = (path["gateway"] as? [String: Any])?["virtual_mac"] as? String
            #expect(analysis.gatewayBinding(of: vm)?.description == expected, "\(name) \(vm)")
        }
        #expect(analysis.gatewayBinding(of: MACAddress("00:1b:54:a1:00:01")!) == nil)
    }
}
