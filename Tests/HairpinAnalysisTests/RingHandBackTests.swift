import Foundation
import Testing
@testable import HairpinAnalysis

/// At the end of a run the writer and the analysing thread hand back the file's mapped pages
/// together (`FrameRing.handBackRest`): every page is handed back, whichever thread claims more.
@Suite struct RingHandBackTests {
    /// Resident kilobytes of the mapping that starts at `address`, from /proc/self/smaps.
    static func residentKilobytes(at address: UnsafeRawPointer) -> Int? {
        // Read to its end by hand: the file claims a size of 0, and one read gives one page of it.
        let descriptor = open("/proc/self/smaps", O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var contents = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            contents += chunk[0..<count]
        }
        let smaps = String(decoding: contents, as: UTF8.self)
        let start = String(UInt(bitPattern: address), radix: 16)
        var inMapping = false
        for line in smaps.split(separator: "\n") {
            if let dash = line.firstIndex(of: "-"), line[line.startIndex..<dash].allSatisfy(\.isHexDigit) {
                inMapping = line[line.startIndex..<dash] == start
            } else if inMapping, line.hasPrefix("Rss:") {
                return Int(line.split(separator: " ")[1])
            }
        }
        return nil
    }

    /// A file of `length` bytes of 0xA5, mapped and every page read, for `body`; then unmapped and
    /// removed. An issue is recorded when it cannot be mapped.
    static func withMappedFile(length: Int, _ body: (UnsafeRawPointer) throws -> Void) throws {
        let path = NSTemporaryDirectory() + "hairpin-handback-\(getpid())-\(UUID().uuidString).bin"
        defer { unlink(path) }
        try Data(repeating: 0xA5, count: length).write(to: URL(fileURLWithPath: path))
        let descriptor = open(path, O_RDONLY)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        guard let mapped = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            Issue.record("cannot map the file")
            return
        }
        defer { munmap(mapped, length) }
        let bytes = UnsafeRawPointer(mapped)
        var sum = 0
        for offset in stride(from: 0, to: length, by: 4096) { sum &+= Int(bytes.load(fromByteOffset: offset, as: UInt8.self)) }
        #expect(sum == 0xA5 * ((length + 4095) / 4096))
        #expect((residentKilobytes(at: bytes) ?? 0) >= length / 1024)
        try body(bytes)
    }

    /// Between batches the analysing thread hands back the pages a distance behind the writer,
    /// once there is a step of them (`FrameRing.handBackBehind`).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/smaps"), "needs /proc/self/smaps: skipped"))
    func pagesFarBehindTheWriterAreHandedBack() throws {
        let length = 24 << 20 + 12_345
        try Self.withMappedFile(length: length) { bytes in
            let ring = FrameRing(readers: 1, digests: false, mapping: UnsafeRawBufferPointer(start: bytes, count: length))
            ring.handBackDistance = (behind: 4 << 20, step: 8 << 20)
            // 6 MB behind the writer minus the distance: less than a step, nothing handed back.
            #expect(!ring.handBackBehind(writerAt: 10 << 20))
            #expect(Self.residentKilobytes(at: bytes) == (length + 4095) / 4096 * 4)
            // The writer 16 MB and a bit on: the 12 MB up to the page before go.
            #expect(ring.handBackBehind(writerAt: 16 << 20 + 100))
            #expect(Self.residentKilobytes(at: bytes) == ((length + 4095) / 4096 - (12 << 20) / 4096) * 4)
            // Less than a step further: nothing more.
            #expect(!ring.handBackBehind(writerAt: 23 << 20))
            #expect(bytes.load(fromByteOffset: 0, as: UInt8.self) == 0xA5)
        }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/smaps"), "needs /proc/self/smaps: skipped"))
    func twoThreadsHandBackEveryPage() throws {
        let length = 24 << 20 + 12_345
        try Self.withMappedFile(length: length) { bytes in
            let ring = FrameRing(readers: 1, digests: false, mapping: UnsafeRawBufferPointer(start: bytes, count: length))
            let other = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                ring.handBackRest()
                other.signal()
            }
            ring.handBackRest()
            other.wait()
            #expect(Self.residentKilobytes(at: bytes) == 0)
            // Handed back, the pages still read the file's bytes.
            #expect(bytes.load(fromByteOffset: length - 1, as: UInt8.self) == 0xA5)
        }
    }
}
