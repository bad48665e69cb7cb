import ArgumentParser
import HairpinCapture
import HairpinReport
import HairpinWire

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
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
        var statistics = CaptureStatistics()
        let reader = try reading.forEachRecord(files) { _, record, _ in
            statistics.add(record)
            return true
        }
        let report = InfoReport(files: reader.fileInfos, interfaces: reader.interfaces.all,
                                statistics: statistics, linkTypeName: libpcapLinkTypeName)
        print(json ? report.json.serialized(pretty: true) : report.text)
    }
}

/// libpcap's own name for a link type, falling back to Hairpin's for ones it does not know.
func libpcapLinkTypeName(_ linkType: LinkType) -> String {
    PacketFilter.linkTypeName(linkType) ?? linkType.name
}
