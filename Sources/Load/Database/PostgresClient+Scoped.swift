public import Logging
public import PostgresNIO

/// Runs `body` with a connection pool to `endpoint` that is running for exactly the closure's duration.
///
/// The pool's `run()` loop lives in a child task that is cancelled when `body` returns or throws, so the client
/// never escapes. The first thing done is a `SELECT 1` bounded by `connectTimeout`, so an unreachable server fails
/// quickly with a clear ``DatabaseError`` instead of waiting for a connection forever.
///
/// - Parameters:
///   - endpoint: Where to connect.
///   - logger: The pool's background logger.
///   - connectTimeout: How long to wait for the first connection; 15 seconds by default.
///   - maximumConnections: The most connections the pool opens; postgres-nio's default (20) when `nil`. A caller
///     that keeps one connection per concurrent task (`routiq run`'s organizations) must size it from that
///     concurrency, or the surplus tasks wait for a free connection.
///   - body: The work; receives the running client.
/// - Returns: What `body` returns.
/// - Throws: ``DatabaseError`` with code ``DatabaseError/Code/clusterUnreachable``, or what `body` throws.
public func withPostgresClient<Result: Sendable>(
    endpoint: DatabaseEndpoint,
    logger: Logger,
    connectTimeout: Duration = .seconds(15),
    maximumConnections: Int? = nil,
    _ body: (PostgresClient) async throws -> Result
) async throws -> Result {
    // The pool logs connection attempts cut short by shutdown at info level; only show its own log at debug.
    var backgroundLogger = logger
    if backgroundLogger.logLevel > .debug { backgroundLogger.logLevel = .error }
    var configuration = endpoint.clientConfiguration()
    if let maximumConnections { configuration.options.maximumConnections = max(1, maximumConnections) }
    let client = PostgresClient(configuration: configuration, backgroundLogger: backgroundLogger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        try await checkReachable(client, endpoint: endpoint, logger: logger, timeout: connectTimeout)
        return try await body(client)
    }
}

private func checkReachable(_ client: PostgresClient, endpoint: DatabaseEndpoint, logger: Logger, timeout: Duration)
    async throws
{
    let reached = try await withThrowingTaskGroup(of: Bool.self) { group in
        group.addTask {
            do {
                try await client.query("SELECT 1", logger: logger)
                return true
            } catch {
                throw DatabaseError(
                    .clusterUnreachable,
                    "cannot connect to PostgreSQL at \(endpoint.redactedDescription): \(String(describing: error))",
                    underlying: error
                )
            }
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return false
        }
        defer { group.cancelAll() }
        return try await group.next() ?? false
    }
    guard reached else {
        throw DatabaseError(
            .clusterUnreachable,
            "cannot connect to PostgreSQL at \(endpoint.redactedDescription) within \(timeout) (is the server running?)"
        )
    }
}
