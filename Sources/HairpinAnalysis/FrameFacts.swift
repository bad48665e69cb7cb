import HairpinCapture
import HairpinWire

/// What the trackers need of a frame that depends on the frame alone: its flow key with the
/// key's hash, and its copy digest. Worked out where the frame is decoded, so that with two
/// threads the one reading the capture does it while the other runs the trackers.
public struct FrameFacts {
    var flow: (key: FlowKey, fromLow: Bool)?
    /// `flow.key.mixedHash` (0 without a flow).
    var flowHash: UInt64
    /// `MirrorCopies.digest` of the frame; 0 when it has no source MAC (no tracker asks then).
    var copyDigest: UInt64

    public init() {
        flow = nil
        flowHash = 0
        copyDigest = 0
    }

    @inline(__always)
    public init(_ record: Record, _ packet: PacketView) {
        flow = FlowKey.of(packet)
        flowHash = flow?.key.mixedHash ?? 0
        if let source = packet.sourceMAC {
            copyDigest = MirrorCopies.digest(record.bytes, from: packet.networkOffset ?? packet.innerFrameOffset, source: source)
        } else {
            copyDigest = 0
        }
    }
}
