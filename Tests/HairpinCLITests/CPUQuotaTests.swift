import Foundation
import Testing

/// The default thread count follows the CPU quota of the process's own cgroup, not only the
/// cores it may run on: in a cgroup allowed half a CPU, `bench`'s default is one thread.
@Suite struct CPUQuotaTests {
    /// A cgroup v1 `cpu` group allowed half a CPU, made for this test; nil when this machine does
    /// not let it be made (not root, no writable v1 `cpu` hierarchy).
    static let halfCPUGroup: String? = {
        let group = "/sys/fs/cgroup/cpu/hairpin-quota-test-\(getpid())"
        guard FileManager.default.fileExists(atPath: "/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), mkdir(group, 0o755) == 0 else { return nil }
        guard (try? "50000".write(toFile: group + "/cpu.cfs_quota_us", atomically: false, encoding: .utf8)) != nil,
              (try? String(contentsOfFile: group + "/cpu.cfs_period_us", encoding: .utf8))?.hasPrefix("100000") == true else {
            rmdir(group)
            return nil
        }
        return group
    }()

    @Test(.enabled(if: halfCPUGroup != nil, "cannot make a cgroup with a CPU quota here (needs root and cgroup v1's cpu): skipped"))
    func benchDefaultsToTheQuotasCores() throws {
        let group = try #require(Self.halfCPUGroup)
        defer { rmdir(group) }
        // The shell moves itself into the group, then becomes hairpin.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "echo $$ > \(group)/cgroup.procs && exec \"$0\" bench --help", Hairpin.executable.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let help = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(help.contains("default: the cores, up to 3 (here 1)"))
        // Outside the group, the cores of this machine (at least the one the test runs on).
        let outside = try Hairpin.run(["bench", "--help"])
        #expect(outside.stdout.contains("default: the cores, up to 3 (here \(min(3, max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))))"))
    }
}
