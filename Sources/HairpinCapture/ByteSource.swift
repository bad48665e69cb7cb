#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The bytes of one capture input, addressed by their offset in the (decompressed) capture.
///
/// A regular uncompressed file is mapped whole (standard input too, when redirected from one):
/// every offset stays valid until the source is released and nothing is copied. Pipes and
/// compressed files are streamed through a buffer that holds a sliding range of offsets; `fill`
/// moves the range forward, keeping what pending records still point into. The buffer grows
/// only as far as a record needs, never beyond `maximumBuffer`.
///
/// Where the system allows, a stream's bytes are held in a ring mapped twice over, which a thread
/// of its own fills straight from the stream (`StreamRing`, `Buffering.mirrored`): offsets wrap
/// around it, any range of its size is contiguous, and the bytes kept never move. Otherwise
/// (`.sliding`) that thread reads the stream into a small plain ring, copied into a plain buffer
/// whose kept bytes are slid to its front, and which doubles when they hold most of it: on
/// the 1514-byte benchmark capture read from standard input, the slides, the copies into each
/// larger buffer and the first writes to its fresh pages (2.3 times the ring's page faults) took
/// about two thirds of the reading thread's time.
final class ByteSource {
    let name: String
    /// Pointer to the byte at `baseOffset`.
    // Read for every record: exempt from dynamic exclusivity checks (one reader, one thread).
    @exclusivity(unchecked) private(set) var base: UnsafeRawPointer
    @exclusivity(unchecked) private(set) var baseOffset: Int64 = 0
    /// Bytes available from `base`.
    @exclusivity(unchecked) private(set) var available: Int
    /// True once every byte of the input is in the range (end of input reached).
    @exclusivity(unchecked) private(set) var reachedEnd: Bool
    let isMapped: Bool
    let compression: Compression

    enum Compression: String, Sendable { case none, gzip, zstd }

    private var mappedLength = 0
    /// A stream's bytes, in one of two ways (`Buffering`): a ring filled by its own thread, or a
    /// plain buffer filled from `stream`, a small ring read ahead the same way.
    private var ring: StreamRing?
    private var buffer: UnsafeMutableRawPointer?
    private var bufferCapacity = 0
    private var stream: StreamRing?
    /// The read-ahead of the sliding buffer's stream: room for a few reads of the stream.
    private static let slidingReadAhead = 4 << 20

    static let maximumBuffer = 1 << 30
    private static let initialBuffer = 1 << 20

    /// How a stream's bytes are held.
    enum Buffering: Equatable, Sendable {
        /// A ring of this many bytes (a power of two, a multiple of the page size) mapped twice;
        /// `.sliding` where the system cannot map one.
        case mirrored(capacity: Int)
        case sliding
        /// Twice what waiting records and the read-ahead may keep (`CaptureReader.Options
        /// .streamRetainBudget`): room for the filler to read as much again ahead of them. Its
        /// pages are made only as the stream's bytes reach them.
        static let standard = Buffering.mirrored(capacity: 64 << 20)
    }

    private init(name: String, mapped: UnsafeRawPointer, length: Int) {
        self.name = name
        base = mapped
        available = length
        mappedLength = length
        reachedEnd = true
        isMapped = true
        compression = .none
    }

    private init(name: String, stream: InputStream, buffering: Buffering) {
        self.name = name
        compression = stream.compression
        isMapped = false
        reachedEnd = false
        if case .mirrored(let capacity) = buffering, let ring = StreamRing(stream: stream, capacity: capacity) {
            self.ring = ring
            base = UnsafeRawPointer(ring.base)
        } else {
            self.stream = StreamRing(stream: stream, plainCapacity: Self.slidingReadAhead)
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.initialBuffer, alignment: 16)
            self.buffer = buffer
            bufferCapacity = Self.initialBuffer
            base = UnsafeRawPointer(buffer)
        }
        available = 0
    }

    deinit {
        if isMapped, mappedLength > 0 {
            munmap(UnsafeMutableRawPointer(mutating: base), mappedLength)
        }
        ring?.letGo()
        stream?.letGo()
        buffer?.deallocate()
    }

    /// Opens a path (`-` is standard input), mapping it when it is a plain regular file and
    /// streaming it otherwise. Compression is recognised by magic, not by name.
    static func opening(_ path: String, buffering: Buffering = .standard) throws(CaptureError) -> ByteSource {
        if path == "-" { return try openingStandardInput(buffering: buffering) }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 { throw CaptureError(.cannotOpen(errno: currentErrno), file: path, offset: 0) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = currentErrno
            close(descriptor)
            throw CaptureError(.cannotOpen(errno: code), file: path, offset: 0)
        }
        if (info.st_mode & S_IFMT) == S_IFREG && info.st_size == 0 {
            close(descriptor)
            throw CaptureError(.emptyFile, file: path, offset: 0)
        }
        if let length = mappableLength(descriptor, info) {
            do {
                let mapped = try mapping(descriptor, length: length, name: path)
                close(descriptor)
                return mapped
            } catch {
                close(descriptor)
                throw error
            }
        }
        return ByteSource(name: path, stream: try InputStream(descriptor: descriptor, name: path, ownsDescriptor: true),
                          buffering: buffering)
    }

    /// Standard input (`descriptor`) redirected from a regular uncompressed file, as in
    /// `hairpin analyze - < capture`, is mapped as the file named would be: no copy through a
    /// ring, and the reading thread's speed of a mapped file. Only from the file's start: a shell
    /// that left the offset further on has the rest streamed, as are pipes, terminals and
    /// compressed files (or a file the system cannot map).
    static func openingStandardInput(descriptor: Int32 = 0, name: String = "-",
                                     buffering: Buffering = .standard) throws(CaptureError) -> ByteSource {
        if let length = mappableStandardInput(descriptor), let mapped = try? mapping(descriptor, length: length, name: name) {
            return mapped
        }
        return ByteSource(name: name, stream: try InputStream(descriptor: descriptor, name: name, ownsDescriptor: false),
                          buffering: buffering)
    }

    /// Whether `path` is read as a stream rather than mapped (`opening`): what the reader shares
    /// the streams' memory out by before it opens any. A path that cannot be opened, or an empty
    /// file, fails on opening whatever this says.
    static func isStreamed(_ path: String) -> Bool {
        if path == "-" { return mappableStandardInput(0) == nil }
        // Only a regular file is opened to read its magic: opening a named pipe would wait for its
        // writer, and closing it again could leave the writer with no reader.
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return true }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return mappableLength(descriptor, info) == nil
    }

    /// `mappableLength` of standard input, when it is read from the file's start.
    private static func mappableStandardInput(_ descriptor: Int32) -> Int? {
        var info = stat()
        guard lseek(descriptor, 0, SEEK_CUR) == 0, fstat(descriptor, &info) == 0 else { return nil }
        return mappableLength(descriptor, info)
    }

    /// The length of the file open at `descriptor`, whose status is `info`, when it can be
    /// mapped: a regular file, not empty, whose magic names no compression.
    private static func mappableLength(_ descriptor: Int32, _ info: stat) -> Int? {
        guard (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 else { return nil }
        var magic: UInt32 = 0
        let got = withUnsafeMutableBytes(of: &magic) { pread(descriptor, $0.baseAddress, 4, 0) }
        guard got < 4 || InputStream.compression(ofMagic: magic) == .none else { return nil }
        return Int(info.st_size)
    }

    /// The `length` bytes of the file open at `descriptor` mapped; the descriptor stays open.
    private static func mapping(_ descriptor: Int32, length: Int, name: String) throws(CaptureError) -> ByteSource {
        guard let mapped = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0),
              mapped != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw CaptureError(.readFailed(errno: currentErrno), file: name, offset: 0)
        }
        _ = madvise(mapped, length, MADV_SEQUENTIAL)
        return ByteSource(name: name, mapped: UnsafeRawPointer(mapped), length: length)
    }

    /// Makes offsets `offset ..< offset + length` available, keeping every offset from
    /// `retainFrom` on. Returns false when the input ends first; `available` then reaches
    /// the end of the input.
    @inline(__always)
    func fill(offset: Int64, length: Int, retainFrom: Int64) throws(CaptureError) -> Bool {
        if offset + Int64(length) <= baseOffset + Int64(available) { return true }
        if reachedEnd { return false }
        return try refill(upTo: offset + Int64(length), retainFrom: min(retainFrom, offset))
    }

    /// Pointer to `offset`, which the caller made available with `fill`.
    @inline(__always)
    func pointer(at offset: Int64) -> UnsafeRawPointer {
        base + Int(offset - baseOffset)
    }

    /// Mapped pages are handed back this far behind the reader, in steps of this size.
    static let releaseStep: Int64 = 64 << 20

    /// How far the mapped pages were handed back.
    private var releasedTo: Int64 = 0

    /// Tells the kernel the mapped pages before `offset` will not be needed soon, so resident
    /// memory stays bounded on files of any size. A record still pointing there stays valid
    /// (another thread may still be reading it): the mapping is read-only and a page touched
    /// again is read back from the page cache.
    func release(before offset: Int64) {
        guard isMapped, offset - releasedTo >= Self.releaseStep else { return }
        let page = Int64(sysconf(Int32(_SC_PAGESIZE)))
        handBack(upTo: min(offset, Int64(mappedLength)) / page * page)
    }

    /// Hands back every mapped page still held, as `release(before:)` does those behind the
    /// reader. A thread done with its part of a file calls it, so that the pages are not all
    /// unmapped at the end, one mapping after another on one thread.
    func releaseAll() {
        guard isMapped else { return }
        handBack(upTo: Int64(mappedLength))
    }

    /// `MADV_DONTNEED` from where the pages were handed back so far up to `end`.
    private func handBack(upTo end: Int64) {
        guard end > releasedTo else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + Int(releasedTo)), Int(end - releasedTo), MADV_DONTNEED)
        releasedTo = end
    }

    /// The whole mapping of a mapped file (nil for a stream): its address never changes.
    var mapping: UnsafeRawBufferPointer? {
        isMapped ? UnsafeRawBufferPointer(start: base, count: mappedLength) : nil
    }

    /// The bytes a stream's mirrored ring holds (nil when mapped or buffered otherwise).
    var ringCapacity: Int? { ring?.capacity }

    /// True once a compressed stream's end was reached inside a gzip member or zstd frame.
    var streamWasCut: Bool { ring?.wasCut ?? stream?.wasCut ?? false }

    /// Offset one past the last byte available now.
    var endOffset: Int64 { baseOffset + Int64(available) }

    /// Drops what is not kept and reads until `wanted` is covered, and further (a pipe gives at
    /// most 64 KiB per read, and each refill has a cost). The buffer grows only when it is full
    /// of real data, so a length field claiming gigabytes in a short stream costs no more memory
    /// than the stream's own bytes.
    private func refill(upTo wanted: Int64, retainFrom: Int64) throws(CaptureError) -> Bool {
        if let ring { return try refill(ring, upTo: wanted, retainFrom: retainFrom) }
        guard let stream, var buffer else { return false }
        let keepFrom = max(baseOffset, min(retainFrom, baseOffset + Int64(available)))
        let drop = Int(keepFrom - baseOffset)
        let kept = available - drop
        if kept > bufferCapacity / 2 && bufferCapacity < Self.maximumBuffer {
            // Records still waiting (the reorder window) hold most of the buffer: sliding them
            // down for every little read would copy them over and over. Twice the room instead,
            // so each byte is moved a bounded number of times.
            let capacity = min(bufferCapacity * 2, Self.maximumBuffer)
            let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
            grown.copyMemory(from: buffer + drop, byteCount: kept)
            buffer.deallocate()
            buffer = grown
            self.buffer = grown
            bufferCapacity = capacity
        } else if drop > 0 && kept > 0 {
            buffer.copyMemory(from: buffer + drop, byteCount: kept)
        }
        base = UnsafeRawPointer(buffer)
        baseOffset = keepFrom
        available = kept
        // Reading only up to `wanted` would slide the kept bytes down again after every read.
        let goal = max(wanted, baseOffset + Int64(available) + Int64((bufferCapacity - available) / 2))
        while baseOffset + Int64(available) < goal {
            if available == bufferCapacity {
                guard bufferCapacity < Self.maximumBuffer else { throw Self.heldTooMuch(file: name, offset: baseOffset) }
                let capacity = min(bufferCapacity * 2, Self.maximumBuffer)
                let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
                grown.copyMemory(from: buffer, byteCount: available)
                buffer.deallocate()
                buffer = grown
                self.buffer = grown
                bufferCapacity = capacity
                base = UnsafeRawPointer(grown)
            }
            let produced = try stream.read(into: buffer + available, capacity: bufferCapacity - available)
            if produced == 0 {
                reachedEnd = true
                return baseOffset + Int64(available) >= wanted
            }
            available += produced
        }
        return true
    }

    /// `refill` from the ring: what is dropped is only let go, for its filler to write over, and
    /// what it has read is there already.
    private func refill(_ ring: StreamRing, upTo wanted: Int64, retainFrom: Int64) throws(CaptureError) -> Bool {
        let keepFrom = max(baseOffset, min(retainFrom, endOffset))
        let (end, isEnd) = try ring.bytes(upTo: wanted, keeping: keepFrom)
        baseOffset = keepFrom
        available = Int(end - keepFrom)
        base = UnsafeRawPointer(ring.base + Int(keepFrom & Int64(ring.capacity - 1)))
        if isEnd { reachedEnd = true }
        return end >= wanted
    }

    /// What a stream that would need more than `maximumBuffer` held at once fails with.
    static func heldTooMuch(file: String, offset: Int64) -> CaptureError {
        CaptureError(.invalidArgument("more than \(maximumBuffer >> 20) MiB would have to be held in memory"), file: file, offset: offset)
    }
}
