import HairpinWire

/// What a reader learned about one input file, for `hairpin info` and reports.
public struct CaptureFileInfo: Sendable {
    public enum Format: String, Sendable { case pcap, pcapng }

    public var index: Int
    public var path: String
    public var format: Format
    /// pcap sub-format ("standard", "modified (ss991029)", ...); nil for pcapng.
    public var variant: String?
    public var compression: String?
    /// "little-endian", "big-endian", or "mixed" for pcapng with sections of both.
    public var byteOrder: String
    public var version: String
    /// pcap: "µs" or "ns"; pcapng: per interface.
    public var resolution: String?
    public var sections: [CaptureSection]
    public var bytesRead: Int64
    public var customBlocks = 0
    public var nameResolutionBlocks = 0
    public var decryptionSecretsBlocks = 0
    public var statisticsBlocks = 0
    /// Records that left the reorder window early because too many (or, streamed, too many
    /// bytes) were waiting.
    public var recordsForcedByWindowCapacity = 0
    public var anomalies: [Anomaly] = []
}

/// One pcapng section (or one pcap file header).
public struct CaptureSection: Sendable {
    public var offset: Int64
    public var byteOrder: String
    public var version: String
    public var hardware: String?
    public var operatingSystem: String?
    public var application: String?
    public var supported: Bool
}
