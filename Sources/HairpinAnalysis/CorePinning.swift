import CPlatform

/// Two threads of one run kept each on a core of its own while they run: the calling one on the
/// core it runs on, the other on another. Left to the system, a thread woken by the other was
/// often placed on the waker's core, and the two then took turns there for milliseconds.
struct CorePinning: Sendable {
    /// The calling thread's core, or -1 when it was not pinned.
    let core: Int32

    /// Pins the calling thread to its core when `enabled` and the process may use more than one.
    init(enabled: Bool) {
        core = enabled && hairpin_cores_available() > 1 ? hairpin_pin_this_thread_here() : -1
    }

    /// Runs `body` on the calling thread (the other one) kept off the first thread's core, then
    /// gives it every core back: it may be one of Dispatch's, which later work expects anywhere.
    func apart(_ body: () -> Void) {
        let pinned = core >= 0 && hairpin_pin_this_thread_apart_from(core) >= 0
        body()
        if pinned { hairpin_unpin_this_thread() }
    }

    /// Gives the first thread every core back.
    func release() {
        if core >= 0 { hairpin_unpin_this_thread() }
    }
}
