public import Foundation
public import Logging
public import PostgresNIO

/// `batch_claims`: which process runs each organization of a batch (`routiq run --batch ID`), and how it ended.
///
/// Many processes given the same batch id share one run. Each takes an organization's advisory lock first
/// (``OrganizationLocks``), then claims it here; while it holds the lock nobody else can claim it, so the claim needs
/// no locking of its own. A claim still `running` whose lock was free belonged to a process that died: it is taken
/// over. A `succeeded` claim makes the organization a no-op for the rest of the batch, however often the batch is
/// started again. A claim that `failed` (or was `cancelled`) is retried by a process that started after it ended,
/// never by a peer of the same start, which would only repeat the failure at once.
public struct BatchClaimStore: Sendable {
    /// What a claim found.
    public enum Claim: Sendable, Hashable {
        /// The organization is this run's; `previousRun` is the dead or failed run whose claim it replaced.
        case claimed(previousRun: UUID?)
        /// The batch already ran it to success.
        case alreadySucceeded(run: UUID)
        /// A peer of this start already ran it, and it ended `status` (`failed` or `cancelled`).
        case endedInThisStart(run: UUID, status: String)
    }

    /// How a claimed organization ended.
    public enum Outcome: String, Sendable, Hashable {
        case succeeded, failed, cancelled
    }

    /// The batch, e.g. a Kubernetes Job's name or a date.
    public let batch: String

    /// Creates the store of one batch.
    public init(batch: String) {
        self.batch = batch
    }

    /// Claims `organization` for `runID`.
    ///
    /// - Important: Call while holding the organization's lock.
    /// - Parameters:
    ///   - worker: Who claims it (host and process id), for operators.
    ///   - startedAt: When this process started, by the server's clock: claims that failed before it are retried.
    public func claim(
        organization: String, runID: UUID, worker: String, startedAt: Date, on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Claim {
        let rows = try await connection.query(
            """
            WITH existing AS (
                SELECT run_id, status FROM batch_claims WHERE organization_id = \(organization) AND batch_id = \(batch)
            ), claimed AS (
                INSERT INTO batch_claims (organization_id, batch_id, run_id, worker, status)
                VALUES (\(organization), \(batch), \(runID), \(worker), 'running')
                ON CONFLICT (organization_id, batch_id) DO UPDATE
                SET run_id = EXCLUDED.run_id, worker = EXCLUDED.worker, status = 'running',
                    claimed_at = clock_timestamp(), finished_at = NULL
                WHERE batch_claims.status = 'running'
                   OR (batch_claims.status IN ('failed', 'cancelled') AND batch_claims.finished_at < \(startedAt))
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM claimed)::int, (SELECT run_id FROM existing), (SELECT status FROM existing)
            """,
            logger: logger)
        for try await (claimed, previous, status) in rows.decode((Int, UUID?, String?).self) {
            if claimed == 1 { return .claimed(previousRun: previous) }
            guard let previous, let status else { break }
            return status == "succeeded"
                ? .alreadySucceeded(run: previous) : .endedInThisStart(run: previous, status: status)
        }
        throw DatabaseError(.statementFailed, "the claim of \(organization) in batch \(batch) returned nothing")
    }

    /// Records how the claimed organization ended. Call in the final transaction for success, so the claim commits
    /// with the data; on its own after a failure.
    ///
    /// - Throws: ``DatabaseError`` with code ``DatabaseError/Code/claimLost`` when the claim is no longer this run's
    ///   (another process took it over).
    public func finish(
        organization: String, runID: UUID, outcome: Outcome, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let rows = try await connection.query(
            """
            UPDATE batch_claims SET status = \(outcome.rawValue), finished_at = clock_timestamp()
            WHERE organization_id = \(organization) AND batch_id = \(batch) AND run_id = \(runID) AND status = 'running'
            RETURNING 1
            """,
            logger: logger)
        var updated = 0
        for try await _ in rows { updated += 1 }
        guard updated == 1 else {
            throw DatabaseError(
                .claimLost, "the claim of \(organization) in batch \(batch) was taken over by another worker")
        }
    }

    /// The batch's claims: organization, status and run, by organization.
    public func list(on connection: PostgresConnection, logger: Logger) async throws
        -> [(organization: String, status: String, run: UUID)]
    {
        let rows = try await connection.query(
            """
            SELECT organization_id, status, run_id FROM batch_claims WHERE batch_id = \(batch) ORDER BY organization_id
            """,
            logger: logger)
        var claims: [(organization: String, status: String, run: UUID)] = []
        for try await (organization, status, run) in rows.decode((String, String, UUID).self) {
            claims.append((organization, status, run))
        }
        return claims
    }
}
