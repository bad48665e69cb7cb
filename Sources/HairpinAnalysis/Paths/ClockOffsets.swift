/// Clock offsets between capture points (protocols.md 8.9 R0), from frames seen at two points:
/// per ordered pair, the smallest delay from the first sighting to the copy. With copies both
/// ways, the path delay is the same in each direction at its minimum, so half the difference of
/// the two minimums is how far the second point's clock runs ahead, and half their sum the
/// one-way delay. Captures from one device share a clock and come out at zero.
///
/// A fixed index (`SlotIndex`), probed once per copy: no allocation after the first copy.
struct ClockPairs {
    struct Pair {
        var first: Int
        var copy: Int
        var minimum: Int64
        var samples: Int
    }

    static let maximumPairs = 512
    /// Probed and updated for nearly every frame of a capture of two points: slots reached by
    /// address, where an array checked that its storage was not shared (`GrowingSlots`).
    private(set) var pairs = GrowingSlots<Pair>()
    private var slots = SlotIndex()

    /// A frame first seen at point `first` seen again at `copy`, `delay` later.
    @inline(__always)
    mutating func record(first: Int, copy: Int, delay: Int64) {
        slots.prepare(entries: Self.maximumPairs)
        var slot = slots.first(MobilityTracker.Place.spread(first) ^ MobilityTracker.Place.spread(copy) &* 0xC2B2_AE3D_27D4_EB4F)
        while slots[slot] >= 0 {
            let pair = pairs.base + Int(slots[slot])
            if pair.pointee.first == first && pair.pointee.copy == copy {
                pair.pointee.samples &+= 1
                if delay < pair.pointee.minimum { pair.pointee.minimum = delay }
                return
            }
            slot = slots.next(slot)
        }
        guard pairs.count < Self.maximumPairs else { return }
        slots[slot] = Int32(pairs.count)
        pairs.append(Pair(first: first, copy: copy, minimum: delay, samples: 1))
    }

    /// Each pair of points seen both ways: how far `b`'s clock runs ahead of `a`'s and the
    /// one-way delay; pairs seen one way only have neither.
    func estimates() -> [(a: Int, b: Int, aToB: Int64?, bToA: Int64?, samples: Int)] {
        var byPair: [[Int]: (aToB: Int64?, bToA: Int64?, samples: Int)] = [:]
        for pair in pairs {
            let a = min(pair.first, pair.copy), b = max(pair.first, pair.copy)
            var entry = byPair[[a, b]] ?? (nil, nil, 0)
            if pair.first == a { entry.aToB = pair.minimum } else { entry.bToA = pair.minimum }
            entry.samples += pair.samples
            byPair[[a, b]] = entry
        }
        return byPair.keys.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }.map { key in
            let entry = byPair[key]!
            return (key[0], key[1], entry.aToB, entry.bToA, entry.samples)
        }
    }
}

extension Report {
    /// Two capture points that saw the same frames: the smallest delay each way, and from them
    /// the offset of `b`'s clock against `a`'s and the one-way delay (null when seen one way only).
    public struct ClockPair: Codable, Sendable, Equatable {
        public var a: Place
        public var b: Place
        public var aToBNs: Int64?
        public var bToANs: Int64?
        public var offsetNs: Int64?
        public var oneWayNs: Int64?
        public var samples: Int
    }
}

extension MobilityTracker.Place {
    /// The place a copy-table point stands for (the inverse of `point`).
    init(point: Int) {
        self.init(interface: Int32(truncatingIfNeeded: point >> 40), session: Int32((point >> 20) & 0xF_FFFF) - 1,
                  interfaceIndex: Int64(point & 0xF_FFFF) - 1)
    }
}

extension Analysis {
    /// The clock pairs as the report gives them, and each place's offset from the first place of
    /// the pairs it is linked to both ways (what the path timings are corrected by).
    func clockReport() -> (pairs: [Report.ClockPair], offsets: [MobilityTracker.Place: Int64]) {
        var pairs: [Report.ClockPair] = []
        var links: [MobilityTracker.Place: [(MobilityTracker.Place, Int64)]] = [:]
        for estimate in sightings.clockPairs.estimates() {
            let a = MobilityTracker.Place(point: estimate.a), b = MobilityTracker.Place(point: estimate.b)
            var offset: Int64?, oneWay: Int64?
            if let aToB = estimate.aToB, let bToA = estimate.bToA {
                offset = (aToB - bToA) / 2
                oneWay = (aToB + bToA) / 2
                links[a, default: []].append((b, offset!))
                links[b, default: []].append((a, -offset!))
            }
            pairs.append(Report.ClockPair(a: a.reported(), b: b.reported(), aToBNs: estimate.aToB, bToANs: estimate.bToA, offsetNs: offset,
                                          oneWayNs: oneWay, samples: estimate.samples))
        }
        // Walk each linked group from its first place; the first path found sets an offset.
        var offsets: [MobilityTracker.Place: Int64] = [:]
        for root in links.keys.sorted() where offsets[root] == nil {
            offsets[root] = 0
            var queue = [root]
            while let place = queue.popLast() {
                for (next, offset) in links[place]!.sorted(by: { $0.0 < $1.0 }) where offsets[next] == nil {
                    offsets[next] = offsets[place]! + offset
                    queue.append(next)
                }
            }
        }
        return (pairs, offsets)
    }
}
