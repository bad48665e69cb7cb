import ArgumentParser
import HairpinAnalysis

@main
struct Hairpin: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hairpin",
        abstract: "Packet-level analysis of data-center captures: migrations, uplinks, gateways, hairpins.",
        discussion: """
            Hairpin reads pcap and pcapng captures (also gzip or zstd compressed, or from standard \
            input as "-") taken at SPAN, ERSPAN or TAP points, and reports what a VM migration did \
            to the network.

            Examples:
              hairpin analyze Captures/vmotion-hsrp-hairpin.pcapng
              hairpin info capture.pcapng
              hairpin info --json uplink-a.pcap uplink-b.pcap.gz
              hairpin decode -c 20 --filter 'arp or rarp' capture.pcapng
            """,
        version: hairpinVersion,
        // Each names itself: a name derived from the type's would be demangled at every start.
        subcommands: [Analyze.self, Info.self, Decode.self, Synth.self, Bench.self]
    )

    /// The commands that may hand work to another thread have it started while the command line
    /// is parsed (`StandbyThread`): when an argument is standard input or a file large enough to
    /// be analysed on more than one thread. Any argument is looked at, options' values too: a
    /// small file or a word that names no file starts nothing.
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        if let command = arguments.first, command == "analyze" || command == "bench",
           arguments.dropFirst().contains(where: { $0 == "-" || (fileSize(atPath: $0) ?? 0) >= Int(ParallelAnalysis.minimumSplitBytes) }) {
            // Only the analysis hands frames through the ring: its memory is made ready meanwhile.
            let preparation: (@Sendable () -> Void)? = command == "analyze" ? ParallelAnalysis.prepareAhead : nil
            StandbyThread.shared.start(preparing: preparation)
        }
        // The analysis, parsed as a command of its own: the root's parse first reflected over
        // every subcommand's type and the built-in ones, each reflection a run of conformance
        // lookups (a 1 KB capture 17.5 -> 15.3 million instructions). Anything it does not parse
        // (help, a version request, a mistake) goes the root's way, which says it as before; a
        // failure of the run is reported as the root reports it.
        if arguments.first == "analyze", let analyze = try? Analyze.parse(Array(arguments.dropFirst())) {
            do { try analyze.run() } catch { Hairpin.exit(withError: error) }
            return
        }
        main(nil)
    }
}

let hairpinVersion = "0.1.0"
