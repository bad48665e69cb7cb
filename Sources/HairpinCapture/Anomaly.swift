/// Kinds of damage or oddity a reader meets and counts instead of failing. The raw values are
/// the names reports use.
public enum AnomalyKind: String, CaseIterable, Sendable, Codable, Comparable {
    /// A record or block that the file ends in the middle of.
    case truncatedRecord = "truncated_record"
    /// Zero bytes where a record header should be, up to the end of the file.
    case zeroPadding = "zero_padding"
    /// A record length beyond any plausible frame; the reader resynchronised after it.
    case implausibleLength = "implausible_length"
    /// Bytes skipped while looking for the next plausible record or block.
    case resynchronised = "resynchronised"
    /// Damage after which no plausible record or block was found: the rest of the file is unread.
    case unreadableTail = "unreadable_tail"
    /// Captured length larger than the original length on the wire.
    case capturedExceedsOriginal = "captured_exceeds_original"
    /// Captured length larger than the snapshot length the header promised.
    case capturedExceedsSnaplen = "captured_exceeds_snaplen"
    /// Microsecond field >= 10^6 or nanosecond field >= 10^9.
    case timestampFractionOutOfRange = "timestamp_fraction_out_of_range"
    /// A record older than one already handed on: it stepped back further than the reorder window.
    case outOfOrderBeyondWindow = "out_of_order_beyond_window"
    /// Too many records waited in the reorder window; the oldest went on early.
    case reorderWindowFull = "reorder_window_full"
    /// A second pcap file header in the middle of the file (concatenated captures).
    case concatenatedHeader = "concatenated_header"
    /// pcap version other than 2.4 (read anyway where the layout is known).
    case unusualVersion = "unusual_version"
    /// Reserved bits set in the pcap link-type word.
    case linkTypeReservedBits = "link_type_reserved_bits"
    /// pcapng section with a version this reader does not know: its blocks were skipped.
    case unsupportedSection = "unsupported_section"
    /// pcapng block whose leading and trailing lengths disagree, or that is not a multiple of 4.
    case blockFraming = "block_framing"
    /// pcapng option running past the end of its block.
    case optionOverrun = "option_overrun"
    /// A packet naming an interface no IDB of its section described.
    case unknownInterface = "unknown_interface"
    /// pcapng block before any section header.
    case blockOutsideSection = "block_outside_section"
    /// pcapng block of a type this reader does not know (skipped by its length).
    case unknownBlockType = "unknown_block_type"
    /// Simple packet block in a section with more than one interface.
    case simplePacketAmbiguous = "simple_packet_ambiguous"
    /// Timestamp that does not fit in Int64 nanoseconds, or lies more than 146 years after 1970
    /// (or 73 before): the record takes the previous record's time.
    case timestampOverflow = "timestamp_overflow"
    /// A gzip member or zstd frame the file ends in the middle of: the capture was cut while
    /// compressed (its whole records before the cut are read).
    case compressedStreamCut = "compressed_stream_cut"

    public static func < (lhs: AnomalyKind, rhs: AnomalyKind) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The kind's place in `allCases`: a case without a payload is stored as its place in the
    /// declaration, which `allCases` follows.
    @inline(__always)
    var ordinal: Int { Int(unsafeBitCast(self, to: UInt8.self)) }

    // Hashed and compared by place, not by name (what a raw value's kind does unless told): a
    // count of an anomaly (`AnomalyCounters`) hashed the name, 260 instructions, where a file
    // counts one for every record (a capture of several interfaces read in file order steps
    // back at every turn of interfaces).
    public static func == (lhs: AnomalyKind, rhs: AnomalyKind) -> Bool { lhs.ordinal == rhs.ordinal }
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
}

/// How often one kind of anomaly happened in one file, and where first.
public struct Anomaly: Sendable, Equatable, Codable {
    public var kind: AnomalyKind
    public var count: Int
    public var file: String
    public var firstOffset: Int64?

    public init(kind: AnomalyKind, count: Int, file: String, firstOffset: Int64?) {
        self.kind = kind
        self.count = count
        self.file = file
        self.firstOffset = firstOffset
    }

    enum CodingKeys: String, CodingKey {
        case kind, count, file
        case firstOffset = "first_offset"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(count, forKey: .count)
        try container.encode(file, forKey: .file)
        try container.encode(firstOffset, forKey: .firstOffset)
    }
}

/// Fixed-size per-file counters: counting an anomaly never allocates.
struct AnomalyCounters {
    private var counts = [Int](repeating: 0, count: AnomalyKind.allCases.count)
    private var firstOffsets = [Int64](repeating: -1, count: AnomalyKind.allCases.count)
    private static let indexOfKind: [AnomalyKind: Int] = Dictionary(
        uniqueKeysWithValues: AnomalyKind.allCases.enumerated().map { ($1, $0) })

    /// Through the dictionary, whose lookup hashes the kind's place: indexed by `ordinal`
    /// directly, the readers' plain record loops, which only call this for a rare anomaly, ran 12
    /// more instructions a record (the 64-byte benchmark capture, 141 -> 153), as the optimiser
    /// laid them out otherwise.
    mutating func count(_ kind: AnomalyKind, at offset: Int64, times: Int = 1) {
        let index = Self.indexOfKind[kind]!
        counts[index] += times
        if firstOffsets[index] < 0 { firstOffsets[index] = offset }
    }

    func count(of kind: AnomalyKind) -> Int { counts[Self.indexOfKind[kind]!] }

    /// Anomalies of every kind counted so far.
    var total: Int { counts.reduce(0, +) }

    func list(file: String) -> [Anomaly] {
        AnomalyKind.allCases.enumerated().compactMap { index, kind in
            counts[index] == 0 ? nil
                : Anomaly(kind: kind, count: counts[index], file: file, firstOffset: firstOffsets[index])
        }.sorted { $0.kind < $1.kind }
    }
}
