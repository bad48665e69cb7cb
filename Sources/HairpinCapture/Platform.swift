#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CPlatform
import Dispatch

func systemErrorText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
}

var currentErrno: Int32 { errno }

/// `bytes` of zeroed memory straight from the kernel (an anonymous mapping), whose pages are
/// allocated as they are first written, or made ready ahead by `populatePages`; starting on a
/// multiple of `alignment` (a power of two) when that is more than a page. Given back with
/// `releaseZeroedPages`.
public func zeroedPages(_ bytes: Int, alignment: Int = 0) -> UnsafeMutableRawPointer {
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    // A larger alignment: mapped that much longer, the parts before and after the aligned run given back.
    let slack = alignment > page ? alignment : 0
    guard let memory = mmap(nil, bytes + slack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), memory != MAP_FAILED else {
        fatalError("cannot map \(bytes) bytes")
    }
    guard slack > 0 else { return memory }
    let start = Int(bitPattern: memory)
    let aligned = (start + alignment - 1) & -alignment
    let used = (aligned + bytes + page - 1) & -page
    if aligned > start { _ = munmap(memory, aligned - start) }
    if start + bytes + slack > used { _ = munmap(UnsafeMutableRawPointer(bitPattern: used), start + bytes + slack - used) }
    return UnsafeMutableRawPointer(bitPattern: aligned)!
}

public func releaseZeroedPages(_ memory: UnsafeMutableRawPointer, _ bytes: Int) {
    _ = munmap(memory, bytes)
}

/// Maps the pages of `bytes` at `memory` as a read would (`MADV_POPULATE_READ`), or allocates
/// them as a write would without writing (`MADV_POPULATE_WRITE`: another thread may be writing to
/// them meanwhile). False when the kernel cannot (before Linux 5.14).
public func populatePages(_ memory: UnsafeMutableRawPointer, _ bytes: Int, forWriting: Bool) -> Bool {
    madvise(memory, bytes, forWriting ? populateWriteAdvice : populateReadAdvice) == 0
}

/// Asks for 2 MB pages for the `bytes` at `memory` (`MADV_HUGEPAGE`), for a table read at random
/// places: with 4 KB pages nearly every access to a table of tens of megabytes also misses the
/// TLB. Needed where transparent huge pages are given only when asked for (`madvise`, a common
/// setting); a hint the kernel may not grant; nothing on other systems.
public func adviseLargePages(_ memory: UnsafeMutableRawPointer, _ bytes: Int) {
#if os(Linux)
    _ = madvise(memory, bytes, MADV_HUGEPAGE)
#endif
}

/// `MADV_POPULATE_READ` and `MADV_POPULATE_WRITE` (Linux 5.14), which older C headers lack.
private let populateReadAdvice: Int32 = 22
private let populateWriteAdvice: Int32 = 23

func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}

/// Runs `body` over the bytes of `frame`, passing its typed error through (`withUnsafeBytes`
/// only rethrows untyped ones).
func withFrameBytes(_ frame: [UInt8], _ body: (UnsafeRawBufferPointer) throws(CaptureError) -> Void) throws(CaptureError) {
    var failure: CaptureError?
    frame.withUnsafeBytes { bytes in
        do throws(CaptureError) { try body(bytes) } catch { failure = error }
    }
    if let failure { throw failure }
}

/// Writes all of `buffer` to `descriptor`, retrying after interrupts; the capture writers' flush.
func writeAll(_ buffer: [UInt8], to descriptor: Int32, path: String) throws(CaptureError) {
    var written = 0
    while written < buffer.count {
        let result = buffer.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + written, $0.count - written) }
        if result < 0 {
            if currentErrno == EINTR { continue }
            throw CaptureError(.writeFailed(errno: currentErrno), file: path, offset: 0)
        }
        written += result
    }
}

/// Starts a thread of its own, named `name` (15 bytes at most, as `top -H` and
/// `/proc/<pid>/task/*/comm` show it), that runs `body`; false when no thread could be made.
public func startThread(named name: StaticString, _ body: @escaping @Sendable () -> Void) -> Bool {
    final class Work {
        let name: StaticString
        let body: @Sendable () -> Void
        init(_ name: StaticString, _ body: @escaping @Sendable () -> Void) { self.name = name; self.body = body }
    }
    let work = Unmanaged.passRetained(Work(name, body)).toOpaque()
    var thread = pthread_t()
    let started = pthread_create(&thread, nil, { context in
        let work = Unmanaged<Work>.fromOpaque(context!).takeRetainedValue()
        work.name.withUTF8Buffer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { hairpin_name_this_thread($0.baseAddress!) }
        }
        work.body()
        return nil
    }, work)
    guard started == 0 else {
        Unmanaged<Work>.fromOpaque(work).release()
        return false
    }
    pthread_detach(thread)
    return true
}

/// Runs `body` on a thread of its own (`startThread`), or on Dispatch's pool where no thread can
/// be made. A stream's filler blocks whenever its reader is busy with other inputs; on the pool,
/// which has a few threads per core, the fillers of several streams took them all and left the
/// last stream's filler waiting for a thread the pool added only after a while (four gzip files
/// read in 2.5 s instead of 0.55, ten in 9 s).
func runOnThreadOfItsOwn(named name: StaticString, _ body: @escaping @Sendable () -> Void) {
    if !startThread(named: name, body) { DispatchQueue.global().async(execute: body) }
}

/// Raises this process's soft limit of open files, up to its hard limit, so that `count` more
/// can be open: each streamed input holds its file open while it is read, and many systems
/// start processes with a soft limit of 1,024 under a far higher hard one.
func allowOpenFiles(_ count: Int) {
    #if canImport(Glibc)
    let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    let resource = RLIMIT_NOFILE
    #endif
    var limit = rlimit()
    guard getrlimit(resource, &limit) == 0 else { return }
    // Descriptors already open (standard streams, the binary's own) and a margin for them.
    let wanted = rlim_t(count + 64)
    // RLIM_INFINITY is the largest value, which min keeps apart.
    guard limit.rlim_cur < wanted else { return }
    limit.rlim_cur = min(wanted, limit.rlim_max)
    _ = setrlimit(resource, &limit)
}
