public import Foundation
public import Logging
public import PostgresNIO

/// Writes `sync_runs`: a `running` row when an organization's run starts, its outcome when it ends.
///
/// The start is committed on its own so other processes can see the run; the success is written inside the
/// organization's data transaction, so it commits with the data or not at all; a failure is written in a separate
/// short transaction after the rollback. A row left `running` by a process that died is closed as failed
/// (`abandoned`) by the next run of that organization, which holds the lock and so knows nobody else runs it.
public struct RunRecorder: Sendable {
    /// Who, what and when.
    public struct Start: Sendable, Hashable {
        /// The run (shared by every organization of one `routiq run`).
        public var runID: UUID
        /// The organization.
        public var organization: String
        /// The pipeline's name.
        public var pipeline: String
        /// `incremental` or `full`.
        public var mode: String
        /// The operating-system user or scheduler that started it.
        public var startedBy: String
        /// The host name.
        public var host: String
        /// The instant scoring uses.
        public var asOf: Date

        /// Creates a start record.
        public init(
            runID: UUID, organization: String, pipeline: String, mode: String, startedBy: String, host: String,
            asOf: Date
        ) {
            self.runID = runID
            self.organization = organization
            self.pipeline = pipeline
            self.mode = mode
            self.startedBy = startedBy
            self.host = host
            self.asOf = asOf
        }
    }

    /// How a run ended.
    public enum Outcome: String, Sendable, Hashable {
        case succeeded, failed, cancelled, skipped
    }

    /// The record counts of a run.
    public struct Totals: Sendable, Hashable, Codable {
        public var read = 0
        public var inserted = 0
        public var updated = 0
        public var unchanged = 0
        public var removed = 0
        public var quarantined = 0

        /// Creates totals.
        public init(
            read: Int = 0, inserted: Int = 0, updated: Int = 0, unchanged: Int = 0, removed: Int = 0,
            quarantined: Int = 0
        ) {
            self.read = read
            self.inserted = inserted
            self.updated = updated
            self.unchanged = unchanged
            self.removed = removed
            self.quarantined = quarantined
        }
    }

    /// Creates a recorder.
    public init() {}

    /// Closes rows left `running` by dead processes, then records this run as `running`, in its own transaction.
    ///
    /// - Important: Call while holding the organization's lock (``OrganizationLock``).
    /// - Returns: How many abandoned runs were closed.
    @discardableResult
    public func begin(_ start: Start, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.withTransaction(logger: logger) { connection in
            let closed = try await connection.query(
                """
                UPDATE sync_runs SET status = 'failed', finished_at = now(),
                       error = 'abandoned: the process running it stopped before finishing'
                WHERE organization_id = \(start.organization) AND status = 'running'
                RETURNING 1
                """,
                logger: logger
            )
            var abandoned = 0
            for try await _ in closed { abandoned += 1 }
            try await connection.query(
                """
                INSERT INTO sync_runs (organization_id, run_id, pipeline, mode, status, started_by, host, started_at, as_of)
                VALUES (\(start.organization), \(start.runID), \(start.pipeline), \(start.mode), 'running',
                        \(start.startedBy), \(start.host), clock_timestamp(), \(start.asOf))
                """,
                logger: logger
            )
            return abandoned
        }
    }

    /// Records the end of a run. Call inside the data transaction for success, or on its own after a rollback.
    ///
    /// It is also the run's fence: the row must still be `running`. A run whose lock session died may have been
    /// taken over by another run, which closed this row as abandoned; then this throws ``DatabaseError`` with code
    /// ``DatabaseError/Code/claimLost`` and the data transaction it is part of must roll back.
    ///
    /// - Parameters:
    ///   - stats: Per stage and resource figures, stored as JSON.
    ///   - error: A message safe to show (no patient data); `nil` on success.
    public func finish(
        runID: UUID,
        organization: String,
        outcome: Outcome,
        totals: Totals,
        stats: String,
        error: String?,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let rows = try await connection.query(
            """
            UPDATE sync_runs SET status = \(outcome.rawValue), finished_at = clock_timestamp(), error = \(error),
                   records_read = \(totals.read), records_inserted = \(totals.inserted), records_updated = \(totals.updated),
                   records_unchanged = \(totals.unchanged), records_removed = \(totals.removed),
                   records_quarantined = \(totals.quarantined), stats = \(stats)::jsonb
            WHERE organization_id = \(organization) AND run_id = \(runID) AND status = 'running'
            RETURNING 1
            """,
            logger: logger
        )
        var updated = 0
        for try await _ in rows { updated += 1 }
        guard updated == 1 else {
            throw DatabaseError(
                .claimLost,
                "the run of \(organization) was closed by another run (it lost its lock and was taken over); "
                    + "nothing of it is kept")
        }
    }
}
