import Load
import Pipeline
import PostgresNIO

/// How an organization's run borrows a database connection: for one short piece of work at a time, never for the
/// whole run.
///
/// The wait for a connection is bounded (``leaseTimeout``) and given up at once on a stop; while the connection is
/// lent, the ``ConnectionLossWatch`` notices the server going away under it.
struct DatabaseLease: Sendable {
    let client: PostgresClient
    let organization: String
    /// How long to wait for a free connection before failing the organization.
    let leaseTimeout: Duration
    let stop: StopRequest
    /// Told which connection the organization holds while it holds one.
    let lossWatch: ConnectionLossWatch?

    /// Runs `body` on a connection lent for its duration.
    func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let (organization, lossWatch) = (organization, lossWatch)
        return try await client.withConnection(leaseTimeout: leaseTimeout, abandon: stop.latch) { connection in
            let lease = lossWatch?.lent(connection, to: organization)
            defer { if let lease { lossWatch?.returned(lease) } }
            return try await body(connection)
        }
    }
}
