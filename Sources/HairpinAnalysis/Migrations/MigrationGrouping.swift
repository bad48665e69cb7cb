import HairpinWire

/// Groups accepted migration streams into migrations (protocols.md 1.1.2): streams of one kind
/// whose lifetimes overlap and which start within `groupWindow` of the group's first stream
/// belong together when they share an endpoint address (IP or MAC, as multi-stream vMotion
/// between two vmknics does), or when they start within `multiNICWindow` of it and connect the
/// same pair of /24 subnets (multi-NIC vMotion, whose vmknics have addresses of their own in the
/// vMotion subnet and open their streams together). Two different migrations between other
/// hosts of the same subnets that start within that short window would be merged.
struct MigrationGrouping {
    let settings: MigrationSettings

    struct Stream {
        var candidate: MigrationCandidate
        var source: IPAddress
        var destination: IPAddress
        var sourceMAC: MACAddress?
        var destinationMAC: MACAddress?
        var sourcePort: UInt16
        var destinationPort: UInt16
    }

    func streams(_ candidates: [MigrationCandidate]) -> [Stream] {
        candidates.map { candidate in
            let fromLow = candidate.bulkFromLow
            return Stream(candidate: candidate,
                          source: fromLow ? candidate.key.lowAddress : candidate.key.highAddress,
                          destination: fromLow ? candidate.key.highAddress : candidate.key.lowAddress,
                          sourceMAC: fromLow ? candidate.lowMAC : candidate.highMAC,
                          destinationMAC: fromLow ? candidate.highMAC : candidate.lowMAC,
                          sourcePort: fromLow ? candidate.key.lowPort : candidate.key.highPort,
                          destinationPort: fromLow ? candidate.key.highPort : candidate.key.lowPort)
        }.sorted { ($0.candidate.first, $0.source, $0.destination, $0.sourcePort) < ($1.candidate.first, $1.source, $1.destination, $1.sourcePort) }
    }

    func groups(_ streams: [Stream]) -> [[Stream]] {
        var groups: [[Stream]] = []
        for stream in streams {
            if let index = groups.firstIndex(where: { belongs(stream, to: $0) }) {
                groups[index].append(stream)
            } else {
                groups.append([stream])
            }
        }
        return groups
    }

    private func belongs(_ stream: Stream, to group: [Stream]) -> Bool {
        guard let first = group.first, first.candidate.kind == stream.candidate.kind,
              stream.candidate.first - first.candidate.first <= settings.groupWindow else { return false }
        let overlaps = group.contains { $0.candidate.first <= stream.candidate.last && stream.candidate.first <= $0.candidate.last }
        guard overlaps else { return false }
        return group.contains { member in
            member.source == stream.source || member.destination == stream.destination
                || (member.sourceMAC != nil && member.sourceMAC == stream.sourceMAC)
                || (member.destinationMAC != nil && member.destinationMAC == stream.destinationMAC)
                || (stream.candidate.first - first.candidate.first <= settings.multiNICWindow
                    && Self.subnet24(member.source) == Self.subnet24(stream.source)
                    && Self.subnet24(member.destination) == Self.subnet24(stream.destination))
        }
    }

    private static func subnet24(_ address: IPAddress) -> UInt64 {
        switch address {
        case .v4(let v4): UInt64(v4.rawValue >> 8)
        case .v6(let v6): v6.high
        }
    }
}

extension Analysis {
    /// The accepted candidates as migrations, interfaces still as uplink ids.
    func assembleMigrations(_ accepted: [Int]) -> [Report.Migration] {
        let grouping = MigrationGrouping(settings: options.migrations)
        let groups = grouping.groups(grouping.streams(accepted.map { candidate(at: $0) }))
        var migrations: [Report.Migration] = []
        for group in groups {
            let first = group[0]
            let start = group.map(\.candidate.first).min()!
            let end = group.map(\.candidate.last).max()!
            let bytes = group.map(\.candidate.bulk.bytes).reduce(0, +)
            let payload = group.map(\.candidate.bulk.payloadBytes).reduce(0, +)
            // Peak: the streams' bulk bytes added per 100 ms bin.
            var fine: [Int64: Int] = [:]
            for stream in group {
                let bins = stream.candidate.bulkTrack.fine.settled
                for (offset, value) in bins.enumerated() where value > 0 { fine[stream.candidate.firstFineBin + Int64(offset), default: 0] += value }
            }
            let peak = Double(fine.values.max() ?? 0) * 8 / (Double(MigrationSettings.fineBin) / 1e9)
            let resumes = group.flatMap(\.candidate.bulkTrack.resumes).sorted()
            let lastData = group.map(\.candidate.bulkTrack.lastData).max() ?? end
            var uplinks = Set<Int>()
            for stream in group {
                for bit in 0..<64 where stream.candidate.uplinks & (1 << UInt64(bit)) != 0 { uplinks.insert(bit) }
            }
            let seconds = Double(max(1, end - start)) / 1e9
            migrations.append(Report.Migration(
                id: 0, kind: first.candidate.kind.rawValue, sourceIP: first.source.description, destinationIP: first.destination.description,
                sourceMAC: first.sourceMAC?.description, destinationMAC: first.destinationMAC?.description,
                streams: group.count,
                streamEndpoints: group.map { "\($0.source):\($0.sourcePort) -> \($0.destination):\($0.destinationPort)" },
                startNs: start, endNs: end, bytes: bytes, payloadBytes: payload,
                meanBps: rounded(Double(bytes) * 8 / seconds, 1), peakBps: rounded(peak, 1),
                interfaces: uplinks.sorted(), vmMACs: [],
                switchoverNs: lastData == .min ? nil : lastData, switchoverEvidence: "last_burst",
                precopyCandidatesNs: resumes, lastBulkNs: nil, announcementGapNs: nil))
        }
        migrations.sort { ($0.startNs, $0.sourceIP) < ($1.startNs, $1.sourceIP) }
        for index in migrations.indices { migrations[index].id = index }
        return migrations
    }
}
