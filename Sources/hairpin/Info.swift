import ArgumentParser
import CPcap
import HairpinCapture
import HairpinReport
import HairpinWire

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise captures: format, sections, interfaces, packets, time span, rates, protocols, anomalies.",
        discussion: """
            Reads every record, so the counts are exact. Damage inside a capture is reported as \
            anomalies (kind, count, first offset) after every good packet has been counted; a file \
            that cannot be read at all ends the run with one line naming the file and offset.
            """)

    @Argument(help: "Capture files (pcap or pcapng, optionally gzip/zstd compressed); \"-\" reads standard input.")
    var files: [String]

    @Flag(name: .long, help: "Print JSON (schema hairpin.info/1) instead of text.")
    var json = false

    @OptionGroup var reading: ReadingOptions

    func run() throws {
        let reader = try CaptureReader(paths: files, options: reading.captureOptions)
        var statistics = CaptureStatistics()
        while let record = try reader.next() { statistics.add(record) }
        let report = InfoReport(files: reader.fileInfos, interfaces: reader.interfaces.all,
                                statistics: statistics, linkTypeName: libpcapLinkTypeName)
        print(json ? report.json.serialized(pretty: true) : report.text)
    }
}

/// libpcap's own name for a link type, falling back to the number for ones it does not know.
func libpcapLinkTypeName(_ linkType: LinkType) -> String {
    if let name = pcap_datalink_val_to_name(Int32(linkType.rawValue)) { return String(cString: name) }
    return linkType.name
}

struct ReadingOptions: ParsableArguments {
    @Option(name: .customLong("reorder-window"),
            help: "How far back in time (ms) a record may step and still be handed on in order; 0 turns reordering off.")
    var reorderWindowMilliseconds: Double = 500

    func validate() throws {
        guard reorderWindowMilliseconds >= 0, reorderWindowMilliseconds <= 3_600_000 else {
            throw ValidationError("--reorder-window must be between 0 and 3600000 ms")
        }
    }

    var captureOptions: CaptureReader.Options {
        CaptureReader.Options(reorderWindow: Int64(reorderWindowMilliseconds * 1_000_000))
    }
}
