import Foundation
import Testing
@testable import HairpinCapture
import HairpinWire

/// The tcpdump test-suite outputs shipped beside some captures (`*.expected.txt`, the command in
/// MANIFEST.tsv): every address, port, VLAN id, VNI, ERSPAN session and ARP address Hairpin
/// decodes for a packet must appear in what tcpdump printed for that packet.
enum TcpdumpOracle {
    struct Case: CustomTestStringConvertible, Sendable {
        var capture: String
        var expected: String
        var printsMACs: Bool
        var testDescription: String { expected }
    }

    static let cases: [Case] = {
        guard let text = try? String(contentsOf: SharedCaptures.root.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line -> Case? in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 6, fields[0].hasSuffix(".expected.txt"), fields[5].contains("tcpdump -#"),
                  !fields[0].hasPrefix("corrupt/") else { return nil }
            // "<capture>.<test name>.expected.txt"
            guard let range = fields[0].range(of: #"\.(pcap|pcapng|cap)\."#, options: .regularExpression) else { return nil }
            let capture = String(fields[0][..<range.upperBound].dropLast())
            return Case(capture: capture, expected: fields[0], printsMACs: fields[5].contains(" -e"))
        }
    }()

    /// Packet number -> everything tcpdump printed for it (continuation lines included).
    static func blocks(_ text: String) -> [Int: String] {
        var blocks: [Int: String] = [:]
        var current: Int?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if line.hasPrefix(" "), let number = Int(trimmed.prefix { $0.isNumber }),
               trimmed.dropFirst(String(number).count).hasPrefix("  ") {
                current = number
                blocks[number] = String(line)
            } else if let current {
                blocks[current, default: ""] += "\n" + line
            }
        }
        return blocks
    }
}

@Suite(.enabled(if: SharedCaptures.available, "../shared/captures/real is absent: tcpdump oracle skipped"))
struct TcpdumpOracleTests {
    @Test func casesAreFound() {
        #expect(TcpdumpOracle.cases.count >= 30)
    }

    @Test(arguments: TcpdumpOracle.cases)
    func decodedValuesAppearInTcpdumpOutput(_ oracle: TcpdumpOracle.Case) throws {
        let text = try String(contentsOf: SharedCaptures.root.appendingPathComponent(oracle.expected), encoding: .utf8)
        let blocks = TcpdumpOracle.blocks(text)
        let reader = try CaptureReader(paths: [SharedCaptures.root.appendingPathComponent(oracle.capture).path],
                                       options: .init(reorderWindow: 0))
        let decoder = Decoder()
        var number = 0
        var misses: [String] = []
        var checked = 0
        var unsupported = 0
        while let record = try reader.next() {
            number += 1
            guard let block = blocks[number] else { continue }
            let packet = decoder.decode(record.bytes, linkType: record.linkType)
            if packet.stop?.kind == .unsupported {
                unsupported += 1
                continue
            }
            var wanted: [String] = []
            // tcpdump shows the link layer, VLAN tags included, only with -e.
            if oracle.printsMACs {
                wanted += [packet.sourceMAC, packet.destinationMAC].compactMap { $0?.description }
                wanted += packet.vlans.all.map { "vlan \($0.id)" }
            }
            if let session = packet.erspan?.sessionID { wanted.append("session \(session)") }
            // tcpdump prints a cut layer as "[|proto]": values past the cut need not appear.
            let cut = block.contains("[|")
            if !cut {
                if let vni = packet.vni, packet.tunnel?.kind != .pbb {
                    if !block.contains("vni \(vni)") && !block.contains("vni 0x\(String(vni, radix: 16))") {
                        misses.append("packet \(number): vni \(vni)")
                    }
                }
                for (ip, port) in [(packet.sourceIP, packet.sourcePort), (packet.destinationIP, packet.destinationPort)] {
                    guard let ip else { continue }
                    wanted.append(port.map { "\(ip).\($0)" } ?? ip.description)
                }
                // "who-has <target> tell <sender>", "<sender> is-at <sender MAC>".
                if let arp = packet.arp, arp.opcode == ARPPacket.request {
                    wanted += [arp.senderIP, arp.targetIP].compactMap { $0?.description }
                } else if let arp = packet.arp, arp.opcode == ARPPacket.reply {
                    wanted += [arp.senderIP?.description, arp.senderMAC?.description].compactMap { $0 }
                }
            }
            for value in wanted where !block.contains(value) {
                misses.append("packet \(number): \(value)")
            }
            checked += 1
        }
        #expect(checked + unsupported > 0 || blocks.isEmpty)
        #expect(misses.isEmpty, Comment(rawValue: "\(oracle.expected): " + misses.prefix(8).joined(separator: "; ")))
    }
}
