#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import CLibraries

/// Reads a file descriptor in chunks, inflating gzip (any number of members) or zstd frames
/// when the first bytes say so. Memory stays bounded: one input chunk plus the codec's state.
/// zlib and zstd are loaded by the first stream that needs them (`CLibraries`), not at start-up.
final class InputStream {
    let name: String
    private(set) var compression = ByteSource.Compression.none
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private let input: UnsafeMutableRawPointer
    private static let inputCapacity = 256 << 10
    private var inputStart = 0
    private var inputEnd = 0
    private var inputEOF = false
    /// Compressed bytes consumed so far, for error offsets.
    private var compressedOffset: Int64 = 0
    /// A codec's state and the functions of its library, set together when the input is one.
    private var zlib: (stream: UnsafeMutablePointer<z_stream>, functions: UnsafePointer<hairpin_zlib>)?
    private var zstd: (context: OpaquePointer, functions: UnsafePointer<hairpin_zstd>)?
    /// True while the last gzip member or zstd frame begun has been read to its end (or none
    /// was begun): at the end of the input, false means the stream was cut inside one.
    private(set) var atFrameEnd = true

    static func compression(ofMagic magic: UInt32) -> ByteSource.Compression {
        // Little-endian load of the first four bytes.
        if magic & 0xFFFF == 0x8B1F { return .gzip }
        if magic == 0xFD2F_B528 { return .zstd }
        return .none
    }

    /// Bytes a pipe read from is asked to hold (the most an unprivileged process may ask for,
    /// unless the system lowered it: then a quarter of it).
    static let pipeCapacity: Int32 = 1 << 20

    /// A pipe holds 64 KB by default: its writer and this reader then take turns every 64 KB,
    /// each waking the other. Widened to 1 MB, a 1.5 GB capture passed through `cat |` was read
    /// in 0.29-0.69 s instead of 1.5-2.4 s here.
    private static func widenIfPipe(_ descriptor: Int32) {
        #if os(Linux)
        // F_SETPIPE_SZ, which the C headers give only with _GNU_SOURCE.
        let setPipeSize: Int32 = 1031
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFIFO else { return }
        if fcntl(descriptor, setPipeSize, pipeCapacity) < 0 { _ = fcntl(descriptor, setPipeSize, pipeCapacity / 4) }
        #endif
    }

    init(descriptor: Int32, name: String, ownsDescriptor: Bool) throws(CaptureError) {
        self.name = name
        self.descriptor = descriptor
        self.ownsDescriptor = ownsDescriptor
        input = UnsafeMutableRawPointer.allocate(byteCount: Self.inputCapacity, alignment: 16)
        Self.widenIfPipe(descriptor)
        // Peek at the first bytes (a pipe cannot seek back) to pick the codec.
        // Every stored property is set by now: on a throw below, deinit runs and frees what is
        // held (freeing it here too was a double free, a crash on a directory as input).
        var detected = ByteSource.Compression.none
        while inputEnd < 4 && !inputEOF { try readInput() }
        if inputEnd >= 4 {
            detected = Self.compression(ofMagic: input.loadUnaligned(as: UInt32.self).littleEndian)
        }
        compression = detected
        switch detected {
        case .gzip:
            guard let functions = hairpin_zlib_load() else {
                throw CaptureError(.decompressionFailed(String(cString: hairpin_zlib_error())), file: name, offset: 0)
            }
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            // 15 + 32: maximum window, accept a gzip or zlib header.
            let status = functions.pointee.inflate_init2(stream, 15 + 32, functions.pointee.version(),
                                                         Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else {
                stream.deallocate()
                throw CaptureError(.decompressionFailed("zlib init \(status)"), file: name, offset: 0)
            }
            zlib = (stream, functions)
        case .zstd:
            guard let functions = hairpin_zstd_load() else {
                throw CaptureError(.decompressionFailed(String(cString: hairpin_zstd_error())), file: name, offset: 0)
            }
            guard let context = functions.pointee.create_stream() else {
                throw CaptureError(.decompressionFailed("zstd init"), file: name, offset: 0)
            }
            _ = functions.pointee.init_stream(context)
            zstd = (context, functions)
        case .none:
            break
        }
    }

    deinit {
        if let (stream, functions) = zlib {
            _ = functions.pointee.inflate_end(stream)
            stream.deallocate()
        }
        if let (context, functions) = zstd { _ = functions.pointee.free_stream(context) }
        input.deallocate()
        if ownsDescriptor { close(descriptor) }
    }

    private func readInput() throws(CaptureError) {
        if inputStart > 0 {
            let pending = inputEnd - inputStart
            if pending > 0 { input.copyMemory(from: input + inputStart, byteCount: pending) }
            inputStart = 0
            inputEnd = pending
        }
        inputEnd += try readRetrying(into: input + inputEnd, capacity: Self.inputCapacity - inputEnd)
    }

    /// One `read` of the descriptor, again when a signal interrupted it; 0 marks the end.
    private func readRetrying(into destination: UnsafeMutableRawPointer, capacity: Int) throws(CaptureError) -> Int {
        while true {
            let got = systemRead(descriptor, destination, capacity)
            if got < 0 {
                if currentErrno == EINTR { continue }
                throw CaptureError(.readFailed(errno: currentErrno), file: name, offset: compressedOffset)
            }
            if got == 0 { inputEOF = true }
            return got
        }
    }

    /// Writes up to `capacity` decompressed bytes; returns 0 only at the end of the input.
    /// `offset` is the decompressed offset of the first byte written (for error messages).
    func read(into destination: UnsafeMutableRawPointer, capacity: Int, offset: Int64) throws(CaptureError) -> Int {
        precondition(capacity > 0)
        // Plain bytes with none held back go straight where they are wanted: staged through
        // `input`, every byte of an uncompressed stream was copied once more.
        if compression == .none && inputStart == inputEnd && !inputEOF && capacity >= Self.inputCapacity {
            let got = try readRetrying(into: destination, capacity: capacity)
            compressedOffset += Int64(got)
            return got
        }
        while true {
            if inputStart == inputEnd && !inputEOF { try readInput() }
            let pending = inputEnd - inputStart
            switch compression {
            case .none:
                if pending == 0 { return 0 }
                let count = min(pending, capacity)
                destination.copyMemory(from: input + inputStart, byteCount: count)
                inputStart += count
                compressedOffset += Int64(count)
                return count
            case .gzip:
                guard let (zlib, zlibFunctions) = self.zlib else { return 0 }
                if pending == 0 && inputEOF { return 0 }
                zlib.pointee.next_in = (input + inputStart).assumingMemoryBound(to: Bytef.self)
                zlib.pointee.avail_in = UInt32(pending)
                zlib.pointee.next_out = destination.assumingMemoryBound(to: Bytef.self)
                zlib.pointee.avail_out = UInt32(min(capacity, Int(UInt32.max)))
                let status = zlibFunctions.pointee.inflate(zlib, Z_NO_FLUSH)
                let consumed = pending - Int(zlib.pointee.avail_in)
                inputStart += consumed
                compressedOffset += Int64(consumed)
                let produced = min(capacity, Int(UInt32.max)) - Int(zlib.pointee.avail_out)
                if consumed > 0 || produced > 0 { atFrameEnd = false }
                switch status {
                case Z_OK, Z_BUF_ERROR:
                    if produced > 0 { return produced }
                    if consumed == 0 && inputEOF {
                        throw CaptureError(.decompressionFailed("gzip stream ends early"), file: name, offset: offset)
                    }
                case Z_STREAM_END:
                    // Concatenated gzip members continue the same capture.
                    atFrameEnd = true
                    _ = zlibFunctions.pointee.inflate_reset(zlib)
                    if produced > 0 { return produced }
                default:
                    let message = zlib.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw CaptureError(.decompressionFailed(message), file: name, offset: offset)
                }
            case .zstd:
                guard let (zstd, zstdFunctions) = self.zstd else { return 0 }
                if pending == 0 && inputEOF { return 0 }
                var inBuffer = ZSTD_inBuffer(src: input + inputStart, size: pending, pos: 0)
                var outBuffer = ZSTD_outBuffer(dst: destination, size: capacity, pos: 0)
                let status = zstdFunctions.pointee.decompress_stream(zstd, &outBuffer, &inBuffer)
                if zstdFunctions.pointee.is_error(status) != 0 {
                    let message = zstdFunctions.pointee.error_name(status).map { String(cString: $0) } ?? "zstd error \(status)"
                    throw CaptureError(.decompressionFailed(message), file: name, offset: offset)
                }
                inputStart += inBuffer.pos
                compressedOffset += Int64(inBuffer.pos)
                // 0: the frame is decoded and flushed whole.
                if inBuffer.pos > 0 || outBuffer.pos > 0 { atFrameEnd = status == 0 }
                if outBuffer.pos > 0 { return outBuffer.pos }
                if inBuffer.pos == 0 && inputEOF {
                    throw CaptureError(.decompressionFailed("zstd stream ends early"), file: name, offset: offset)
                }
            }
        }
    }
}
