import HairpinAnalysis

/// Renders a `Report` as the contract's JSON, as text tables, and as CSV files.
public struct AnalysisRenderer {
    public let report: Report

    public init(_ report: Report) { self.report = report }

    // MARK: JSON

    public var json: JSONValue {
        let capture = report.capture
        return .object([
            ("schema", .string(report.schema)),
            ("capture", .object([
                ("packets", .int(capture.packets)),
                ("bytes", .int(capture.bytes)),
                ("start_ns", .optional(capture.startNs) { .int($0) }),
                ("end_ns", .optional(capture.endNs) { .int($0) }),
                ("interfaces", .array(capture.interfaces.map { interface in
                    .object([("id", .int(interface.id)), ("name", .string(interface.name)), ("file", .string(interface.file)),
                             ("link_type", .int(interface.linkType)), ("speed_bps", .optional(interface.speedBps) { .uint($0) }),
                             ("packets", .int(interface.packets)), ("bytes", .int(interface.bytes))])
                })),
                ("anomalies", .array(capture.anomalies.map { anomaly in
                    .object([("kind", .string(anomaly.kind)), ("count", .int(anomaly.count)), ("file", .string(anomaly.file)),
                             ("first_offset", .optional(anomaly.firstOffset) { .int($0) })])
                })),
                ("decode_anomalies", .array(capture.decodeAnomalies.map { anomaly in
                    .object([("kind", .string(anomaly.kind)), ("count", .int(anomaly.count)), ("first_frame", .int(anomaly.firstFrame))])
                })),
            ])),
            ("uplinks", .array(report.uplinks.map { uplink in
                .object([
                    ("interface", .int(uplink.interface)),
                    ("name", .string(uplink.name)),
                    ("kind", .string(uplink.kind)),
                    ("session", .optional(uplink.session) { .int($0) }),
                    ("vlan", .optional(uplink.vlan) { .int($0) }),
                    ("packets", .int(uplink.packets)),
                    ("bytes", .int(uplink.bytes)),
                    ("bin_ns", .int(uplink.binNs)),
                    ("mean_bps", .double(uplink.meanBps)),
                    ("peak_bps", .double(uplink.peakBps)),
                    ("p95_bps", .double(uplink.p95Bps)),
                    ("p99_bps", .double(uplink.p99Bps)),
                    ("speed_bps", .optional(uplink.speedBps) { .uint($0) }),
                    ("utilization_peak", .optional(uplink.utilizationPeak) { .double($0) }),
                    ("migration_bytes", .int(uplink.migrationBytes)),
                    ("migration_share", .double(uplink.migrationShare)),
                    ("busy_windows", .array(uplink.busyWindows.map { window in
                        .object([("start_ns", .int(window.startNs)), ("end_ns", .int(window.endNs)),
                                 ("peak_utilization", .double(window.peakUtilization)), ("migration_share", .double(window.migrationShare))])
                    })),
                    ("top_talkers", .array(uplink.topTalkers.map { talker in
                        .object([("endpoints", .string(talker.endpoints)), ("bytes", .int(talker.bytes)), ("share", .double(talker.share))])
                    })),
                    ("series", .array(uplink.series.map { bin in
                        .object([("start_ns", .int(bin.startNs)), ("bps", .double(bin.bps)), ("migration_bps", .double(bin.migrationBps)),
                                 ("pps", .double(bin.pps))])
                    })),
                ])
            })),
            ("migrations", .array(report.migrations.map { migration in
                .object([
                    ("id", .int(migration.id)),
                    ("kind", .string(migration.kind)),
                    ("source_ip", .string(migration.sourceIP)),
                    ("destination_ip", .string(migration.destinationIP)),
                    ("source_mac", .optional(migration.sourceMAC) { .string($0) }),
                    ("destination_mac", .optional(migration.destinationMAC) { .string($0) }),
                    ("streams", .int(migration.streams)),
                    ("stream_endpoints", .array(migration.streamEndpoints.map { .string($0) })),
                    ("start_ns", .int(migration.startNs)),
                    ("end_ns", .int(migration.endNs)),
                    ("bytes", .int(migration.bytes)),
                    ("payload_bytes", .int(migration.payloadBytes)),
                    ("mean_bps", .double(migration.meanBps)),
                    ("peak_bps", .double(migration.peakBps)),
                    ("interfaces", .array(migration.interfaces.map { .int($0) })),
                    ("vm_macs", .array(migration.vmMACs.map { .string($0) })),
                    ("switchover_ns", .optional(migration.switchoverNs) { .int($0) }),
                    ("switchover_evidence", .string(migration.switchoverEvidence)),
                    ("precopy_candidates_ns", .array(migration.precopyCandidatesNs.map { .int($0) })),
                    ("last_bulk_ns", .optional(migration.lastBulkNs) { .int($0) }),
                    ("announcement_gap_ns", .optional(migration.announcementGapNs) { .int($0) }),
                ])
            })),
            ("announcements", .array(report.announcements.map { announcement in
                .object([("time_ns", .int(announcement.timeNs)), ("last_ns", .int(announcement.lastNs)), ("kind", .string(announcement.kind)),
                         ("mac", .string(announcement.mac)), ("ip", .optional(announcement.ip) { .string($0) }),
                         ("vlan", .optional(announcement.vlan) { .int($0) }), ("vni", .optional(announcement.vni) { .int($0) }),
                         ("interface", .int(announcement.interface)),
                         ("session", .optional(announcement.session) { .int($0) }), ("frames", .int(announcement.frames)),
                         ("spacing_ns", .array(announcement.spacingNs.map { .int($0) })),
                         ("sender", .optional(announcement.sender) { .string($0) }), ("gateway", .bool(announcement.gateway)),
                         ("frame", .int(announcement.frame)), ("migration", .optional(announcement.migration) { .int($0) })])
            })),
            ("moves", .array(report.moves.map { move in
                .object([("mac", .string(move.mac)), ("ips", .array(move.ips.map { .string($0) })), ("time_ns", .int(move.timeNs)),
                         ("from", placeJSON(move.from)), ("to", placeJSON(move.to)),
                         ("announcement", .optional(move.announcement) { .int($0) }),
                         ("migration", .optional(move.migration) { .int($0) }), ("flip_flops", .int(move.flipFlops))])
            })),
            ("gateways", .array(report.gateways.map(gatewayJSON))),
            ("paths", .array(report.paths.map(pathJSON))),
            ("clock_pairs", .array(report.clockPairs.map { pair in
                .object([("a", placeJSON(pair.a)), ("b", placeJSON(pair.b)), ("a_to_b_ns", .optional(pair.aToBNs) { .int($0) }),
                         ("b_to_a_ns", .optional(pair.bToANs) { .int($0) }), ("offset_ns", .optional(pair.offsetNs) { .int($0) }),
                         ("one_way_ns", .optional(pair.oneWayNs) { .int($0) }), ("samples", .int(pair.samples))])
            })),
            ("flows", .object([("tracked", .int(report.flows.tracked)), ("evicted", .int(report.flows.evicted)),
                               ("untracked", .int(report.flows.untracked)),
                               ("migration_candidates", .int(report.flows.migrationCandidates))])),
            ("settings", .object([("bin_ns", .int(report.settings.binNs)), ("uplink_by", .string(report.settings.uplinkBy)),
                                  ("line_rate", .bool(report.settings.lineRate)), ("busy_threshold", .double(report.settings.busyThreshold))])),
        ])
    }

    private func placeJSON(_ place: Report.Place) -> JSONValue {
        .object([("interface", .int(place.interface)), ("session", .optional(place.session) { .int($0) }),
                 ("interface_index", .optional(place.interfaceIndex) { .int($0) }), ("vlan", .optional(place.vlan) { .int($0) }),
                 ("vni", .optional(place.vni) { .int($0) }),
                 ("site", .optional(place.site) { .string($0) })])
    }

    private func pathJSON(_ path: Report.Path) -> JSONValue {
        func evidence(_ item: Report.Path.Evidence) -> JSONValue {
            .object([("what", .string(item.what)), ("file", .string(item.file)), ("interface", .int(item.interface)),
                     ("session", .optional(item.session) { .int($0) }), ("place", .string(item.place)),
                     ("first_frame", .int(item.firstFrame)), ("first_ns", .int(item.firstNs)),
                     ("last_frame", .int(item.lastFrame)), ("last_ns", .int(item.lastNs)), ("frames", .int(item.frames)),
                     ("clock_offset_ns", .optional(item.clockOffsetNs) { .int($0) })])
        }
        func router(_ item: Report.Path.Router) -> JSONValue {
            .object([("mac", .string(item.mac)), ("ip", .optional(item.ip) { .string($0) }), ("name", .optional(item.name) { .string($0) }),
                     ("site", .optional(item.site) { .string($0) }), ("frames", .int(item.frames)), ("bytes", .int(item.bytes))])
        }
        func common(_ direction: Report.Path.Direction) -> [(String, JSONValue)] {
            [("verdict", .string(direction.verdict)), ("confidence", .string(direction.confidence)), ("reason", .string(direction.reason)),
             ("bytes", .int(direction.bytes)), ("start_ns", .optional(direction.startNs) { .int($0) }),
             ("end_ns", .optional(direction.endNs) { .int($0) }), ("ended_by", .optional(direction.endedBy) { .string($0) }),
             ("evidence", .array(direction.evidence.map(evidence))),
             ("dci", .array(direction.dci.map { use in
                 .object([("interface", .int(use.interface)), ("session", .optional(use.session) { .int($0) }),
                          ("place", .string(use.place)), ("frames", .int(use.frames)), ("bytes", .int(use.bytes)),
                          ("bytes_per_second", .array(use.bytesPerSecond.map { .int($0) }))])
             }))]
        }
        let forwarder = path.outbound.forwarders.first
        return .object([
            ("vm_mac", .string(path.vmMAC)),
            ("vm_ips", .array(path.vmIPs.map { .string($0) })),
            ("move", .optional(path.move) { .int($0) }),
            ("time_ns", .int(path.timeNs)),
            ("place", placeJSON(path.place)),
            ("from_site", .optional(path.fromSite) { .string($0) }),
            ("to_site", .optional(path.toSite) { .string($0) }),
            ("from_host", .optional(path.fromHost) { .string($0) }),
            ("to_host", .optional(path.toHost) { .string($0) }),
            ("migration", .optional(path.migration) { .int($0) }),
            ("gateway", .optional(path.gateway) { gateway in
                .object([("protocol", .string(gateway.protocol)), ("group", .int(gateway.group)),
                         ("virtual_mac", .string(gateway.virtualMAC)), ("virtual_ip", .optional(gateway.virtualIP) { .string($0) }),
                         ("isolated", .bool(gateway.isolated))])
            }),
            ("outbound", .object([("forwarder_mac", .optional(forwarder?.mac) { .string($0) }),
                                  ("forwarder_ip", .optional(forwarder?.ip) { .string($0) }),
                                  ("forwarder_name", .optional(forwarder?.name) { .string($0) }),
                                  ("forwarder_site", .optional(forwarder?.site) { .string($0) })] + common(path.outbound))),
            ("return", .object([("forwarder_macs", .array(path.inbound.forwarders.map { .string($0.mac) })),
                                ("forwarders", .array(path.inbound.forwarders.map(router)))] + common(path.inbound))),
            ("asymmetric", .bool(path.asymmetric)),
            ("cross_site", .optional(path.crossSite) { .bool($0) }),
            ("flows", .array(path.flows.map { flow in
                .object([("remote_ip", .string(flow.remoteIP)), ("ip_protocol", .int(flow.ipProtocol)), ("vm_port", .int(flow.vmPort)),
                         ("remote_port", .int(flow.remotePort)), ("outbound_bytes", .int(flow.outboundBytes)),
                         ("return_bytes", .int(flow.returnBytes)), ("gateway_mac", .optional(flow.gatewayMAC) { .string($0) }),
                         ("forwarder_mac", .optional(flow.forwarderMAC) { .string($0) }),
                         ("return_mac", .optional(flow.returnMAC) { .string($0) }), ("asymmetric", .bool(flow.asymmetric))])
            })),
            ("flow_count", .int(path.flowCount)),
            ("asymmetric_flows", .int(path.asymmetricFlows)),
            ("trombone", .optional(path.trombone) { trombone in
                .object([("frames", .int(trombone.frames)), ("bytes", .int(trombone.bytes)),
                         ("routers", .array(trombone.routers.map { .string($0) })),
                         ("destinations", .array(trombone.destinations.map { .string($0) })),
                         ("evidence", .array(trombone.evidence.map(evidence)))])
            }),
            ("unknown_unicast_flood_bytes", .int(path.floodBytes)),
            ("flood_evidence", .optional(path.floodEvidence, evidence)),
            ("places_from", .string(path.placesFrom)),
            ("limitations", .array(path.limitations.map { .string($0) })),
        ])
    }

    private func gatewayJSON(_ gateway: Report.Gateway) -> JSONValue {
        func endpoint(_ value: Report.Gateway.Endpoint) -> JSONValue {
            .object([("mac", .optional(value.mac) { .string($0) }), ("ip", .string(value.ip)),
                     ("interfaces", .array(value.interfaces.map { .int($0) }))])
        }
        return .object([
            ("protocol", .string(gateway.protocol)),
            ("group", .int(gateway.group)),
            ("vlan", .optional(gateway.vlan) { .int($0) }),
            ("vni", .optional(gateway.vni) { .int($0) }),
            ("virtual_ips", .array(gateway.virtualIPs.map { .string($0) })),
            ("virtual_macs", .array(gateway.virtualMACs.map { .string($0) })),
            ("members", .array(gateway.members.map { member in
                .object([("mac", .optional(member.mac) { .string($0) }), ("ip", .string(member.ip)), ("priority", .int(member.priority)),
                         ("state", .string(member.state)), ("hello_ms", .optional(member.helloMs) { .int($0) }),
                         ("hold_ms", .optional(member.holdMs) { .int($0) }), ("interfaces", .array(member.interfaces.map { .int($0) }))])
            })),
            ("active", .optional(gateway.active, endpoint)),
            ("actives", .array(gateway.actives.map(endpoint))),
            ("forwarders", .array(gateway.forwarders.map { forwarder in
                .object([("number", .int(forwarder.number)), ("virtual_mac", .string(forwarder.virtualMAC)),
                         ("owner_mac", .optional(forwarder.ownerMAC) { .string($0) }), ("owner_ip", .string(forwarder.ownerIP)),
                         ("state", .string(forwarder.state))])
            })),
            ("transitions", .array(gateway.transitions.map { transition in
                .object([("time_ns", .int(transition.timeNs)), ("frame", .int(transition.frame)), ("member_ip", .string(transition.memberIP)),
                         ("from", .string(transition.from)), ("to", .string(transition.to)),
                         ("previous_active", .optional(transition.previousActive) { .string($0) }),
                         ("gap_ns", .optional(transition.gapNs) { .int($0) })])
            })),
            ("anomalies", .array(gateway.anomalies.map { .string($0) })),
        ])
    }

    // MARK: Text

    /// Capture points by name in text; JSON keeps the ids the contract defines.
    private func interfaceNames(_ ids: [Int]) -> String {
        ids.map { id in report.capture.interfaces.first { $0.id == id }?.name ?? "\(id)" }.joined(separator: ",")
    }

    private func placeName(_ place: Report.Place) -> String {
        interfaceNames([place.interface]) + (place.session.map { " session \($0)" } ?? "")
            + (place.interfaceIndex.map { " ifindex \($0)" } ?? "") + (place.vlan.map { " vlan \($0)" } ?? "") + (place.vni.map { " vni \($0)" } ?? "")
    }

    /// "RARP x3" and the like, for the announcement at `index`.
    private func announcementSummary(_ index: Int) -> String {
        let announcement = report.announcements[index]
        let name = ["rarp": "RARP", "rarp_other": "RARP", "garp_request": "GARP request", "garp_reply": "GARP reply",
                    "arp_announcement": "ARP announcement", "arp_probe": "ARP probe", "unsolicited_na": "unsolicited NA"][announcement.kind] ?? announcement.kind
        return "\(name) x\(announcement.frames)" + (announcement.sender.map { " (\($0))" } ?? "")
    }

    private var mobilityLines: [String] {
        var lines: [String] = []
        for migration in report.migrations {
            let moves = report.moves.filter { $0.migration == migration.id }
            for move in moves {
                var line = "  migration \(migration.id): VM \(move.mac)" + (move.ips.isEmpty ? "" : " (\(move.ips.joined(separator: ", ")))")
                    + " moved \(placeName(move.from)) -> \(placeName(move.to)) at \(Units.timestamp(move.timeNs))"
                if let index = move.announcement {
                    line += ", announced by \(announcementSummary(index))"
                    if let gap = migration.announcementGapNs {
                        line += " " + Units.duration(abs(gap)) + (gap >= 0 ? " after the last bulk byte" : " before the last bulk byte")
                    }
                }
                if move.flipFlops > 0 { line += ", \(move.flipFlops) flip-flops" }
                lines.append(line)
            }
        }
        let unattributed = report.moves.filter { $0.migration == nil }
        for move in unattributed {
            lines.append("  \(move.mac)" + (move.ips.isEmpty ? "" : " (\(move.ips.joined(separator: ", ")))")
                + " moved \(placeName(move.from)) -> \(placeName(move.to)) at \(Units.timestamp(move.timeNs))"
                + (move.announcement.map { ", announced by \(announcementSummary($0))" } ?? ", no announcement")
                + (move.flipFlops > 0 ? ", \(move.flipFlops) flip-flops" : "") + "; no migration")
        }
        if lines.isEmpty { lines.append("  none") }
        let kinds = Dictionary(grouping: report.announcements.filter { !$0.gateway }, by: \.kind).map { "\($0.key) \($0.value.count)" }.sorted()
        let gateway = report.announcements.filter(\.gateway).count
        if !kinds.isEmpty || gateway > 0 {
            lines.append("  announcements: " + (kinds + (gateway > 0 ? ["gateway \(gateway)"] : [])).joined(separator: ", "))
        }
        return lines
    }

    public var text: String {
        var lines: [String] = []
        let capture = report.capture
        lines.append("Capture: \(capture.packets) packets, \(Units.bytes(Int64(capture.bytes)))"
            + (capture.startNs.map { " from \(Units.timestamp($0)) UTC" } ?? "")
            + (capture.startNs.flatMap { start in capture.endNs.map { " for \(Units.duration($0 - start))" } } ?? ""))
        lines.append("")
        lines.append("Migrations:")
        if report.migrations.isEmpty {
            lines.append("  none")
        } else {
            var table = TextTable([("id", .right), ("kind", .left), ("source -> destination", .left), ("streams", .right), ("start", .left),
                                   ("duration", .right), ("bytes", .right), ("mean", .right), ("peak", .right), ("switch-over", .left)])
            for migration in report.migrations {
                table.add(["\(migration.id)", migration.kind, "\(migration.sourceIP) -> \(migration.destinationIP)", "\(migration.streams)",
                           Units.timestamp(migration.startNs), Units.duration(migration.endNs - migration.startNs),
                           Units.bytes(Int64(migration.bytes)), Units.bitsPerSecond(migration.meanBps), Units.bitsPerSecond(migration.peakBps),
                           migration.switchoverNs.map { Units.timestamp($0) + (migration.switchoverEvidence == "announcement" ? " (announced)" : " (last burst)") } ?? "-"])
            }
            lines.append(table.render())
            for migration in report.migrations where migration.precopyCandidatesNs.count > 0 {
                lines.append("  \(migration.id): \(migration.precopyCandidatesNs.count + 1) bursts (candidate pre-copy passes) on \(interfaceNames(migration.interfaces))")
            }
        }
        lines.append("")
        lines.append("Uplinks (bins of \(Units.duration(report.settings.binNs))):")
        var uplinkTable = TextTable([("uplink", .left), ("speed", .right), ("bytes", .right), ("mean", .right), ("peak", .right),
                                     ("p95", .right), ("peak util", .right), ("migration", .right), ("busy windows", .right)])
        for uplink in report.uplinks {
            uplinkTable.add([uplink.name, uplink.speedBps.map { Units.bitsPerSecond(Double($0)) } ?? "-",
                             Units.bytes(Int64(uplink.bytes)), Units.bitsPerSecond(uplink.meanBps), Units.bitsPerSecond(uplink.peakBps),
                             Units.bitsPerSecond(uplink.p95Bps), uplink.utilizationPeak.map { Units.fixed($0 * 100, digits: 1) + "%" } ?? "-",
                             Units.fixed(uplink.migrationShare * 100, digits: 1) + "%", "\(uplink.busyWindows.count)"])
        }
        lines.append(uplinkTable.render())
        for uplink in report.uplinks where !uplink.busyWindows.isEmpty {
            for window in uplink.busyWindows {
                lines.append("  \(uplink.name) above \(Units.fixed(report.settings.busyThreshold * 100, digits: 0))% from \(Units.timestamp(window.startNs)) for "
                    + "\(Units.duration(window.endNs - window.startNs)), peak \(Units.fixed(window.peakUtilization * 100, digits: 1))%, "
                    + "migration \(Units.fixed(window.migrationShare * 100, digits: 1))%")
            }
        }
        lines.append("")
        lines.append("Moves:")
        lines.append(contentsOf: mobilityLines)
        if !report.gateways.isEmpty {
            lines.append("")
            lines.append("Gateways:")
            for gateway in report.gateways {
                let where_ = gateway.vlan.map { "vlan \($0)" } ?? gateway.vni.map { "vni \($0)" } ?? "untagged"
                lines.append("  \(gateway.protocol) group \(gateway.group) on \(where_): vip \(gateway.virtualIPs.joined(separator: ", ")), vmac \(gateway.virtualMACs.joined(separator: ", "))")
                var table = TextTable([("member", .left), ("mac", .left), ("priority", .right), ("state", .left), ("seen on", .left)])
                for member in gateway.members {
                    table.add([member.ip, member.mac ?? "?", "\(member.priority)", member.state, interfaceNames(member.interfaces)])
                }
                lines.append(table.render(indent: "    "))
                for forwarder in gateway.forwarders {
                    lines.append("    forwarder \(forwarder.number) \(forwarder.virtualMAC) owned by \(forwarder.ownerIP) (\(forwarder.ownerMAC ?? "?"))")
                }
                for transition in gateway.transitions {
                    var text = "    \(Units.timestamp(transition.timeNs)) frame \(transition.frame): \(transition.memberIP) \(transition.from) -> \(transition.to)"
                    if let previous = transition.previousActive { text += " (took over from \(previous)" + (transition.gapNs.map { ", silent \(Units.duration($0))" } ?? "") + ")" }
                    lines.append(text)
                }
                for anomaly in gateway.anomalies { lines.append("    ! \(anomaly)") }
            }
        }
        if !report.paths.isEmpty {
            lines.append("")
            lines.append("Paths after the moves:")
            for path in report.paths {
                lines.append(contentsOf: PathParagraph(path: path, report: report).lines.map { "  " + $0 })
            }
        }
        let skewed = report.clockPairs.filter { abs($0.offsetNs ?? 0) >= 1_000_000 }
        if !skewed.isEmpty {
            lines.append("")
            lines.append("Clocks (capture points that saw the same frames both ways, offsets of 1 ms or more):")
            for pair in skewed {
                let offset = pair.offsetNs ?? 0
                lines.append("  \(placeName(pair.b)) runs \(Units.duration(abs(offset))) \(offset > 0 ? "ahead of" : "behind") \(placeName(pair.a))"
                             + " (one-way \(Units.duration(pair.oneWayNs ?? 0)), \(pair.samples) frames)")
            }
        }
        let talkers = report.uplinks.filter { !$0.topTalkers.isEmpty }
        if !talkers.isEmpty {
            lines.append("")
            lines.append("Top talkers:")
            for uplink in talkers {
                lines.append("  \(uplink.name):")
                for talker in uplink.topTalkers {
                    lines.append("    \(talker.endpoints)  \(Units.bytes(Int64(talker.bytes)))  \(Units.fixed(talker.share * 100, digits: 1))%")
                }
            }
        }
        lines.append("")
        if capture.anomalies.isEmpty && capture.decodeAnomalies.isEmpty {
            lines.append("Anomalies: none")
        } else {
            lines.append("Anomalies:")
            for anomaly in capture.anomalies {
                lines.append("  \(anomaly.kind) \(anomaly.count) (\(anomaly.file), first at offset \(anomaly.firstOffset.map(String.init) ?? "-"))")
            }
            for anomaly in capture.decodeAnomalies {
                lines.append("  \(anomaly.kind) \(anomaly.count) (first in frame \(anomaly.firstFrame))")
            }
        }
        if report.flows.evicted > 0 || report.flows.untracked > 0 {
            lines.append("Flows: \(report.flows.tracked) tracked, \(report.flows.evicted) evicted idle, \(report.flows.untracked) not tracked (table full)")
        }
        return lines.joined(separator: "\n")
    }

    // MARK: CSV

    /// One CSV file per table: name -> contents.
    public var csv: [(name: String, contents: String)] {
        func row(_ fields: [String]) -> String { fields.map(Self.escape).joined(separator: ",") }
        var interfaces = [row(["id", "name", "file", "link_type", "speed_bps", "packets", "bytes"])]
        for interface in report.capture.interfaces {
            interfaces.append(row(["\(interface.id)", interface.name, interface.file, "\(interface.linkType)",
                                   interface.speedBps.map(String.init) ?? "", "\(interface.packets)", "\(interface.bytes)"]))
        }
        var uplinks = [row(["interface", "name", "kind", "session", "vlan", "packets", "bytes", "bin_ns", "mean_bps", "peak_bps", "p95_bps",
                            "p99_bps", "speed_bps", "utilization_peak", "migration_bytes", "migration_share"])]
        var series = [row(["uplink", "start_ns", "bps", "migration_bps", "pps"])]
        for uplink in report.uplinks {
            uplinks.append(row(["\(uplink.interface)", uplink.name, uplink.kind, uplink.session.map(String.init) ?? "",
                                uplink.vlan.map(String.init) ?? "", "\(uplink.packets)", "\(uplink.bytes)", "\(uplink.binNs)",
                                Self.number(uplink.meanBps), Self.number(uplink.peakBps), Self.number(uplink.p95Bps), Self.number(uplink.p99Bps),
                                uplink.speedBps.map(String.init) ?? "", uplink.utilizationPeak.map(Self.number) ?? "",
                                "\(uplink.migrationBytes)", Self.number(uplink.migrationShare)]))
            for bin in uplink.series {
                series.append(row([uplink.name, "\(bin.startNs)", Self.number(bin.bps), Self.number(bin.migrationBps), Self.number(bin.pps)]))
            }
        }
        var migrations = [row(["id", "kind", "source_ip", "destination_ip", "streams", "start_ns", "end_ns", "bytes", "payload_bytes",
                               "mean_bps", "peak_bps", "interfaces", "switchover_ns"])]
        for migration in report.migrations {
            migrations.append(row(["\(migration.id)", migration.kind, migration.sourceIP, migration.destinationIP, "\(migration.streams)",
                                   "\(migration.startNs)", "\(migration.endNs)", "\(migration.bytes)", "\(migration.payloadBytes)",
                                   Self.number(migration.meanBps), Self.number(migration.peakBps),
                                   migration.interfaces.map(String.init).joined(separator: " "), migration.switchoverNs.map(String.init) ?? ""]))
        }
        var anomalies = [row(["kind", "count", "file", "first_offset"])]
        for anomaly in report.capture.anomalies {
            anomalies.append(row([anomaly.kind, "\(anomaly.count)", anomaly.file, anomaly.firstOffset.map(String.init) ?? ""]))
        }
        var paths = [row(["vm_mac", "vm_ips", "move", "time_ns", "protocol", "group", "virtual_mac", "outbound_forwarder_mac",
                          "outbound_forwarder_site", "outbound_verdict", "outbound_confidence", "outbound_dci_bytes", "return_forwarder_macs",
                          "return_verdict", "return_confidence", "return_dci_bytes", "asymmetric", "unknown_unicast_flood_bytes"])]
        var dci = [row(["vm_mac", "direction", "place", "second", "bytes"])]
        for path in report.paths {
            let forwarder = path.outbound.forwarders.first
            paths.append(row([path.vmMAC, path.vmIPs.joined(separator: " "), path.move.map(String.init) ?? "", "\(path.timeNs)", path.gateway?.protocol ?? "",
                              path.gateway.map { "\($0.group)" } ?? "", path.gateway?.virtualMAC ?? "", forwarder?.mac ?? "", forwarder?.site ?? "",
                              path.outbound.verdict, path.outbound.confidence, "\(path.outbound.bytes)",
                              path.inbound.forwarders.map(\.mac).joined(separator: " "), path.inbound.verdict, path.inbound.confidence,
                              "\(path.inbound.bytes)", "\(path.asymmetric)", "\(path.floodBytes)"]))
            for (direction, uses) in [("outbound", path.outbound.dci), ("return", path.inbound.dci)] {
                for use in uses {
                    for (second, bytes) in use.bytesPerSecond.enumerated() where bytes > 0 {
                        dci.append(row([path.vmMAC, direction, use.place, "\(second)", "\(bytes)"]))
                    }
                }
            }
        }
        return [("interfaces.csv", interfaces), ("uplinks.csv", uplinks), ("uplink_series.csv", series),
                ("migrations.csv", migrations), ("paths.csv", paths), ("path_dci_series.csv", dci), ("anomalies.csv", anomalies)].map { ($0.0, $0.1.joined(separator: "\n") + "\n") }
    }

    private static func number(_ value: Double) -> String { JSONValue.double(value).serialized() }

    private static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return field }
        return "\"" + field.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
