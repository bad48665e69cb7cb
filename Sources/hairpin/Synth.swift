import ArgumentParser
import Foundation
import HairpinCapture
import HairpinSynth

/// A failure to report as one line, without the usage text a validation error brings.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate a data-center scenario (vMotion, RARP, HSRP/GLBP/VRRP, hairpins) as a capture with its truth.",
        discussion: """
            SCENARIO is a built-in name (see --list) or a YAML file. The same scenario, scale and seed \
            always give the same bytes. --scale grows durations, memory sizes and bulk transfers, so one \
            scenario yields a small test file or a benchmark file of gigabytes.

            Examples:
              hairpin synth --list
              hairpin synth vmotion-hsrp-hairpin -o hairpin.pcapng --truth hairpin.truth.json
              hairpin synth --print glbp-split > my-scenario.yaml
              hairpin synth my-scenario.yaml -o big.pcapng --scale 10 --snaplen 0
            """)

    @Argument(help: "Built-in scenario name or YAML file.")
    var scenario: String?

    @Option(name: .shortAndLong, help: "Capture file to write.")
    var output: String?

    @Option(help: "pcapng (one interface per capture point) or pcap (all copies on one interface).")
    var format: String = "pcapng"

    @Option(help: "Snapshot length; 0 keeps whole frames (default: the scenario's).")
    var snaplen: Int?

    @Option(help: "Multiply durations, memory sizes and bulk transfers.")
    var scale: Double = 1

    @Option(help: "Seed for the scenario's random choices (default: the scenario's).")
    var seed: UInt64?

    @Option(help: "Write what the capture shows (migrations, announcements, moves, gateways, paths) as JSON.")
    var truth: String?

    @Option(help: "Write the scenario's network as a topology file for analyze --topology (pcapng and ERSPAN captures).")
    var topology: String?

    @Option(name: .customLong("interface-turns"),
            help: "Write each capture point's frames in turns of this long, one interface after another, as dumpcap writes several interfaces (pcapng): the file steps back in time at each turn, as real captures do.")
    var interfaceTurns: String?

    @Flag(help: "List the built-in scenarios.")
    var list = false

    @Flag(name: .customLong("print"), help: "Print the scenario's YAML instead of generating it.")
    var printYAML = false

    func validate() throws {
        if list { return }
        guard scenario != nil else { throw ValidationError("name a scenario (see --list)") }
        if !printYAML && output == nil { throw ValidationError("-o FILE is needed") }
        guard ["pcap", "pcapng"].contains(format) else { throw ValidationError("--format is pcap or pcapng") }
        guard scale > 0, scale <= 10_000 else { throw ValidationError("--scale must be above 0") }
        if let snaplen, snaplen < 0 { throw ValidationError("--snaplen must be 0 or more") }
        if let interfaceTurns {
            guard format == "pcapng" else { throw ValidationError("--interface-turns needs --format pcapng: a pcap file has one interface") }
            _ = try Analyze.duration(interfaceTurns, option: "--interface-turns", minimum: 1)
        }
    }

    func run() throws {
        if list {
            for entry in BuiltinScenarios.all { print("\(entry.name.padding(toLength: 26, withPad: " ", startingAt: 0)) \(entry.summary)") }
            return
        }
        guard let scenario else { return }
        let yaml: String
        if let builtin = BuiltinScenarios.yaml(named: scenario) {
            yaml = builtin
        } else {
            guard let text = try? String(contentsOfFile: scenario, encoding: .utf8) else {
                throw CommandFailure("\(scenario): neither a built-in scenario (see --list) nor a readable YAML file")
            }
            yaml = text
        }
        if printYAML {
            print(yaml)
            return
        }
        let parsed: Scenario
        do {
            parsed = try Scenario.parse(yaml: yaml)
        } catch {
            throw CommandFailure("\(scenario): \(error)")
        }
        let turn = try interfaceTurns.map { try Analyze.duration($0, option: "--interface-turns", minimum: 1) }
        let synthesizer = try Synthesizer(scenario: parsed, options: .init(scale: scale, snaplen: snaplen.map { $0 == 0 ? 262_144 : $0 }, seed: seed,
                                                                           interfaceTurn: turn))
        guard let output else { return }
        let started = Date()
        let result: Truth
        if format == "pcap" {
            result = try synthesizer.run(into: .pcap(try PcapWriter(path: output, snaplen: snaplen.map { $0 == 0 ? 262_144 : $0 } ?? 262_144)))
        } else {
            result = try synthesizer.run(into: .pcapng(try PcapngWriter(path: output)))
        }
        if let truth {
            let document = try synthesizer.truthDocument(result).serialized(pretty: true) + "\n"
            try document.write(toFile: truth, atomically: true, encoding: .utf8)
        }
        if let topology {
            guard let document = synthesizer.topologyDocument(format: format) else {
                throw CommandFailure("--topology needs --format pcapng: a pcap file puts every capture point on one interface")
            }
            try document.write(toFile: topology, atomically: true, encoding: .utf8)
        }
        let size = fileSize(atPath: output) ?? 0
        let seconds = Date().timeIntervalSince(started)
        FileHandleOutput.standardError("\(output): \(size) bytes in \(String(format: "%.2f", seconds)) s"
            + (seconds > 0 ? " (\(String(format: "%.0f", Double(size) / seconds / 1e6)) MB/s)" : ""))
    }
}
