import HairpinCapture
import HairpinReport
import HairpinWire

/// What a generated capture shows, in the vocabulary of the analysis report
/// (report-contract.md): migrations, announcements, moves, gateways and path verdicts.
/// Interface ids are capture-point indexes, which are the pcapng interface ids.
public struct Truth {
    struct MigrationTruth {
        var plan: MigrationPlan
        var bytes = 0
        var payloadFrames = 0
        var totalBytes = 0
        var interfaces: Set<Int> = []
        var firstAnnouncement: Int64?
    }

    struct Announcement {
        var time: Int64
        var kind: String
        var mac: MACAddress
        var ip: String?
        var vlan: UInt16
        var interface: Int?
        var frames: Int
        var migration: Int
        var spacing: [Int64]
    }

    var migrations: [MigrationTruth] = []
    var announcements: [Announcement] = []
    /// Per VM: frame bytes of its outbound / inbound traffic after the move that crossed a DCI.
    var outboundDCIBytes: [Int: Int] = [:]
    var inboundDCIBytes: [Int: Int] = [:]
    /// Per VM: its packets routed on into another segment across the DCI after the move (the
    /// second crossing of a trombone), frames and bytes.
    var tromboneFrames: [Int: Int] = [:]
    var tromboneBytes: [Int: Int] = [:]
    private var dciPoints: Set<Int> = []

    mutating func prepare(world: World) {
        dciPoints = Set(world.capturePoints.indices.filter { world.capturePoints[$0] == .dci })
    }

    mutating func account(_ account: Synthesizer.Account, frameLength: Int, copies: [World.Copy], world: World) {
        switch account {
        case .none:
            break
        case .migration(let index):
            guard index < migrations.count else { return }
            migrations[index].totalBytes += frameLength
            if frameLength > 200 {
                migrations[index].bytes += frameLength
                migrations[index].payloadFrames += 1
            }
            for copy in copies { migrations[index].interfaces.insert(copy.point) }
        case .outbound(let vm, let afterMove):
            if afterMove && copies.contains(where: { dciPoints.contains($0.point) }) { outboundDCIBytes[vm, default: 0] += frameLength }
        case .inbound(let vm, let afterMove):
            if afterMove && copies.contains(where: { dciPoints.contains($0.point) }) { inboundDCIBytes[vm, default: 0] += frameLength }
        case .routed(let vm, let afterMove):
            if afterMove && copies.contains(where: { dciPoints.contains($0.point) }) {
                tromboneFrames[vm, default: 0] += 1
                tromboneBytes[vm, default: 0] += frameLength
            }
        }
    }

    mutating func announce(kind: String, times: [Int64], mac: MACAddress, ip: String?, vlan: UInt16, host: Int, migration: Int, world: World) {
        let point = world.hostPoint(host)
        announcements.append(Announcement(time: times[0], kind: kind, mac: mac, ip: ip, vlan: vlan, interface: point,
                                          frames: times.count, migration: migration,
                                          spacing: zip(times.dropFirst(), times).map { $0 - $1 }))
    }
}
