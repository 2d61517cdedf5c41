public import Load
public import Logging
public import Pipeline
public import PostgresNIO

/// How every request reads the warehouse: a pooled connection leased within a bound, then a read-only transaction
/// as `routiq_reader` limited to one organization by row-level security, with a statement timeout.
public struct WarehouseReader: Sendable {
    /// The pool (its size bounds the concurrent reads).
    public let client: PostgresClient
    /// How long a request waits for a free connection before it gets a 503.
    public let leaseTimeout: Duration
    /// The longest any one statement may run.
    public let statementTimeout: Duration
    let metrics: APIMetrics
    private let stopping = Latch()

    public init(client: PostgresClient, leaseTimeout: Duration, statementTimeout: Duration, metrics: APIMetrics) {
        self.client = client
        self.leaseTimeout = leaseTimeout
        self.statementTimeout = statementTimeout
        self.metrics = metrics
    }

    /// Runs `body` inside a reader transaction for `organization`, then `afterwards` (the audit row) on the same
    /// connection as the writer, outside that transaction.
    public func read<Result: Sendable>(
        _ organization: OrganizationID, deadline: ContinuousClock.Instant, logger: Logger,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result,
        afterwards: (@Sendable (PostgresConnection, Result) async throws -> Void)? = nil
    ) async throws -> Result {
        try await lease(deadline: deadline) { connection in
            let result = try await connection.withReaderTransaction(
                organization: organization, statementTimeout: statementTimeout, logger: logger, body)
            try await afterwards?(connection, result)
            return result
        }
    }

    /// Runs `body` on a leased connection (no transaction, no role change) unless `deadline` passes first: for
    /// `/ready`, and under ``read(_:deadline:logger:_:afterwards:)``.
    public func lease<Result: Sendable>(
        deadline: ContinuousClock.Instant, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let metrics = metrics
        let client = client
        let leaseTimeout = leaseTimeout
        let stopping = stopping
        do {
            return try await withDeadline(deadline) {
                try await client.withConnection(leaseTimeout: leaseTimeout, abandon: stopping) { connection in
                    metrics.recordLease(1)
                    defer { metrics.recordLease(-1) }
                    return try await body(connection)
                }
            }
        } catch let error as DatabaseError where error.code == .connectionUnavailable {
            metrics.recordLeaseTimeout()
            throw error
        }
    }
}
