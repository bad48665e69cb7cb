import HairpinCapture
import HairpinWire

/// What a record's pcapng direction says about where its frame came from.
public enum DirectionMeaning: String, Sendable, CaseIterable {
    /// Directions are not used.
    case ignore
    /// Captured at a switch port (SPAN, TAP): inbound came from the attached device.
    case switchPort = "port"
    /// Captured on a host: outbound was sent by the host.
    case host
}

/// Decides, frame by frame in capture order, which frames are original sightings of their
/// source MAC, the only ones `MobilityTracker` places: sourced by a unicast MAC, not mirrored as
/// they left a port (ERSPAN III egress), not from the far side by the record's direction when
/// the user said what directions mean, and not a copy of a frame already seen at another capture
/// point (`MirrorCopies`). It depends on the frames alone, so with two threads the reading
/// thread runs it and the analysing thread only reads its verdict (`FrameSummary`).
public struct SightingFilter {
    private var copies: MirrorCopies
    private let directionMeaning: DirectionMeaning
    /// False where no host tracker runs: every frame is then an original sighting.
    let enabled: Bool

    /// Delays between the capture points that saw the same frames (clock offsets, R0).
    var clockPairs: ClockPairs { copies.clock }

    init(copyWindow: Int64, directionMeaning: DirectionMeaning, enabled: Bool) {
        copies = MirrorCopies(slots: enabled ? 1 << 14 : 2, window: copyWindow)
        self.directionMeaning = directionMeaning
        self.enabled = enabled
    }

    /// Whether the frame with `digest` (`MirrorCopies.digest`), captured at `time` and `place`, is
    /// an original sighting of its source MAC. Frames must come in capture order.
    @inline(__always)
    mutating func isOriginal(_ packet: PacketView, digest: UInt64, time: Int64, place: MobilityTracker.Place, direction: Direction) -> Bool {
        guard enabled else { return true }
        guard let source = packet.sourceMAC, !source.isMulticast, source.rawValue != 0 else { return false }
        if packet.erspan?.egress == true { return false }
        switch directionMeaning {
        case .ignore: break
        case .switchPort: if direction == .outbound { return false }
        case .host: if direction == .inbound { return false }
        }
        return !copies.isCopy(digest, time: time, point: place.point)
    }
}
