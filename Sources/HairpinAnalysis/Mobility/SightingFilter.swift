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
/// point (`MirrorCopies`). The thread that decodes a frame works out its digest
/// (`FrameSummary`); the one running the host trackers runs this filter.
public struct SightingFilter {
    private var copies: MirrorCopies
    private let directionMeaning: DirectionMeaning
    /// False where no host tracker runs: every frame is then an original sighting.
    let enabled: Bool

    /// Delays between the capture points that saw the same frames (clock offsets, R0).
    var clockPairs: ClockPairs { copies.clock }
    /// Whether each frame's copy digest is looked up in a table (`MirrorCopies.looksUp`).
    var looksUpCopies: Bool { enabled && copies.looksUp }

    init(copyWindow: Int64, directionMeaning: DirectionMeaning, enabled: Bool) {
        copies = MirrorCopies(slots: enabled ? 1 << 14 : MirrorCopies.ways, maximumSlots: enabled ? 1 << 20 : MirrorCopies.ways,
                              window: copyWindow)
        self.directionMeaning = directionMeaning
        self.enabled = enabled
    }

    /// Asks for the copy table's lines a frame with this digest will read, a few frames ahead
    /// (mutating: see `MirrorCopies.prefetch`).
    @inline(__always)
    mutating func prefetch(digest: UInt64) {
        if enabled { copies.prefetch(digest) }
    }

    /// Whether the frame summarised at `summary`, captured at `place`, is an original sighting of
    /// its source MAC (its copy digest, `FrameSummary.mirrorDigest`, not seen at another point
    /// within the window). Frames must come in capture order.
    @inline(__always)
    mutating func isOriginal(_ summary: UnsafePointer<FrameSummary>, place: MobilityTracker.Place) -> Bool {
        guard enabled else { return true }
        var frame: FrameSummary { summary.pointee }
        guard let source = frame.sourceMAC, !source.isMulticast, source.rawValue != 0 else { return false }
        if frame.isEgressMirror { return false }
        switch directionMeaning {
        case .ignore: break
        case .switchPort: if frame.direction == .outbound { return false }
        case .host: if frame.direction == .inbound { return false }
        }
        return !copies.isCopy(frame.mirrorDigest, time: frame.timestamp, point: place.point)
    }
}
