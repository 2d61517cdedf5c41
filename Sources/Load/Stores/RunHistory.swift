public import Foundation
public import Logging
public import PostgresNIO

/// Reads run records from `sync_runs`, newest first.
public struct RunHistory: Sendable {
    /// One organization's part of one run.
    public struct Entry: Sendable, Hashable, Codable {
        /// The run.
        public var runID: UUID
        /// The organization.
        public var organizationID: String
        /// The pipeline's name.
        public var pipeline: String
        /// `incremental` or `full`.
        public var mode: String
        /// `running`, `succeeded`, `failed`, `cancelled` or `skipped`.
        public var status: String
        /// Who started it.
        public var startedBy: String
        /// When it started.
        public var startedAt: Date
        /// When it ended, if it has.
        public var finishedAt: Date?
        /// Records read from the sources.
        public var recordsRead: Int64
        /// Rows inserted.
        public var recordsInserted: Int64
        /// Rows updated.
        public var recordsUpdated: Int64
        /// Rows seen but unchanged.
        public var recordsUnchanged: Int64
        /// Rows marked removed.
        public var recordsRemoved: Int64
        /// Records quarantined.
        public var recordsQuarantined: Int64
        /// Why it failed, if it did (safe to show: no patient data).
        public var error: String?
        /// The run's figures per resource and stage (the `stats` JSON document; `{}` until it finished).
        public var stats: String = "{}"
    }

    let client: PostgresClient

    /// Creates a reader over a running client.
    public init(client: PostgresClient) {
        self.client = client
    }

    /// An organization's last successful run, as `routiq report` needs it.
    public struct LastSuccess: Sendable, Hashable {
        /// The run's id.
        public var runID: UUID
        /// The instant the run scored as of; `nil` for runs recorded before it was kept.
        public var asOf: Date?
        /// The attendance window it scored with, from its statistics; `nil` for runs that did not record it.
        public var attendanceWindowDays: Int?
        /// The late-cancellation window it scored with, from its statistics; `nil` for runs that did not record it.
        public var lateCancellationHours: Int?
    }

    /// The organization's last successful run (the one that finished last).
    ///
    /// - Parameters:
    ///   - organization: The organization's id.
    ///   - logger: For the query.
    /// - Returns: The run, or `nil` when the organization has none.
    public func lastSuccess(organization: String, logger: Logger) async throws -> LastSuccess? {
        let rows = try await client.query(
            """
            SELECT run_id, as_of,
                   (stats -> 'scoring' ->> 'attendance_window_days')::int,
                   (stats -> 'scoring' ->> 'late_cancellation_hours')::int
            FROM sync_runs
            WHERE organization_id = \(organization) AND status = 'succeeded'
            ORDER BY finished_at DESC LIMIT 1
            """,
            logger: logger
        )
        for try await (runID, asOf, days, hours) in rows.decode((UUID, Date?, Int?, Int?).self) {
            return LastSuccess(runID: runID, asOf: asOf, attendanceWindowDays: days, lateCancellationHours: hours)
        }
        return nil
    }

    /// The most recent runs.
    ///
    /// - Parameters:
    ///   - organization: Only this organization's runs; all when `nil`.
    ///   - limit: At most this many entries.
    public func recent(organization: String?, limit: Int, logger: Logger) async throws -> [Entry] {
        let rows = try await client.query(
            """
            SELECT run_id, organization_id, pipeline, mode, status, started_by, started_at, finished_at,
                   records_read, records_inserted, records_updated, records_unchanged, records_removed,
                   records_quarantined, error, stats::text
            FROM sync_runs
            WHERE \(organization)::text IS NULL OR organization_id = \(organization)
            ORDER BY started_at DESC, organization_id
            LIMIT \(limit)
            """,
            logger: logger
        )
        var entries: [Entry] = []
        for try await row in rows {
            let columns = try row.decode(
                (
                    UUID, String, String, String, String, String, Date, Date?, Int64, Int64, Int64, Int64, Int64, Int64,
                    String?, String
                ).self
            )
            entries.append(
                Entry(
                    runID: columns.0, organizationID: columns.1, pipeline: columns.2, mode: columns.3,
                    status: columns.4,
                    startedBy: columns.5, startedAt: columns.6, finishedAt: columns.7, recordsRead: columns.8,
                    recordsInserted: columns.9, recordsUpdated: columns.10, recordsUnchanged: columns.11,
                    recordsRemoved: columns.12, recordsQuarantined: columns.13, error: columns.14, stats: columns.15
                )
            )
        }
        return entries
    }
}
