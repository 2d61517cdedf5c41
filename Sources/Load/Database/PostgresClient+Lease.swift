package import Logging
package import Pipeline
package import PostgresNIO
import Synchronization

extension PostgresClient {
    /// `withConnection`, but the wait for a free connection is bounded: it gives up after `leaseTimeout`, or at once
    /// when `abandon` opens (a requested stop), instead of waiting forever on a full pool or an unreachable server.
    ///
    /// Only the wait is bounded: once a connection is leased, `body` runs to its end, whatever happens to `abandon`.
    ///
    /// - Parameters:
    ///   - leaseTimeout: How long to wait for a connection.
    ///   - abandon: Opened to stop waiting (the caller then gets a `CancellationError`).
    ///   - body: The work, on the leased connection.
    /// - Throws: ``DatabaseError`` with code ``DatabaseError/Code/connectionUnavailable`` when no connection came
    ///   within `leaseTimeout`; `CancellationError` when `abandon` opened first; or what `body` throws.
    package func withConnection<Result: Sendable>(
        leaseTimeout: Duration,
        abandon: Latch,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let lease = LeaseState()
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                try await self.withConnection { connection in
                    guard lease.claim() else { throw CancellationError() }
                    return try await body(connection)
                }
            }
            group.addTask {
                let reason = await lease.waitForOutcome(timeout: leaseTimeout, abandon: abandon)
                switch reason {
                case .leased:
                    return nil
                case .timedOut:
                    throw DatabaseError(
                        .connectionUnavailable,
                        "no database connection became free within \(leaseTimeout) (is the server reachable, and does "
                            + "its max_connections allow this many organizations at once?)"
                    )
                case .abandoned:
                    throw CancellationError()
                }
            }
            var result: Result?
            // The first error (a timeout, an abandoned wait, or the body's) cancels the other task and ends the group.
            for try await value in group where value != nil { result = value }
            guard let result else { throw CancellationError() }
            return result
        }
    }
}

/// Who won the race between a pool lease and its deadline.
private final class LeaseState: Sendable {
    enum Outcome: Sendable {
        case leased, timedOut, abandoned
    }

    private enum Phase {
        case waiting, leased, gaveUp
    }

    private let phase = Mutex(Phase.waiting)
    private let leased = Latch()

    /// Called with the leased connection: `true` when the wait was not given up first.
    func claim() -> Bool {
        let claimed = phase.withLock { phase in
            guard phase == .waiting else { return false }
            phase = .leased
            return true
        }
        if claimed { leased.open() }
        return claimed
    }

    /// Waits for the lease, the timeout or `abandon`, whichever comes first; a timeout or abandonment only counts
    /// when the lease has not been claimed meanwhile.
    func waitForOutcome(timeout: Duration, abandon: Latch) async -> Outcome {
        let first = await withTaskGroup(of: Outcome.self) { group in
            group.addTask {
                await self.leased.wait()
                return .leased
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return .timedOut
            }
            group.addTask {
                await abandon.wait()
                return .abandoned
            }
            let first = await group.next() ?? .abandoned
            group.cancelAll()
            return first
        }
        guard first != .leased else { return .leased }
        let gaveUp = phase.withLock { phase in
            guard phase == .waiting else { return false }
            phase = .gaveUp
            return true
        }
        return gaveUp ? first : .leased
    }
}
