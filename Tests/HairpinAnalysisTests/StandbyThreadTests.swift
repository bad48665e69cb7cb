import Foundation
import Testing
import HairpinAnalysis
import CPlatform

/// The thread started ahead for the second thread's work takes it once, on another thread, and
/// takes none when not started, told no work will come, or waited for too long.
@Suite struct StandbyThreadTests {
    final class Ran: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        var thread: pthread_t?
    }

    @Test func notStartedTakesNoWork() {
        let standby = StandbyThread()
        let taken = standby.hand { Issue.record("ran without a thread") }
        #expect(!taken)
    }

    @Test(.enabled(if: hairpin_cores_available() > 1, "needs two cores: skipped"))
    func takesOneWorkOnAnotherThread() {
        let standby = StandbyThread(longest: 10_000_000_000)
        #expect(standby.start())
        let ran = Ran()
        let taken = standby.hand {
            ran.thread = pthread_self()
            ran.done.signal()
        }
        #expect(taken)
        #expect(ran.done.wait(timeout: .now() + 10) == .success)
        #expect(ran.thread.map { pthread_equal($0, pthread_self()) == 0 } == true)
        // One piece of work: the thread ended with it.
        let second = standby.hand { Issue.record("a second work ran") }
        #expect(!second)
    }

    /// The preparation runs on the thread before the work it is handed, even work handed at once.
    @Test(.enabled(if: hairpin_cores_available() > 1, "needs two cores: skipped"))
    func preparesBeforeTakingWork() {
        let standby = StandbyThread(longest: 10_000_000_000)
        let order = Order()
        let started = standby.start(preparing: {
            usleep(50_000)
            order.steps.append("prepared")
        })
        #expect(started)
        let taken = standby.hand {
            order.steps.append("worked")
            order.done.signal()
        }
        #expect(taken)
        #expect(order.done.wait(timeout: .now() + 10) == .success)
        #expect(order.steps == ["prepared", "worked"])
    }

    final class Order: @unchecked Sendable {
        var steps: [String] = []
        let done = DispatchSemaphore(value: 0)
    }

    @Test(.enabled(if: hairpin_cores_available() > 1, "needs two cores: skipped"))
    func releasedOrWaitedOutTakesNoWork() {
        let released = StandbyThread(longest: 10_000_000_000)
        #expect(released.start())
        released.release()
        let afterRelease = released.hand { Issue.record("ran after release") }
        #expect(!afterRelease)
        let waitedOut = StandbyThread(longest: 1_000_000)
        #expect(waitedOut.start())
        usleep(200_000)
        let afterWait = waitedOut.hand { Issue.record("ran after the wait ended") }
        #expect(!afterWait)
    }
}
