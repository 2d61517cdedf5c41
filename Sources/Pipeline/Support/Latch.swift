import Synchronization

/// A one-shot signal: it starts closed, opens once, and stays open; tasks can wait for it to open.
///
/// Used for requests that many tasks must notice at once without polling, such as a stop asked for by SIGTERM, or a
/// pool lease that must be abandoned when a deadline passes.
package final class Latch: Sendable {
    private struct State {
        var isOpen = false
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// Creates a closed latch.
    package init() {}

    /// Whether the latch has opened.
    package var isOpen: Bool {
        state.withLock { $0.isOpen }
    }

    /// Opens the latch and wakes every waiter.
    ///
    /// - Returns: `true` when this call opened it, `false` when it was already open.
    @discardableResult
    package func open() -> Bool {
        let waiters: [CheckedContinuation<Void, Never>]? = state.withLock { state in
            guard !state.isOpen else { return nil }
            state.isOpen = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume() }
        return true
    }

    /// Returns once the latch is open, or as soon as the calling task is cancelled (whichever comes first).
    package func wait() async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.isOpen || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
