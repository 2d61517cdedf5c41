import PostgresNIO

/// One of the pool's connections held by a test, so requests find the pool busy, until ``release()``.
struct ConnectionHold: Sendable {
    private let stop: AsyncStream<Void>.Continuation
    private let holder: Task<Void, any Error>

    /// Leases a connection from `client` and keeps it; returns once the lease is surely taken.
    static func take(from client: PostgresClient) async throws -> ConnectionHold {
        let (held, stop) = AsyncStream.makeStream(of: Void.self)
        let holder = Task {
            try await client.withConnection { _ in
                for await _ in held {}
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        return ConnectionHold(stop: stop, holder: holder)
    }

    /// Gives the connection back to the pool.
    func release() async throws {
        stop.finish()
        try await holder.value
    }
}
