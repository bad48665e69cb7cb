import Foundation
import Testing
@testable import HairpinCapture
import HairpinWire

/// The public captures in ../shared/captures/real, with what tshark saw in each (MANIFEST.tsv).
enum SharedCaptures {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/captures/real")

    static var available: Bool { FileManager.default.fileExists(atPath: root.appendingPathComponent("MANIFEST.tsv").path) }

    struct Entry: CustomTestStringConvertible, Sendable {
        var file: String
        var description: String
        var testDescription: String { file }

        /// tshark's frame count ("; 51 pkts"), nil where tshark could not tell ("? pkts").
        var packets: Int? {
            guard let range = description.range(of: #"; (\d+) pkts"#, options: .regularExpression) else { return nil }
            return Int(description[range].dropFirst(2).prefix { $0.isNumber })
        }

        /// "linktypes NULL(0),EN10MB(1)" as numbers.
        var linkTypes: Set<UInt16>? {
            guard let range = description.range(of: #"linktypes? [A-Z0-9_.(),]+"#, options: .regularExpression) else { return nil }
            let text = description[range]
            var values = Set<UInt16>()
            var scanner = text[...]
            while let open = scanner.firstIndex(of: "(") {
                let close = scanner[open...].firstIndex(of: ")") ?? scanner.endIndex
                if let value = UInt16(scanner[scanner.index(after: open)..<close]) { values.insert(value) }
                scanner = close < scanner.endIndex ? scanner[scanner.index(after: close)...] : ""
            }
            return values
        }

        /// "if_name a|b|c" when the manifest lists every name (no trailing "...").
        var interfaceNames: [String]? {
            guard let start = description.range(of: "if_name ") else { return nil }
            let rest = description[start.upperBound...]
            let ends = [rest.range(of: ", ")?.lowerBound, rest.range(of: ";")?.lowerBound].compactMap { $0 }
            let end = ends.min() ?? rest.endIndex
            let list = String(rest[..<end])
            if list.hasSuffix("...") { return nil }
            return list.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        }
    }

    static let entries: [Entry] = {
        guard let text = try? String(contentsOf: root.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 6, !fields[0].hasSuffix(".expected.txt") else { return nil }
            return Entry(file: fields[0], description: fields[5])
        }
    }()

    static var readable: [Entry] { entries.filter { !$0.file.hasPrefix("corrupt/") } }
    static var corrupt: [Entry] { entries.filter { $0.file.hasPrefix("corrupt/") } }

    static func path(_ entry: Entry) -> String { root.appendingPathComponent(entry.file).path }
}

@Suite(.enabled(if: SharedCaptures.available, "../shared/captures/real is absent: real-capture tests skipped"))
struct RealCaptureTests {
    @Test func manifestIsRead() {
        #expect(SharedCaptures.readable.count > 150)
        #expect(SharedCaptures.corrupt.count > 20)
    }

    /// tshark shows each pcapng custom block as a frame; Hairpin counts them apart from packets.
    @Test(arguments: SharedCaptures.readable)
    func packetCountMatchesTshark(_ entry: SharedCaptures.Entry) throws {
        let result = try readAll(paths: [SharedCaptures.path(entry)])
        let customBlocks = result.files.map(\.customBlocks).reduce(0, +)
        if let expected = entry.packets {
            #expect(result.records.count + customBlocks == expected)
        } else {
            // tshark gave up part-way: Hairpin must still read at least one packet.
            #expect(result.records.count > 0)
        }
        if let linkTypes = entry.linkTypes {
            #expect(Set(result.interfaces.map(\.linkType.rawValue)) == linkTypes)
        }
        if let names = entry.interfaceNames, entry.description.hasPrefix("pcapng") {
            // The manifest prints control characters as spaces and sometimes leaves unnamed interfaces out.
            let ours = result.interfaces.map { ($0.name ?? "-").replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ") }
            #expect(ours == names || ours.filter { $0 != "-" } == names)
        }
    }

    @Test(arguments: SharedCaptures.corrupt)
    func corruptCapturesEndCleanly(_ entry: SharedCaptures.Entry) throws {
        do {
            let result = try readAll(paths: [SharedCaptures.path(entry)])
            // Read: every packet tshark found (before it gave up) is here too.
            if let expected = entry.packets { #expect(result.records.count >= expected) }
        } catch let error as CaptureError {
            #expect(error.file == SharedCaptures.path(entry))
            #expect(error.description.hasPrefix(error.file + ": offset "))
        }
    }

    /// Every prefix of a real capture reads without a crash: never more packets than a longer
    /// prefix, and a prefix that ends inside a record says so.
    @Test(arguments: ["fhrp/HSRP_coup.pcap", "formats/pcapng_testgen_be_test202.pcapng", "formats/dhcp-nanosecond.pcap"])
    func everyPrefixOfARealCaptureReads(_ name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: SharedCaptures.root.appendingPathComponent(name)))
        let full = try readAll(bytes).records.count
        let files = TemporaryFiles()
        var previous = 0
        for cut in stride(from: 4, through: bytes.count, by: 1) {
            let path = files.write(Array(bytes.prefix(cut)), name: "cut-\(cut)")
            let result: ReadResult
            do {
                result = try readAll(paths: [path])
            } catch let error as CaptureError {
                // Only the file header itself may be too short to read.
                #expect(cut < 28, "cut at \(cut): \(error)")
                continue
            }
            #expect(result.records.count >= previous, "cut at \(cut)")
            previous = result.records.count
            if result.records.count < full && result.anomalies.isEmpty {
                // The cut fell exactly between records: the next prefix must notice the partial one.
                let next = cut < bytes.count ? try readAll(Array(bytes.prefix(cut + 1))) : result
                #expect(!next.anomalies.isEmpty || next.records.count > result.records.count, "cut at \(cut)")
            }
        }
        #expect(previous == full)
    }

    @Test func truncatedTailKeepsEveryCompletePacket() throws {
        let path = SharedCaptures.root.appendingPathComponent("corrupt/EmergeSync.cap").path
        let result = try readAll(paths: [path])
        #expect(result.records.count == 2587)
        #expect(result.anomalyCount(.truncatedRecord) == 1)
    }

    @Test func invalidVersionsAreCleanErrors() throws {
        for name in ["corrupt/pcap-invalid-version-1.pcap", "corrupt/pcapng-invalid-vers-1.pcapng", "corrupt/pcapng-invalid-vers-2.pcapng"] {
            let path = SharedCaptures.root.appendingPathComponent(name).path
            #expect(throws: CaptureError.self) { _ = try readAll(paths: [path]) }
        }
    }

    @Test func directionFlagsAreKept() throws {
        let path = SharedCaptures.root.appendingPathComponent("formats/MCPE-0.15.pcapng").path
        let result = try readAll(paths: [path])
        #expect(result.records.filter { $0.direction == .inbound }.count == 60)
        #expect(result.records.filter { $0.direction == .outbound }.count == 60)
    }

    @Test func binaryResolutionMatchesTshark() throws {
        // tshark prints 1519128000.195312500 for this packet (2^-8 s units).
        let path = SharedCaptures.root.appendingPathComponent("formats/pcapng_gopacket_le_test902.pcapng").path
        let result = try readAll(paths: [path])
        #expect(result.interfaces[0].resolution == .binary(exponent: 8))
        #expect(result.records.map(\.timestamp) == [1_519_128_000_195_312_500])
    }

    @Test func speedAndMixedResolutionsAreRead() throws {
        let test008 = try readAll(paths: [SharedCaptures.root.appendingPathComponent("formats/pcapng_testgen_le_test008.pcapng").path])
        #expect(test008.interfaces.map(\.speedBitsPerSecond) == [1_000_000_000, 100_000_000])
        let multi = try readAll(paths: [SharedCaptures.root.appendingPathComponent("formats/pcapng-multi-interface.pcapng").path])
        #expect(multi.interfaces.map(\.resolution) == [.nanoseconds, .microseconds])
    }
}
