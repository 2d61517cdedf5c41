public import Foundation
public import Logging
public import PostgresNIO

extension RunHistory {
    /// Where one organization stands with one pipeline: its last successful run, its last finished run, and the
    /// failed runs since the success, as the `--metrics-prom` file reports them.
    public struct Standing: Sendable, Hashable {
        /// A finished run's timing and records.
        public struct FinishedRun: Sendable, Hashable {
            /// When it finished.
            public var finishedAt: Date
            /// How long it took from its start to its end, in seconds.
            public var seconds: Double
            /// Records read from the sources.
            public var recordsRead: Int64
            /// Rows inserted.
            public var recordsInserted: Int64
            /// Rows updated.
            public var recordsUpdated: Int64
            /// Records quarantined.
            public var recordsQuarantined: Int64

            /// Creates a finished run's figures.
            public init(
                finishedAt: Date, seconds: Double, recordsRead: Int64 = 0, recordsInserted: Int64 = 0,
                recordsUpdated: Int64 = 0, recordsQuarantined: Int64 = 0
            ) {
                self.finishedAt = finishedAt
                self.seconds = seconds
                self.recordsRead = recordsRead
                self.recordsInserted = recordsInserted
                self.recordsUpdated = recordsUpdated
                self.recordsQuarantined = recordsQuarantined
            }
        }

        /// The organization.
        public var organizationID: String
        /// Its last successful run of the pipeline; `nil` when it never succeeded.
        public var lastSuccess: FinishedRun?
        /// Its last finished run of the pipeline, whatever its status.
        public var lastRun: FinishedRun
        /// Whether ``lastRun`` succeeded.
        public var lastRunSucceeded: Bool
        /// Runs that failed or were cancelled since ``lastSuccess`` (all of them when it never succeeded).
        public var failuresSinceSuccess: Int

        /// Creates a standing.
        public init(
            organizationID: String, lastSuccess: FinishedRun?, lastRun: FinishedRun, lastRunSucceeded: Bool,
            failuresSinceSuccess: Int
        ) {
            self.organizationID = organizationID
            self.lastSuccess = lastSuccess
            self.lastRun = lastRun
            self.lastRunSucceeded = lastRunSucceeded
            self.failuresSinceSuccess = failuresSinceSuccess
        }
    }

    /// Where every organization stands with `pipeline`: each registered organization (not removed) with at least
    /// one finished run of that pipeline name, by id.
    ///
    /// Runs still `running` are not counted; a run that failed or was cancelled counts as a failure.
    ///
    /// - Parameters:
    ///   - pipeline: The pipeline's name (its `name:`, as `sync_runs.pipeline` records it).
    ///   - logger: For the query.
    /// - Returns: One standing per organization, ordered by organization id.
    public func standings(pipeline: String, logger: Logger) async throws -> [Standing] {
        let rows = try await client.query(
            """
            WITH runs AS (
                SELECT r.organization_id, r.status, r.finished_at,
                       extract(epoch FROM r.finished_at - r.started_at)::float8 AS seconds,
                       r.records_read, r.records_inserted, r.records_updated, r.records_quarantined
                FROM sync_runs r JOIN organizations o USING (organization_id)
                WHERE r.pipeline = \(pipeline) AND o.removed_at IS NULL AND r.finished_at IS NOT NULL
            ), last_success AS (
                SELECT DISTINCT ON (organization_id) *
                FROM runs WHERE status = 'succeeded'
                ORDER BY organization_id, finished_at DESC
            ), last_run AS (
                SELECT DISTINCT ON (organization_id) *
                FROM runs
                ORDER BY organization_id, finished_at DESC
            )
            SELECT l.organization_id, l.status = 'succeeded', l.finished_at, l.seconds,
                   l.records_read, l.records_inserted, l.records_updated, l.records_quarantined,
                   s.finished_at, s.seconds, s.records_read, s.records_inserted, s.records_updated,
                   s.records_quarantined,
                   (SELECT count(*) FROM runs f
                    WHERE f.organization_id = l.organization_id AND f.status IN ('failed', 'cancelled')
                      AND f.finished_at > coalesce(s.finished_at, '-infinity'))::int8
            FROM last_run l LEFT JOIN last_success s USING (organization_id)
            ORDER BY l.organization_id
            """,
            logger: logger
        )
        var standings: [Standing] = []
        for try await row in rows {
            let c = try row.decode(
                (
                    String, Bool, Date, Double, Int64, Int64, Int64, Int64, Date?, Double?, Int64?, Int64?, Int64?,
                    Int64?, Int64
                ).self
            )
            let lastRun = Standing.FinishedRun(
                finishedAt: c.2, seconds: c.3, recordsRead: c.4, recordsInserted: c.5, recordsUpdated: c.6,
                recordsQuarantined: c.7)
            var lastSuccess: Standing.FinishedRun?
            if let finishedAt = c.8, let seconds = c.9 {
                lastSuccess = Standing.FinishedRun(
                    finishedAt: finishedAt, seconds: seconds, recordsRead: c.10 ?? 0, recordsInserted: c.11 ?? 0,
                    recordsUpdated: c.12 ?? 0, recordsQuarantined: c.13 ?? 0)
            }
            standings.append(
                Standing(
                    organizationID: c.0, lastSuccess: lastSuccess, lastRun: lastRun, lastRunSucceeded: c.1,
                    failuresSinceSuccess: Int(c.14)))
        }
        return standings
    }
}
