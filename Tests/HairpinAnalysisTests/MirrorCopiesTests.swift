import Testing
@testable import HairpinAnalysis
import HairpinWire

/// The copy table: a frame seen again at another point within the window is a copy, at the same
/// point a new frame; four frames of one set all wait for their copies, a fifth pushes out the
/// one seen longest ago.
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

    @Test func fourFramesOfOneSetAllWaitAndAFifthPushesOutTheOldest() {
        var copies = MirrorCopies(slots: 16, window: 1000)
        func isCopy(_ digest: UInt64, time: Int64, point: Int) -> Bool { copies.isCopy(digest, time: time, point: point) }
        // 0x4 to 0x7 and 0x14 to 0x17 share the set of slots 4 to 7 in a 16-slot table.
        #expect(!isCopy(0x4, time: 0, point: 1))
        #expect(!isCopy(0x14, time: 10, point: 1))
        #expect(!isCopy(0x5, time: 20, point: 1))
        #expect(!isCopy(0x15, time: 30, point: 1))
        #expect(isCopy(0x4, time: 40, point: 2))
        #expect(isCopy(0x15, time: 50, point: 2))
        #expect(copies.evictedEarly == 0)
        #expect(!isCopy(0x6, time: 60, point: 1))     // replaces 0x4, seen at 0
        #expect(copies.evictedEarly == 1)
        #expect(isCopy(0x14, time: 70, point: 3))
        #expect(!isCopy(0x4, time: 80, point: 2), "pushed out: taken for a first sighting")
        // 0x4 came back at 80 in place of the oldest, 0x14 (seen at 10).
        #expect(!isCopy(0x14, time: 90, point: 2))   // replaces 0x5 (seen at 20)
        #expect(isCopy(0x15, time: 100, point: 3))
        #expect(isCopy(0x6, time: 110, point: 2))
        #expect(copies.evictedEarly == 3)
        // Past the window the oldest goes without counting: its copies had their time.
        #expect(!isCopy(0x7, time: 2000, point: 1))
        #expect(copies.evictedEarly == 3)
    }

    @Test func theTableGrowsWhileFramesArePushedOutBeforeTheirCopiesCouldCome() {
        var copies = MirrorCopies(slots: 4, maximumSlots: 16, window: 1_000_000_000)
        // One set of four: from the fifth frame on, each pushes out one still within its window.
        // The first frame comes from another point: the table is in use from the second on.
        func isCopy(_ digest: UInt64, time: Int64, point: Int) -> Bool { copies.isCopy(digest, time: time, point: point) }
        for frame in 0..<131 { #expect(!isCopy(UInt64(frame), time: Int64(frame), point: frame == 0 ? 2 : 1)) }
        // 64 early evictions mark a time, 64 more within a second of it double the table.
        #expect(copies.slotCount == 4)
        #expect(copies.evictedEarly == 127)
        #expect(!isCopy(131, time: 131, point: 1))
        #expect(copies.slotCount == 8)
        #expect(copies.evictedEarly == 128)
        // What the full set held is kept across the growth, with the frame that made it grow.
        for frame in 127...131 { #expect(isCopy(UInt64(frame), time: 200, point: 2), "frame \(frame)") }
        for frame in 132..<3000 { _ = copies.isCopy(UInt64(frame), time: Int64(frame), point: 1) }
        #expect(copies.slotCount == 16, "no larger than the maximum")
    }

    @Test func earlyEvictionsSpreadOverSecondsDoNotGrowTheTable() {
        var copies = MirrorCopies(slots: 4, maximumSlots: 16, window: 10_000_000_000)
        // A frame every 100 ms: each pushes out one of 400 ms ago, 64 of them take 6.4 s.
        func isCopy(_ digest: UInt64, time: Int64, point: Int) -> Bool { copies.isCopy(digest, time: time, point: point) }
        for frame in 0..<200 { #expect(!isCopy(UInt64(frame), time: Int64(frame) * 100_000_000, point: frame == 0 ? 2 : 1)) }
        #expect(copies.evictedEarly == 196)
        #expect(copies.slotCount == 4)
    }

    @Test func framesOfOnePointAreLoggedUntilASecondPointShows() {
        // 20,000 frames 10 us apart from point 1 (the log grows past its first 256 entries),
        // then point 2 sees frames 0, 14,000 and 19,999 again at 200 ms: the first is out of the
        // 100 ms window, the others copies, with their delays.
        var copies = MirrorCopies(window: 100_000_000)
        func isCopy(_ digest: UInt64, time: Int64, point: Int) -> Bool { copies.isCopy(digest, time: time, point: point) }
        for frame in 0..<20_000 { #expect(!isCopy(UInt64(frame) &* 0x9E37_79B9, time: Int64(frame) * 10_000, point: 1)) }
        #expect(copies.evictedEarly == 0)
        #expect(copies.slotCount == MirrorCopies.ways, "no table while one point is seen")
        #expect(!isCopy(0, time: 200_000_000, point: 2))
        #expect(copies.slotCount == 1 << 14)
        #expect(isCopy(14_000 &* 0x9E37_79B9, time: 200_000_000, point: 2))
        #expect(isCopy(19_999 &* 0x9E37_79B9, time: 200_000_000, point: 2))
        #expect(copies.clock.pairs.count == 1)
        // The same frame at point 1 again is no copy of point 1's frame: a new one.
        #expect(!isCopy(10_000 &* 0x9E37_79B9, time: 200_000_000, point: 1))
    }

    @Test func aFullLogDropsItsOldestFramesAndCountsThoseWithinTheWindow() {
        // A log of at most 16 entries; 40 frames within one window: 24 dropped early.
        var copies = MirrorCopies(slots: 4, maximumSlots: 16, window: 1_000_000)
        func isCopy(_ digest: UInt64, time: Int64, point: Int) -> Bool { copies.isCopy(digest, time: time, point: point) }
        for frame in 0..<40 { #expect(!isCopy(UInt64(frame) + 1, time: Int64(frame), point: 1)) }
        #expect(copies.evictedEarly == 24)
        // Past the window the oldest goes without counting.
        #expect(!isCopy(100, time: 2_000_000, point: 1))
        #expect(copies.evictedEarly == 24)
        // The last 16 frames of the window were kept: the ones still within it at 1.5 ms are copies.
        var late = MirrorCopies(slots: 16, maximumSlots: 16, window: 1_000_000)
        func lateCopy(_ digest: UInt64, time: Int64, point: Int) -> Bool { late.isCopy(digest, time: time, point: point) }
        for frame in 0..<40 { _ = late.isCopy(UInt64(frame) + 1, time: Int64(frame) * 1_000, point: 1) }
        #expect(!lateCopy(UInt64(24), time: 40_000, point: 2), "dropped from the full log")
        #expect(lateCopy(UInt64(40), time: 40_000, point: 2))
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
