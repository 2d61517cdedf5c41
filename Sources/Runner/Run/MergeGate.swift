import Synchronization

/// Bounds how many organizations are in their final transaction at once, first come first served.
///
/// The final transaction (merge, derive, cursors, run record) is the one long hold of a connection an organization
/// takes; while it runs, the others keep staging pages on short leases. The gate keeps those leases from starving
/// behind a pool full of final transactions: waiting here is waiting for a peer to finish, not for the database, so
/// it is not bounded by the lease timeout. A stop (task cancellation) ends the wait at once.
final class MergeGate: Sendable {
    private struct State {
        var inside = 0
        var waiting: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
        var cancelled: Set<Int> = []
        var nextID = 0
    }

    private let limit: Int
    private let state = Mutex(State())

    /// Creates a gate that lets `limit` organizations (at least one) in at once.
    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Runs `body` once a place is free, and frees it afterwards.
    func withPlace<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        try await enter()
        defer { leave() }
        return try await body()
    }

    private func enter() async throws {
        try Task.checkCancellation()
        let id: Int? = state.withLock { state in
            if state.inside < limit {
                state.inside += 1
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let cancelledAlready = state.withLock { state in
                    if state.cancelled.remove(id) != nil { return true }
                    state.waiting.append((id, continuation))
                    return false
                }
                if cancelledAlready { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.waiting.firstIndex(where: { $0.id == id }) else {
                    // Cancelled before it queued: refused when it does.
                    state.cancelled.insert(id)
                    return nil
                }
                return state.waiting.remove(at: index).continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    private func leave() {
        let next = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard !state.waiting.isEmpty else {
                state.inside -= 1
                return nil
            }
            // The place passes straight to the next in line.
            return state.waiting.removeFirst().continuation
        }
        next?.resume()
    }
}
