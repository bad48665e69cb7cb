import HairpinWire

/// One captured packet as the rest of the program sees it. `bytes` points into the reader's
/// mapping or stream buffer and is valid only until the reader is asked for the next record:
/// copy what must outlive the loop body. Nothing here is allocated per record.
public struct Record {
    /// Global interface id (index into the reader's `interfaces`).
    public var interface: Int
    public var linkType: LinkType
    /// Nanoseconds since the Unix epoch.
    public var timestamp: Int64
    /// Length of the packet on the wire; `bytes.count` is what was captured.
    public var originalLength: Int
    public var bytes: UnsafeRawBufferPointer
    public var direction: Direction
    /// pcapng `epb_flags` as written (0 when absent).
    public var flags: UInt32
    /// Index of the input file in the run.
    public var fileIndex: Int
    /// Byte offset of the record header or block in its (decompressed) file.
    public var fileOffset: Int64
    /// False for pcapng Simple Packet Blocks, which carry no time: `timestamp` is then the
    /// previous record's.
    public var hasTimestamp: Bool

    public init(interface: Int, linkType: LinkType, timestamp: Int64, originalLength: Int, bytes: UnsafeRawBufferPointer,
                direction: Direction, flags: UInt32, fileIndex: Int, fileOffset: Int64, hasTimestamp: Bool) {
        self.interface = interface
        self.linkType = linkType
        self.timestamp = timestamp
        self.originalLength = originalLength
        self.bytes = bytes
        self.direction = direction
        self.flags = flags
        self.fileIndex = fileIndex
        self.fileOffset = fileOffset
        self.hasTimestamp = hasTimestamp
    }
}

/// A record read from a file but not yet handed on: where its bytes are, not the bytes.
struct PendingRecord {
    var timestamp: Int64
    var dataOffset: Int64
    var recordOffset: Int64
    var capturedLength: UInt32
    var originalLength: UInt32
    /// The interface's ordinal within its file (the reorder queue it waits in).
    var ordinal: Int32
    var flags: UInt32
    var hasTimestamp: Bool
}
