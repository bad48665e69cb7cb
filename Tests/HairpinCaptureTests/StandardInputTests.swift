import HairpinTestSupport
import Foundation
import Synchronization
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
        Thread { writeAndClose(bytes, writeEnd) }.start()
        defer { close(ends[0]) }
        let source = try ByteSource.openingStandardInput(descriptor: ends[0])
        #expect(!source.isMapped)
        // Widened from its 64 KB (F_GETPIPE_SZ), so that writer and reader take turns less often.
        #expect(fcntl(ends[0], 1032) >= InputStream.pipeCapacity / 4)
        #expect(try contents(source) == bytes)
    }
}

/// Inputs merged with named pipes among them: sharing out the streams' memory looks at each
/// input first, and must not open a pipe to do so (that waited for its writer, and closing it
/// again left the writer without a reader).
@Suite struct NamedPipeInputsTests {
    @Test func twoNamedPipesBesideAFileAreReadWhole() throws {
        // A writer left without a reader would get SIGPIPE: the failure is wanted as a short
        // read, not a dead test process.
        signal(SIGPIPE, SIG_IGN)
        let files = TemporaryFiles()
        var pcap = PcapBuilder()
        for index in 0..<400 { pcap.record(seconds: UInt32(index), fraction: 0, frame: frame(300, seed: UInt8(index & 0xFF))) }
        let bytes = pcap.bytes
        let plain = files.write(bytes, name: "plain.pcap")
        var pipes: [String] = []
        let directory = FileManager.default.temporaryDirectory.path
        for index in 0..<2 {
            let path = "\(directory)/hairpin-fifo-\(UUID().uuidString)-\(index)"
            try #require(mkfifo(path, 0o600) == 0)
            pipes.append(path)
            Thread {
                let descriptor = open(path, O_WRONLY)
                if descriptor >= 0 { writeAndClose(bytes, descriptor) }
            }.start()
        }
        defer { for path in pipes { unlink(path) } }
        // Opening a pipe to look at it and closing it again left the reader waiting in open for
        // a writer that had given up: after 20 s a writer that comes and goes at once lets it
        // on, to a short read and a failure rather than a hang.
        let finished = Mutex(false)
        let watchedPipes = pipes
        DispatchQueue.global().asyncAfter(deadline: .now() + 20) {
            guard !finished.withLock({ $0 }) else { return }
            for path in watchedPipes {
                let descriptor = open(path, O_WRONLY | O_NONBLOCK)
                if descriptor >= 0 { close(descriptor) }
            }
        }
        defer { finished.withLock { $0 = true } }
        #expect(!ByteSource.isStreamed(plain))
        let reader = try CaptureReader(paths: pipes + [plain])
        var count = 0
        while try reader.next() != nil { count += 1 }
        #expect(count == 3 * 400)
        #expect(reader.anomalies.isEmpty, "\(reader.anomalies)")
    }
}

/// Writes `bytes` to `descriptor` (a pipe's writing end), as far as the reader takes them, and
/// closes it.
func writeAndClose(_ bytes: [UInt8], _ descriptor: Int32) {
    bytes.withUnsafeBytes { buffer in
        var written = 0
        while written < buffer.count {
            let count = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            if count <= 0 { break }
            written += count
        }
    }
    close(descriptor)
}

/// An input that cannot be read (a directory) is an error, not a crash: the stream's buffer was
/// freed twice when its first read failed.
@Suite struct UnreadableInputTests {
    @Test func aDirectoryAsStandardInputIsAnError() throws {
        let descriptor = open(FileManager.default.temporaryDirectory.path, O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        #expect(throws: CaptureError.self) { try ByteSource.openingStandardInput(descriptor: descriptor) }
        // A reader of it says why, with the file's name.
        let failure = #expect(throws: CaptureError.self) { try CaptureReader(paths: [FileManager.default.temporaryDirectory.path]) }
        #expect(failure.map { "\($0)" }?.contains("Is a directory") == true, "\(String(describing: failure))")
    }
}
