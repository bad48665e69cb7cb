import Foundation
import Testing
import HairpinAnalysis
import CPlatform

/// The reading and the analysing thread are kept each on a core of its own while the ring runs,
/// and every core is given back afterwards; the report does not depend on it.
@Suite struct ThreadPinningTests {
    /// The cores the calling thread may run on now, as the kernel lists them ("0-3,6").
    static func coresOfThisThread() -> Set<Int> {
        guard let status = try? String(contentsOfFile: "/proc/thread-self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }) else { return [] }
        var cores: Set<Int> = []
        for range in line.dropFirst("Cpus_allowed_list:".count).split(separator: ",") {
            let ends = range.split(separator: "-").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            if let first = ends.first { cores.formUnion(first...(ends.last ?? first)) }
        }
        return cores
    }

    final class Box<T>: @unchecked Sendable { var value: T?; init() {} }

    /// Runs `body` on a thread of its own and waits for it.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = body()
            done.signal()
        }
        thread.start()
        done.wait()
        return box.value!
    }

    struct Placement: Sendable {
        var before: Set<Int>
        var pinned: Int32
        var whilePinned: Set<Int>
        var apart: Int32
        var whileApart: Set<Int>
        var after: Set<Int>
    }

    /// Pinned where it runs, then apart from that core (where it runs now), then given every core back.
    @Test(.enabled(if: hairpin_cores_available() > 1, "needs two cores: skipped"))
    func pinsToOneCoreAndGivesEveryCoreBack() {
        let placement = Self.onOwnThread { () -> Placement in
            let before = Self.coresOfThisThread()
            let pinned = hairpin_pin_this_thread_here()
            let whilePinned = Self.coresOfThisThread()
            let apart = hairpin_pin_this_thread_apart_from(pinned)
            let whileApart = Self.coresOfThisThread()
            hairpin_unpin_this_thread()
            return Placement(before: before, pinned: pinned, whilePinned: whilePinned, apart: apart, whileApart: whileApart,
                             after: Self.coresOfThisThread())
        }
        #expect(placement.before.count >= 2)
        #expect(placement.pinned >= 0)
        #expect(placement.whilePinned == [Int(placement.pinned)])
        #expect(placement.apart >= 0 && placement.apart != placement.pinned)
        #expect(placement.before.contains(Int(placement.apart)))
        #expect(placement.whileApart == [Int(placement.apart)])
        #expect(placement.after == placement.before)
    }

    /// Two threads pinned or not give the same report as one, and the calling thread has every
    /// core it had once the analysis returns.
    @Test(.enabled(if: hairpin_cores_available() > 1, "needs two cores: skipped"))
    func reportIsTheSameAndCoresAreGivenBack() throws {
        let path = SoloHandoverTests.captures.appendingPathComponent("vmotion-hsrp-hairpin.pcapng").path
        let runs = Self.onOwnThread { () -> Result<[(report: Report, threads: Int, coresKept: Bool)], any Error> in
            Result {
                try [(1, false), (2, true), (2, false)].map { threads, pinned in
                    let before = Self.coresOfThisThread()
                    let run = try ParallelAnalysis.run(paths: [path], reading: .init(), filter: nil, options: Analysis.Options(),
                                                       threads: threads, pinsThreads: pinned)
                    return (run.analysis.report(interfaces: run.reader.interfaces.all, anomalies: run.reader.anomalies), run.threads,
                            Self.coresOfThisThread() == before)
                }
            }
        }
        let (one, pinned, unpinned) = try { let all = try runs.get(); return (all[0], all[1], all[2]) }()
        #expect(one.report.capture.packets > 4000)
        #expect(pinned.threads == 2 && unpinned.threads == 2)
        #expect(pinned.report == one.report)
        #expect(unpinned.report == one.report)
        #expect(pinned.coresKept && unpinned.coresKept)
    }
}
