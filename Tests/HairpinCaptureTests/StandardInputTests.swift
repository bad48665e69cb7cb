import Foundation
import Testing
@testable import HairpinCapture

/// Standard input redirected from a regular uncompressed capture is mapped like the file itself;
/// from anywhere but the file's start, from a compressed file or from a pipe it is streamed.
@Suite struct StandardInputTests {
    func capture() -> [UInt8] {
        var pcap = PcapBuilder()
        for index in 0..<200 {
            pcap.record(seconds: UInt32(index), fraction: 0, frame: frame(60 + index, seed: UInt8(index & 0xFF)))
        }
        return pcap.bytes
    }

    /// Every byte `source` holds, read to its end.
    func contents(_ source: ByteSource) throws -> [UInt8] {
        var offset: Int64 = 0
        var bytes: [UInt8] = []
        while try source.fill(offset: offset, length: 1, retainFrom: offset) {
            let count = Int(source.endOffset - offset)
            bytes += UnsafeRawBufferPointer(start: source.pointer(at: offset), count: count)
            offset += Int64(count)
        }
        return bytes
    }

    func opened(_ path: String) throws -> Int32 {
        let descriptor = open(path, O_RDONLY)
        try #require(descriptor >= 0)
        return descriptor
    }

    @Test func aRedirectedPlainFileIsMapped() throws {
        let files = TemporaryFiles()
        let bytes = capture()
        let descriptor = try opened(files.write(bytes, name: "input.pcap"))
        defer { close(descriptor) }
        let source = try ByteSource.openingStandardInput(descriptor: descriptor)
        #expect(source.isMapped)
        #expect(source.endOffset == Int64(bytes.count))
        #expect(try contents(source) == bytes)
    }

    @Test func aFileReadFromFurtherOnIsStreamedFromThere() throws {
        let files = TemporaryFiles()
        let bytes = capture()
        let descriptor = try opened(files.write(bytes, name: "input.pcap"))
        defer { close(descriptor) }
        #expect(lseek(descriptor, 24, SEEK_SET) == 24)
        let source = try ByteSource.openingStandardInput(descriptor: descriptor)
        #expect(!source.isMapped)
        #expect(try contents(source) == Array(bytes[24...]))
    }

    @Test func aCompressedFileIsStreamedAndInflated() throws {
        let files = TemporaryFiles()
        let bytes = capture()
        let descriptor = try opened(files.write(try gzip(bytes), name: "input.pcap.gz"))
        defer { close(descriptor) }
        let source = try ByteSource.openingStandardInput(descriptor: descriptor)
        #expect(!source.isMapped)
        #expect(source.compression == .gzip)
        #expect(try contents(source) == bytes)
    }

    @Test func aPipeIsStreamed() throws {
        let bytes = capture()
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let writeEnd = ends[1]
        let writer = Thread {
            bytes.withUnsafeBytes { buffer in
                var written = 0
                while written < buffer.count {
                    let count = write(writeEnd, buffer.baseAddress! + written, buffer.count - written)
                    if count <= 0 { break }
                    written += count
                }
            }
            close(writeEnd)
        }
        writer.start()
        defer { close(ends[0]) }
        let source = try ByteSource.openingStandardInput(descriptor: ends[0])
        #expect(!source.isMapped)
        #expect(try contents(source) == bytes)
    }
}
