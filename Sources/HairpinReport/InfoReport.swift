import HairpinCapture
import HairpinWire

/// What `hairpin info` prints about a set of captures, as text or JSON.
public struct InfoReport {
    public let files: [CaptureFileInfo]
    public let interfaces: [CaptureInterface]
    public let statistics: CaptureStatistics
    /// Names for link types (from libpcap when the caller has it).
    public let linkTypeName: (LinkType) -> String

    public init(files: [CaptureFileInfo], interfaces: [CaptureInterface], statistics: CaptureStatistics,
                linkTypeName: @escaping (LinkType) -> String = { $0.name }) {
        self.files = files
        self.interfaces = interfaces
        self.statistics = statistics
        self.linkTypeName = linkTypeName
    }

    private var anomalies: [Anomaly] { files.flatMap(\.anomalies) }

    // MARK: JSON

    public var json: JSONValue {
        .object([
            ("schema", .string("hairpin.info/1")),
            ("capture", captureJSON),
            ("files", .array(files.map(fileJSON))),
            ("protocols", .array(statistics.protocolPaths.map { entry in
                .object([("path", .string(entry.path)), ("packets", .int(entry.counter.packets)),
                         ("bytes", .int(entry.counter.bytes))])
            })),
            ("decode_anomalies", .array(statistics.decodeStops.entries.map { entry in
                .object([("kind", .string(entry.name)), ("count", .int(entry.count)), ("first_frame", .int(entry.firstFrame))])
            })),
        ])
    }

    private var captureJSON: JSONValue {
        let total = statistics.total
        return .object([
            ("packets", .int(total.packets)),
            ("bytes", .int(total.bytes)),
            ("captured_bytes", .int(total.capturedBytes)),
            ("start_ns", .optional(total.firstTimestamp) { .int($0) }),
            ("end_ns", .optional(total.lastTimestamp) { .int($0) }),
            ("duration_ns", .optional(duration(total)) { .int($0) }),
            ("mean_bps", .optional(bitsPerSecond(total)) { .double($0.rounded()) }),
            ("mean_pps", .optional(packetsPerSecond(total)) { .double(($0 * 1000).rounded() / 1000) }),
            ("mean_packet_bytes", total.packets > 0
                ? .double((Double(total.bytes) / Double(total.packets) * 100).rounded() / 100) : .null),
            ("truncated_packets", .int(statistics.truncatedPackets)),
            ("interfaces", .array(interfaces.map(interfaceJSON))),
            ("anomalies", .array(anomalies.map(anomalyJSON))),
        ])
    }

    private func interfaceJSON(_ interface: CaptureInterface) -> JSONValue {
        let counter = statistics.interface(interface.id)
        return .object([
            ("id", .int(interface.id)),
            ("name", .string(interface.displayName)),
            ("if_name", .optional(interface.name) { .string($0) }),
            ("description", .optional(interface.description) { .string($0) }),
            ("file", .string(interface.file)),
            ("section", .int(interface.section)),
            ("local_id", .int(interface.localId)),
            ("link_type", .int(Int(interface.linkType.rawValue))),
            ("link_type_name", .string(linkTypeName(interface.linkType))),
            ("snaplen", .uint(UInt64(interface.snaplen))),
            ("speed_bps", .optional(knownSpeed(interface.speedBitsPerSecond)) { .uint($0) }),
            ("tx_speed_bps", .optional(knownSpeed(interface.transmitSpeedBitsPerSecond)) { .uint($0) }),
            ("rx_speed_bps", .optional(knownSpeed(interface.receiveSpeedBitsPerSecond)) { .uint($0) }),
            ("resolution", .string(interface.resolution.description)),
            ("tsoffset_s", .int(interface.timestampOffsetSeconds)),
            ("fcs_bytes", .optional(interface.fcsLength) { .int($0) }),
            ("packets", .int(counter.packets)),
            ("bytes", .int(counter.bytes)),
            ("captured_bytes", .int(counter.capturedBytes)),
            ("start_ns", .optional(counter.firstTimestamp) { .int($0) }),
            ("end_ns", .optional(counter.lastTimestamp) { .int($0) }),
            ("statistics", .optional(interface.statistics) { stats in
                .object([
                    ("received", .optional(stats.received) { .uint($0) }),
                    ("dropped", .optional(stats.dropped) { .uint($0) }),
                    ("os_dropped", .optional(stats.osDropped) { .uint($0) }),
                    ("filter_accepted", .optional(stats.filterAccepted) { .uint($0) }),
                    ("delivered", .optional(stats.delivered) { .uint($0) }),
                ])
            }),
        ])
    }

    private func fileJSON(_ file: CaptureFileInfo) -> JSONValue {
        let counter = statistics.file(file.index)
        return .object([
            ("path", .string(file.path)),
            ("format", .string(file.format.rawValue)),
            ("variant", .optional(file.variant) { .string($0) }),
            ("compression", .optional(file.compression) { .string($0) }),
            ("byte_order", .string(file.byteOrder)),
            ("version", .string(file.version)),
            ("resolution", .optional(file.resolution) { .string($0) }),
            ("size_bytes", .int(file.bytesRead)),
            ("packets", .int(counter.packets)),
            ("bytes", .int(counter.bytes)),
            ("captured_bytes", .int(counter.capturedBytes)),
            ("start_ns", .optional(counter.firstTimestamp) { .int($0) }),
            ("end_ns", .optional(counter.lastTimestamp) { .int($0) }),
            ("sections", .array(file.sections.map { section in
                .object([
                    ("offset", .int(section.offset)),
                    ("byte_order", .string(section.byteOrder)),
                    ("version", .string(section.version)),
                    ("supported", .bool(section.supported)),
                    ("hardware", .optional(section.hardware) { .string($0) }),
                    ("os", .optional(section.operatingSystem) { .string($0) }),
                    ("application", .optional(section.application) { .string($0) }),
                ])
            })),
            ("custom_blocks", .int(file.customBlocks)),
            ("name_resolution_blocks", .int(file.nameResolutionBlocks)),
            ("decryption_secrets_blocks", .int(file.decryptionSecretsBlocks)),
            ("statistics_blocks", .int(file.statisticsBlocks)),
            ("records_forced_by_window_capacity", .int(file.recordsForcedByWindowCapacity)),
            ("anomalies", .array(file.anomalies.map(anomalyJSON))),
        ])
    }

    private func anomalyJSON(_ anomaly: Anomaly) -> JSONValue {
        .object([
            ("kind", .string(anomaly.kind.rawValue)),
            ("count", .int(anomaly.count)),
            ("file", .string(anomaly.file)),
            ("first_offset", .optional(anomaly.firstOffset) { .int($0) }),
        ])
    }

    // MARK: Text

    public var text: String {
        var lines: [String] = []
        for file in files {
            let counter = statistics.file(file.index)
            lines.append("File:         \(file.path)")
            var format = "\(file.format.rawValue) \(file.version), \(file.byteOrder)"
            if let variant = file.variant, variant != "standard" { format += ", \(variant)" }
            if let resolution = file.resolution { format += ", \(resolution) timestamps" }
            if let compression = file.compression { format += ", \(compression) compressed" }
            lines.append("Format:       \(format)")
            lines.append("Size:         \(Units.bytes(file.bytesRead))")
            if file.format == .pcapng {
                lines.append("Sections:     \(file.sections.count)")
                for (index, section) in file.sections.enumerated() {
                    var parts = ["#\(index) at \(section.offset): \(section.byteOrder), version \(section.version)"]
                    if !section.supported { parts.append("unsupported, skipped") }
                    if let value = section.hardware { parts.append("hardware \"\(value)\"") }
                    if let value = section.operatingSystem { parts.append("os \"\(value)\"") }
                    if let value = section.application { parts.append("application \"\(value)\"") }
                    lines.append("              " + parts.joined(separator: ", "))
                }
                var blocks: [String] = []
                if file.nameResolutionBlocks > 0 { blocks.append("\(file.nameResolutionBlocks) name resolution") }
                if file.statisticsBlocks > 0 { blocks.append("\(file.statisticsBlocks) interface statistics") }
                if file.decryptionSecretsBlocks > 0 { blocks.append("\(file.decryptionSecretsBlocks) decryption secrets") }
                if file.customBlocks > 0 { blocks.append("\(file.customBlocks) custom") }
                if !blocks.isEmpty { lines.append("Other blocks: " + blocks.joined(separator: ", ")) }
            }
            lines.append(contentsOf: summaryLines(counter))
            lines.append("")
        }
        lines.append("Interfaces:")
        var table = TextTable([("id", .right), ("name", .left), ("link type", .left), ("snaplen", .right),
                               ("speed", .right), ("resolution", .right), ("packets", .right), ("bytes", .right),
                               ("file", .left)])
        for interface in interfaces {
            let counter = statistics.interface(interface.id)
            var name = interface.displayName
            if let description = interface.description, interface.name != nil, description != name {
                name += " (\(description))"
            }
            table.add(["\(interface.id)", name, "\(linkTypeName(interface.linkType)) (\(interface.linkType.rawValue))",
                       interface.snaplen == 0 ? "none" : "\(interface.snaplen)",
                       knownSpeed(interface.speedBitsPerSecond).map { Units.bitsPerSecond(Double($0)) } ?? "-",
                       interface.resolution.description, "\(counter.packets)", "\(counter.bytes)",
                       "\(interface.file)" + (interface.section > 0 ? " §\(interface.section)" : "")])
        }
        lines.append(table.render())
        let dropped = interfaces.compactMap { interface in
            interface.statistics.flatMap { stats in stats.dropped.map { (interface, $0, stats.received) } }
        }
        if !dropped.isEmpty {
            lines.append("Interface statistics:")
            for (interface, drops, received) in dropped {
                lines.append("  \(interface.id) \(interface.displayName): received \(received.map(String.init) ?? "?"), dropped \(drops)")
            }
        }
        if files.count > 1 {
            lines.append("")
            lines.append("All files:")
            lines.append(contentsOf: summaryLines(statistics.total))
        }
        let paths = statistics.protocolPaths
        if !paths.isEmpty {
            lines.append("")
            lines.append("Protocols:")
            var protocolTable = TextTable([("path", .left), ("packets", .right), ("bytes", .right)])
            for entry in paths { protocolTable.add([entry.path, "\(entry.counter.packets)", "\(entry.counter.bytes)"]) }
            lines.append(protocolTable.render())
        }
        let decodeStops = statistics.decodeStops.entries
        if !decodeStops.isEmpty {
            lines.append("")
            lines.append("Decoding stopped early:")
            var stopTable = TextTable([("kind", .left), ("packets", .right), ("first frame", .right)])
            for entry in decodeStops { stopTable.add([entry.name, "\(entry.count)", "\(entry.firstFrame)"]) }
            lines.append(stopTable.render())
        }
        lines.append("")
        if anomalies.isEmpty {
            lines.append("Anomalies:    none")
        } else {
            lines.append("Anomalies:")
            var anomalyTable = TextTable([("kind", .left), ("count", .right), ("first offset", .right), ("file", .left)])
            for anomaly in anomalies {
                anomalyTable.add([anomaly.kind.rawValue, "\(anomaly.count)",
                                  anomaly.firstOffset.map(String.init) ?? "-", anomaly.file])
            }
            lines.append(anomalyTable.render())
        }
        return lines.joined(separator: "\n")
    }

    private func summaryLines(_ counter: CaptureStatistics.Counter) -> [String] {
        var lines: [String] = []
        var packetLine = "Packets:      \(counter.packets)"
        if statistics.truncatedPackets > 0 && counter.packets == statistics.total.packets {
            packetLine += " (\(statistics.truncatedPackets) cut short by the snapshot length)"
        }
        lines.append(packetLine)
        lines.append("Bytes:        \(counter.bytes) on the wire, \(counter.capturedBytes) captured")
        if let first = counter.firstTimestamp, let last = counter.lastTimestamp {
            lines.append("First packet: \(Units.timestamp(first)) UTC")
            lines.append("Last packet:  \(Units.timestamp(last)) UTC")
            lines.append("Duration:     \(Units.duration(last - first))")
        }
        if let bps = bitsPerSecond(counter), let pps = packetsPerSecond(counter) {
            lines.append("Mean rate:    \(Units.bitsPerSecond(bps)), \(Units.fixed(pps, digits: 1)) packets/s, "
                         + "\(Units.fixed(Double(counter.bytes) / Double(counter.packets), digits: 1)) bytes/packet")
        }
        return lines
    }

    private func duration(_ counter: CaptureStatistics.Counter) -> Int64? {
        guard let first = counter.firstTimestamp, let last = counter.lastTimestamp else { return nil }
        return last - first
    }

    private func bitsPerSecond(_ counter: CaptureStatistics.Counter) -> Double? {
        guard let span = duration(counter), span > 0 else { return nil }
        return Double(counter.bytes) * 8 / (Double(span) / 1e9)
    }

    private func packetsPerSecond(_ counter: CaptureStatistics.Counter) -> Double? {
        guard let span = duration(counter), span > 0 else { return nil }
        return Double(counter.packets) / (Double(span) / 1e9)
    }

    /// if_speed of all ones means "unknown" in practice.
    private func knownSpeed(_ speed: UInt64?) -> UInt64? {
        guard let speed, speed != UInt64.max, speed != 0 else { return nil }
        return speed
    }
}
