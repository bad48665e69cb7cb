#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import CPlatform
import Dispatch
import HairpinCapture
import Synchronization

/// A thread started with the process, on another core, that waits for one piece of work: the
/// second thread of an analysis or of a decode in pieces. On a virtual machine an idle virtual
/// CPU is parked by the host, and a thread started only when the work is ready often ran 2-4 ms
/// late (the second piece of the 64-byte benchmark capture, in three runs of five, where the
/// whole decode takes 20-25 ms). Started while the command line is parsed and the input opened,
/// this thread keeps its core awake, yielding it to anything else that wants to run, and takes
/// the work at once (`hand`); it ends when told no work will come (`release`) or after
/// `longest`, and a caller it did not take work from starts a thread of its own.
public final class StandbyThread: @unchecked Sendable {
    /// The one the `hairpin` command starts.
    public static let shared = StandbyThread()

    private static let waiting = 0, handed = 1, ended = 2
    /// `ended` until the thread is started: without it, no work is taken.
    private let state = Atomic<Int>(StandbyThread.ended)
    /// The work, written before `state` says `handed` and read only after.
    private var work: (@Sendable () -> Void)?
    /// How long the thread waits at most: a run that never hands it work costs the other core
    /// no more than this.
    let longest: Int64

    public init(longest: Int64 = 50_000_000) {
        self.longest = longest
    }

    /// What the thread does first, before it waits for work (written before it starts).
    private var preparation: (@Sendable () -> Void)?

    /// Starts the thread when the process may run on more than one core; true when it started.
    /// It first runs `preparing`, if given: work the run will need, done while the command line
    /// is parsed (`ParallelAnalysis.prepareAhead`).
    @discardableResult
    public func start(preparing: (@Sendable () -> Void)? = nil) -> Bool {
        guard hairpin_cores_available() > 1,
              state.compareExchange(expected: Self.ended, desired: Self.waiting, ordering: .relaxed).exchanged else { return false }
        preparation = preparing
        guard startThread(named: "hairpin-worker", { [self] in waitForWork() }) else {
            state.store(Self.ended, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Has the thread do `body`; false when it cannot (not started, ended, or already given
    /// work), and the caller runs `body` some other way. Called from one thread at a time (the
    /// one that starts the run's other threads).
    public func hand(_ body: @escaping @Sendable () -> Void) -> Bool {
        guard state.load(ordering: .acquiring) == Self.waiting else { return false }
        work = body
        if state.compareExchange(expected: Self.waiting, desired: Self.handed, ordering: .releasing).exchanged { return true }
        work = nil
        return false
    }

    /// Runs `body` on the thread (`hand`), or on one of Dispatch's when it cannot take it.
    public func runElsewhere(_ body: @escaping @Sendable () -> Void) {
        if !hand(body) { DispatchQueue.global().async(execute: body) }
    }

    /// No work will come: the thread ends.
    public func release() {
        _ = state.compareExchange(expected: Self.waiting, desired: Self.ended, ordering: .relaxed)
    }

    private func waitForWork() {
        preparation?()
        preparation = nil
        let start = FrameRing.now()
        while true {
            switch state.load(ordering: .acquiring) {
            case Self.handed:
                let body = work
                work = nil
                state.store(Self.ended, ordering: .relaxed)
                body?()
                return
            case Self.ended:
                return
            default:
                if FrameRing.now() - start > longest {
                    // A `hand` racing with this sees `ended` and runs its work elsewhere.
                    if state.compareExchange(expected: Self.waiting, desired: Self.ended, ordering: .relaxed).exchanged { return }
                    continue
                }
                // Pausing, so that a host that is short of cores may run another of ours instead,
                // and yielding, so that a thread woken on this core runs at once.
                for _ in 0..<Self.pausesPerYield { hairpin_spin_pause() }
                sched_yield()
            }
        }
    }

    static let pausesPerYield = 64
}
