#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
import Darwin
#endif

func systemErrorText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
}

var currentErrno: Int32 { errno }

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
