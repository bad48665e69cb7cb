import CPlatform
import HairpinWire

/// Tells a frame's first sighting from its copies on other capture points (a broadcast flooded
/// to every mirrored port, a unicast crossing the DCI): a table of recent frame digests, four
/// ways per set, so time per frame is constant and busy frames that share a set do not push
/// each other out before their copies arrive. A copy missed is taken for a sighting, and one
/// such sighting of a busy host away from home starts a departure its path is then followed
/// by: with 16,384 slots in sets of two, the vMotion stream of the hairpin scenario, copied
/// 1.5 ms later to the far host's uplink, had its source followed as if it had moved (and at
/// scale 60 both hosts, a quarter of the analysis' instructions spent on them). The table
/// doubles, up to `maximumSlots`, while digests are pushed out before their window ended
/// (`growthEvictions` within a second of capture): the rate of frames times the delay of
/// their copies decides how many must wait, and a larger table than that costs cache misses
/// on every frame (65,536 slots from the start: the hairpin scenario at scale 60 a quarter
/// slower on one thread than with 16,384). A digest seen at another point within `window` is
/// a copy; at the same point, a new frame (RARP bursts repeat their bytes).
///
/// While every frame so far came from one capture point, none can be a copy (the common capture
/// of one SPAN port): their digests are only written in order to a log of the window's frames,
/// no table is looked up, and the table is made when a second point first shows, from the
/// logged digests still within the window entered as they would have been one by one
/// (`leaveSinglePoint`). A capture of 100,000 flows from one point, one thread: 1,138 -> 1,046
/// instructions a frame, 128 -> 91 ms for 200,000 frames (the table had grown to hold the
/// window's frames at random places; the log is written in order).
///
/// A copy of this value shares its table: it is kept by one analysis, which hands it over whole.
struct MirrorCopies {
    private struct Slot {
        var digest: UInt64 = 0
        var time: Int64 = .min
        var point: Int = 0
    }

    /// A frame of the single point, in the log.
    private struct Logged {
        var digest: UInt64 = 0
        var time: Int64 = .min
    }

    /// Whether every frame so far came from `onlyPoint` (`.min` before the first).
    private var singlePoint = true
    private var onlyPoint = Int.min
    /// The single point's frames, a ring of a power of two (`logMask + 1` entries, the next to
    /// write at `logEnd`, masked): the entry written over is the oldest, or empty (time `.min`).
    /// When it is still within the window the ring doubles, up to `maximumSlots`.
    private var log: SlotStorage<Logged>
    private var logBase: UnsafeMutablePointer<Logged>
    private var logMask: Int
    private var logEnd = 0
    /// The table's size when it is made.
    private let initialSlots: Int
    /// Small for a small capture's sake (the ring doubles as a window's frames need): 4,096
    /// entries cost a run on a 1 KB capture 54 more page faults.
    static let initialLogEntries = 256

    /// The slots, indexed under `setMask`.
    private var table: SlotStorage<Slot>
    /// The first slot of a digest's set: its low bits with the way bits cleared.
    private var setMask: Int
    static let ways = 4
    let window: Int64
    let maximumSlots: Int
    private(set) var clock = ClockPairs()
    /// Digests pushed out of the table younger than the window: a copy of one, if one was still
    /// to come, was taken for a sighting.
    private(set) var evictedEarly = 0
    /// This many early evictions within a second of capture time make the table grow.
    static let growthEvictions = 64
    /// `evictedEarly` and the frame time when the last `growthEvictions` began.
    private var growthMark: (evicted: Int, time: Int64) = (0, .min)

    /// `count` and `maximumSlots`: powers of two, at least `ways`.
    init(slots count: Int = 1 << 14, maximumSlots: Int = 1 << 20, window: Int64) {
        precondition(count >= Self.ways && count & (count - 1) == 0, "a power of two of at least one set of slots")
        initialSlots = count
        // One set until a second point shows (`leaveSinglePoint`).
        table = SlotStorage(repeating: Slot(), count: Self.ways)
        setMask = 0
        self.maximumSlots = max(count, maximumSlots)
        log = SlotStorage(repeating: Logged(), count: min(Self.initialLogEntries, self.maximumSlots))
        logBase = log.base
        logMask = log.count - 1
        self.window = window
    }

    /// Slots in the table now.
    var slotCount: Int { table.count }
    /// Whether frames are looked up in the table: a second capture point showed.
    var looksUp: Bool { !singlePoint }

    /// True when the frame was already seen at another point (capture interface, ERSPAN session,
    /// SLL2 interface: `point` identifies one) within the window.
    /// Copies feed `clock` with the delay from the first sighting.
    @inline(__always)
    mutating func isCopy(_ digest: UInt64, time: Int64, point: Int) -> Bool {
        if singlePoint {
            if point != onlyPoint {
                if onlyPoint != .min { return leaveSinglePoint(digest, time: time, point: point) }
                onlyPoint = point
            }
            append(Logged(digest: digest, time: time))
            return false
        }
        return isCopyInTable(digest, time: time, point: point)
    }

    /// Logs a frame of the single point over the oldest entry, unless that one is still within
    /// the window (`makeRoomInLog`).
    @inline(__always)
    private mutating func append(_ entry: Logged) {
        var slot = logBase + (logEnd & logMask)
        if slot.pointee.time >= entry.time &- window { slot = makeRoomInLog(for: entry) }
        slot.pointee = entry
        logEnd &+= 1
    }

    /// The slot for `entry` in a full log whose oldest frame is still within the window: in a
    /// log twice the size, the entries moved in order to its start, or at the largest size over
    /// the oldest (counted as evicted early: a copy of it, if one was to come, will be missed).
    @inline(never)
    private mutating func makeRoomInLog(for entry: Logged) -> UnsafeMutablePointer<Logged> {
        guard log.count < maximumSlots else {
            evictedEarly += 1
            return logBase + (logEnd & logMask)
        }
        let old = log
        log = SlotStorage(repeating: Logged(), count: old.count * 2)
        for index in 0..<old.count { log.base[index] = old.base[(logEnd &+ index) & logMask] }
        logBase = log.base
        logMask = log.count - 1
        logEnd = old.count
        return logBase + logEnd
    }

    /// A frame from a second point: the table is made and takes the logged frames still within
    /// the window, in their order, as it would have taken each when it came; then this frame.
    @inline(never)
    private mutating func leaveSinglePoint(_ digest: UInt64, time: Int64, point: Int) -> Bool {
        singlePoint = false
        table = SlotStorage(repeating: Slot(), count: initialSlots)
        setMask = (initialSlots - 1) & ~(Self.ways - 1)
        for index in 0...logMask {
            let entry = logBase[(logEnd &+ index) & logMask]
            if entry.time != .min && time - entry.time <= window { _ = isCopyInTable(entry.digest, time: entry.time, point: onlyPoint) }
        }
        log = SlotStorage(repeating: Logged(), count: 1)
        logBase = log.base
        logMask = 0
        logEnd = 0
        return isCopyInTable(digest, time: time, point: point)
    }

    @inline(__always)
    private mutating func isCopyInTable(_ digest: UInt64, time: Int64, point: Int) -> Bool {
        let set = table.base + (Int(truncatingIfNeeded: digest) & setMask)
        // The way holding this digest, else the one used longest ago (an empty one first).
        var oldest = 0
        for way in 0..<Self.ways {
            let slot = set[way]
            if slot.digest == digest && slot.time != .min {
                if slot.point != point && time - slot.time <= window {
                    clock.record(first: slot.point, copy: point, delay: time - slot.time)
                    return true
                }
                set[way] = Slot(digest: digest, time: time, point: point)
                return false
            }
            if slot.time < set[oldest].time { oldest = way }
        }
        if set[oldest].time != .min && time - set[oldest].time <= window {
            evictedEarly += 1
            if evictedEarly - growthMark.evicted >= Self.growthEvictions, growIfBusy(at: time) {
                enter(Slot(digest: digest, time: time, point: point))
                return false
            }
        }
        set[oldest] = Slot(digest: digest, time: time, point: point)
        return false
    }

    /// Writes `slot` over the oldest of its set.
    private func enter(_ slot: Slot) {
        let set = table.base + (Int(truncatingIfNeeded: slot.digest) & setMask)
        var oldest = 0
        for way in 1..<Self.ways where set[way].time < set[oldest].time { oldest = way }
        set[oldest] = slot
    }

    /// Doubles the table when the last `growthEvictions` early evictions came within a second,
    /// keeping the digests still within their window; returns whether it grew.
    @inline(never)
    private mutating func growIfBusy(at time: Int64) -> Bool {
        let busy = growthMark.time != .min && time - growthMark.time < 1_000_000_000
        growthMark = (evictedEarly, time)
        guard busy, table.count < maximumSlots else { return false }
        let old = table
        table = SlotStorage(repeating: Slot(), count: old.count * 2)
        setMask = (table.count - 1) & ~(Self.ways - 1)
        for slot in old.all where slot.time != .min && time - slot.time <= window { enter(slot) }
        return true
    }

    /// Asks for the set of `digest`, a few frames before `isCopy` reads it. Mutating, so the
    /// analysis calls it in place: a read of the filter holding it copied it, its tables
    /// retained and released, for every frame (a fifth of the analysing thread's instructions
    /// on the hairpin scenario).
    @inline(__always)
    mutating func prefetch(_ digest: UInt64) {
        // The log is written in order: nothing to ask for ahead.
        if singlePoint { return }
        let set = table.base + (Int(truncatingIfNeeded: digest) & setMask)
        // Four slots of 24 bytes from a multiple of 96 bytes past a line's start: two lines,
        // the first byte's and the last's.
        let bytes = UnsafeRawPointer(set)
        hairpin_prefetch(bytes)
        hairpin_prefetch(bytes + Self.ways * MemoryLayout<Slot>.stride - 1)
    }

    /// A digest of what stays the same on every point a frame crosses in its L2 domain: the
    /// source MAC and up to 48 bytes from the network layer (tags and tunnels stripped): the IP
    /// header with its identification and the start of the transport header, or the ARP body.
    /// Three independent 128-bit multiplies of word pairs, not a byte-serial hash: a frame pays
    /// this once, on the reading thread.
    @inline(__always)
    static func digest(_ bytes: UnsafeRawBufferPointer, from offset: Int, source: MACAddress) -> UInt64 {
        let start = max(0, offset)
        let count = min(bytes.count - start, 48)
        let seed = source.rawValue ^ 0x9E37_79B9_7F4A_7C15
        guard let base = bytes.baseAddress, count > 0 else { return mix(seed, 0xA076_1D64_78BD_642F) }
        if count == 48 { return digest(words: base + start, seed: seed, count: 48) }
        // Shorter: the bytes there are, zero-filled to 48.
        var padded: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &padded) { buffer in
            buffer.baseAddress!.copyMemory(from: base + start, byteCount: count)
            return digest(words: UnsafeRawPointer(buffer.baseAddress!), seed: seed, count: count)
        }
    }

    @inline(__always)
    private static func digest(words p: UnsafeRawPointer, seed: UInt64, count: Int) -> UInt64 {
        func word(_ index: Int) -> UInt64 { p.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self) }
        let first = mix(word(0) ^ 0xE703_7ED1_A0B4_28DB, word(1) ^ seed)
        let second = mix(word(2) ^ 0x8EBC_6AF0_9C88_C6E3, word(3) ^ seed)
        let third = mix(word(4) ^ 0x5899_65CC_7537_4CC3, word(5) ^ seed)
        return mix(first ^ (second << 29 | second >> 35) ^ UInt64(count), third ^ 0x1D8E_4E27_C47D_124F)
    }

    /// Both halves of the full product, folded: every input bit reaches most output bits.
    @inline(__always)
    private static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }
}

