import HairpinCapture
import HairpinWire

/// What the trackers need of a frame that depends on the frames alone, in capture order: its
/// flow key with the key's hash, and whether it is an original sighting of its source MAC
/// (`SightingFilter`). Worked out where the frame is decoded, so that with two threads the one
/// reading the capture does it while the other runs the trackers.
public struct FrameFacts {
    var flow: (key: FlowKey, fromLow: Bool)?
    /// `flow.key.mixedHash` (0 without a flow).
    var flowHash: UInt64
    /// The mobility tracker places the frame (`SightingFilter.isOriginal`).
    var originalSighting: Bool

    public init() {
        flow = nil
        flowHash = 0
        originalSighting = false
    }

    /// The facts of the next frame in capture order, `sightings` holding what came before.
    @inline(__always)
    public init(_ record: Record, _ packet: PacketView, sightings: inout SightingFilter) {
        flow = FlowKey.of(packet)
        flowHash = flow?.key.mixedHash ?? 0
        if sightings.enabled, let source = packet.sourceMAC {
            let digest = MirrorCopies.digest(record.bytes, from: packet.networkOffset ?? packet.innerFrameOffset, source: source)
            originalSighting = sightings.isOriginal(packet, digest: digest, time: record.timestamp,
                                                    place: MobilityTracker.place(of: packet, interface: record.interface),
                                                    direction: record.direction)
        } else {
            originalSighting = !sightings.enabled
        }
    }
}
