/// Runs `body`, failing with ``TimeLimitExceeded`` if it has not finished after `limit` (it is cancelled then).
///
/// A guard against a test hanging forever, not a performance assertion: limits are many times the expected time.
func withTimeLimit<Result: Sendable>(
    _ limit: Duration, _ body: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard case .some(.some(let result)) = try await group.next() else { throw TimeLimitExceeded(limit: limit) }
        return result
    }
}

/// ``withTimeLimit(_:_:)`` ran out of time.
struct TimeLimitExceeded: Error {
    var limit: Duration
}
