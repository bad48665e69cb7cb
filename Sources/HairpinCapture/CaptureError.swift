/// Why a capture cannot be read at all. Damage inside a readable file is not an error but a
/// counted `Anomaly`; these end the file (or the run) with one line naming file and offset.
public struct CaptureError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case cannotOpen(errno: Int32)
        case readFailed(errno: Int32)
        case writeFailed(errno: Int32)
        case unknownFormat(magic: UInt32)
        case emptyFile
        case truncatedFileHeader
        case unsupportedVersion(major: Int, minor: Int)
        case decompressionFailed(String)
        case invalidArgument(String)
    }

    public let kind: Kind
    public let file: String
    /// Byte offset in the (decompressed) capture where the problem was found.
    public let offset: Int64

    public init(_ kind: Kind, file: String, offset: Int64) {
        self.kind = kind
        self.file = file
        self.offset = offset
    }

    public var description: String {
        let what: String
        switch kind {
        case .cannotOpen(let code): what = "cannot open: \(systemErrorText(code))"
        case .readFailed(let code): what = "read failed: \(systemErrorText(code))"
        case .writeFailed(let code): what = "write failed: \(systemErrorText(code))"
        case .unknownFormat(let magic):
            what = "not a pcap or pcapng capture (first word 0x\(String(magic, radix: 16, uppercase: false)))"
        case .emptyFile: what = "empty file"
        case .truncatedFileHeader: what = "file ends inside the capture file header"
        case .unsupportedVersion(let major, let minor): what = "unsupported format version \(major).\(minor)"
        case .decompressionFailed(let message): what = "decompression failed: \(message)"
        case .invalidArgument(let message): what = message
        }
        return "\(file): offset \(offset): \(what)"
    }
}
