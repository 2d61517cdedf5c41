import Pipeline

/// A graceful stop asked for by SIGINT or SIGTERM.
///
/// Each organization notices the request at once, wherever it is waiting: its transaction's work runs under
/// ``cancellingOnRequest(_:)``, so an HTTP request, a rate-limit or backoff wait, a COPY and a prefetch are cancelled,
/// and a wait for a pooled connection is abandoned (``latch``). Statements that already reached PostgreSQL finish
/// (postgres-nio does not cancel them), the transaction rolls back, and the organization records itself as cancelled
/// from a task that was not cancelled, so it can still talk to the database. Between pages and patient batches,
/// ``check()`` is the same request seen at a checkpoint.
package final class StopRequest: Sendable {
    /// Opens when a stop is asked for.
    let latch = Latch()

    /// Creates a request that nobody has made yet.
    package init() {}

    /// Asks every organization to stop.
    package func request() {
        latch.open()
    }

    /// Whether a stop was asked for.
    package var isRequested: Bool {
        latch.isOpen
    }

    /// Throws `CancellationError` when a stop was asked for.
    func check() throws {
        if isRequested { throw CancellationError() }
    }

    /// Runs `body` in a child task that is cancelled as soon as a stop is requested (or at once, if one already was).
    ///
    /// - Returns: What `body` returns, when it finishes before (or despite) a stop.
    /// - Throws: What `body` throws; after a stop, usually `CancellationError`.
    func cancellingOnRequest<Result: Sendable>(_ body: @escaping @Sendable () async throws -> Result) async throws
        -> Result
    {
        try check()
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                await self.latch.wait()
                return nil
            }
            var result: Result?
            while let next = try await group.next() {
                if let value = next {
                    result = value
                }
                // Either the body finished (the watcher is no longer needed) or a stop came (the body must end).
                group.cancelAll()
            }
            guard let result else { throw CancellationError() }
            return result
        }
    }
}
