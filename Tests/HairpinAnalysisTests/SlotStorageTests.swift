import Foundation
import Testing
@testable import HairpinAnalysis

/// Slot storage starts on a cache line, a large one on a 2 MB boundary with 2 MB pages asked for
/// (the `hg` flag the kernel shows on the mapping), and every slot holds the value it was made with.
@Suite struct SlotStorageTests {
    /// The `VmFlags` of the mapping holding `address` in /proc/self/smaps; nil where there is none.
    func mappingFlags(of address: UnsafeRawPointer) -> [Substring]? {
        // Read to its end: a file of /proc tells no size.
        guard let file = FileHandle(forReadingAtPath: "/proc/self/smaps") else { return nil }
        defer { try? file.close() }
        let smaps = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
        let target = UInt(bitPattern: address)
        var inside = false
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if let range = fields.first, range.contains("-"), !range.hasSuffix(":") {
                let bounds = range.split(separator: "-").compactMap { UInt($0, radix: 16) }
                inside = bounds.count == 2 && bounds[0] <= target && target < bounds[1]
            } else if inside, fields.first == "VmFlags:" {
                return Array(fields.dropFirst())
            }
        }
        return nil
    }

    /// Pages of `bytes` at `address` the kernel holds in memory (`mincore`).
    func residentPages(_ address: UnsafeRawPointer, _ bytes: Int) -> Int {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        var states = [UInt8](repeating: 0, count: (bytes + page - 1) / page)
        guard mincore(UnsafeMutableRawPointer(mutating: address), bytes, &states) == 0 else { return -1 }
        return states.filter { $0 & 1 != 0 }.count
    }

    @Test func zeroedStorageIsTakenUpAsItIsWritten() {
        // 8 MB of 16-byte slots: on a large-page boundary, all zero, and no page in memory before
        // a slot in it is written.
        let count = (8 << 20) / 16
        let storage = SlotStorage<(UInt64, UInt64)>(zeroedCount: count)
        #expect(Int(bitPattern: storage.base) % (2 << 20) == 0)
        #expect(residentPages(storage.base, count * 16) == 0)
        storage.base[count / 2] = (1, 2)
        // The page written, or the larger one around it where the kernel grants one (up to 2 MB):
        // not the table.
        let resident = residentPages(storage.base, count * 16)
        #expect(resident >= 1 && resident <= (2 << 20) / Int(sysconf(Int32(_SC_PAGESIZE))), "\(resident) pages")
        #expect(storage.all.enumerated().allSatisfy { $0.offset == count / 2 ? $0.element == (1, 2) : $0.element == (0, 0) })
        // A small one, zeroed in the process's memory, starts on a cache line.
        let small = SlotStorage<UInt32>(zeroedCount: 10)
        #expect(Int(bitPattern: small.base) % 64 == 0)
        #expect(small.all.allSatisfy { $0 == 0 })
    }

    @Test func smallStorageIsOnACacheLine() {
        let storage = SlotStorage(repeating: UInt64(7), count: 1000)
        #expect(Int(bitPattern: storage.base) % 64 == 0)
        #expect(storage.all.allSatisfy { $0 == 7 })
    }

    static let transparentHugePages = FileManager.default.fileExists(atPath: "/sys/kernel/mm/transparent_hugepage/enabled")

    @Test func largeStorageIsOnALargePageBoundary() {
        let count = (SlotStorage<UInt64>.largePagesFrom + 24) / 8
        let storage = SlotStorage(repeating: UInt64.max - 1, count: count)
        #expect(Int(bitPattern: storage.base) % (2 << 20) == 0)
        #expect(storage.count == count)
        #expect(storage.all.allSatisfy { $0 == UInt64.max - 1 })
    }

    @Test(.enabled(if: transparentHugePages, "no transparent huge pages in this kernel: skipped"))
    func largeStorageAsksForLargePages() throws {
        let storage = SlotStorage(repeating: UInt32(3), count: SlotStorage<UInt32>.largePagesFrom / 4)
        let flags = try #require(mappingFlags(of: storage.base))
        #expect(flags.contains("hg"), "VmFlags: \(flags.joined(separator: " "))")
        // A table just below the size keeps ordinary pages.
        let smaller = SlotStorage(repeating: UInt32(3), count: SlotStorage<UInt32>.largePagesFrom / 4 - 1024)
        #expect(try #require(mappingFlags(of: smaller.base)).contains("hg") == false)
    }
}
