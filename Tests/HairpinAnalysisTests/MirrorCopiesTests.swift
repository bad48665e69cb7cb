import Testing
@testable import HairpinAnalysis
import HairpinWire

/// The copy table: a frame seen again at another point within the window is a copy, at the same
/// point a new frame; two frames of one set both wait for their copies, a third pushes out the
/// one seen longer ago.
@Suite struct MirrorCopiesTests {
    @Test func copiesAreFoundAtOtherPointsWithinTheWindow() {
        var copies = MirrorCopies(slots: 16, window: 1000)
        func isCopy(_ digest: UInt64, time: Int64, point: Int) -> Bool { copies.isCopy(digest, time: time, point: point) }
        #expect(!isCopy(0x10, time: 0, point: 1))
        #expect(isCopy(0x10, time: 400, point: 2))
        // The same point again: a repeat of the frame (RARP bursts), not a copy.
        #expect(!isCopy(0x20, time: 0, point: 1))
        #expect(!isCopy(0x20, time: 10, point: 1))
        // Past the window: a new frame.
        #expect(!isCopy(0x30, time: 0, point: 1))
        #expect(!isCopy(0x30, time: 1001, point: 2))
        let pairs = copies.clock.pairs
        #expect(pairs.indices.map { pairs[$0].samples } == [1])
        #expect(pairs.indices.map { pairs[$0].minimum } == [400])
    }

    @Test func twoFramesOfOneSetBothWaitAndAThirdPushesOutTheOlder() {
        var copies = MirrorCopies(slots: 16, window: 1000)
        func isCopy(_ digest: UInt64, time: Int64, point: Int) -> Bool { copies.isCopy(digest, time: time, point: point) }
        // 0x4, 0x5, 0x14 and 0x15 share the set of slots 4 and 5 in a 16-slot table; 0x4 and
        // 0x14 would share one slot of a direct-mapped table.
        #expect(!isCopy(0x4, time: 0, point: 1))
        #expect(!isCopy(0x14, time: 10, point: 1))
        #expect(isCopy(0x4, time: 20, point: 2))
        #expect(isCopy(0x14, time: 30, point: 2))
        #expect(!isCopy(0x5, time: 40, point: 1))    // replaces 0x4, seen at 0
        #expect(isCopy(0x14, time: 50, point: 3))
        #expect(!isCopy(0x4, time: 60, point: 2), "pushed out: taken for a first sighting")
        #expect(!isCopy(0x15, time: 70, point: 1))   // replaces 0x5 (seen at 40) over 0x4 (60)
        #expect(!isCopy(0x5, time: 80, point: 2))
        #expect(isCopy(0x15, time: 90, point: 2))
    }

    @Test func digestsDifferWhenTheBytesOrTheSourceDiffer() {
        let frame: [UInt8] = (0..<120).map { UInt8($0) }
        frame.withUnsafeBytes { bytes in
            let source = MACAddress(rawValue: 0x0050_5601_0203)
            let base = MirrorCopies.digest(bytes, from: 14, source: source)
            #expect(base == MirrorCopies.digest(bytes, from: 14, source: source))
            #expect(base != MirrorCopies.digest(bytes, from: 15, source: source))
            #expect(base != MirrorCopies.digest(bytes, from: 14, source: MACAddress(rawValue: 0x0050_5601_0204)))
            // Shorter than 48 bytes from the offset: the bytes there are, and their count.
            let short = UnsafeRawBufferPointer(rebasing: bytes[..<40])
            let shorter = UnsafeRawBufferPointer(rebasing: bytes[..<39])
            #expect(MirrorCopies.digest(short, from: 14, source: source) != MirrorCopies.digest(shorter, from: 14, source: source))
            #expect(MirrorCopies.digest(short, from: 14, source: source) != base)
            var changed = frame
            for index in 14..<62 {
                changed[index] ^= 1
                let differs = changed.withUnsafeBytes { MirrorCopies.digest($0, from: 14, source: source) } != base
                #expect(differs, "byte \(index)")
                changed[index] ^= 1
            }
            // Past the 48 bytes: not part of the digest.
            changed[62] ^= 0xFF
            #expect(changed.withUnsafeBytes { MirrorCopies.digest($0, from: 14, source: source) } == base)
        }
    }
}
