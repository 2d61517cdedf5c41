import Foundation
public import Logging
public import Pipeline
public import PostgresNIO

/// Reads one organization's sync health and run history for the API's sync routes.
///
/// Every query filters by `organization_id` itself; run it inside
/// `withReaderTransaction(organization:statementTimeout:logger:_:)` as well, so row-level security is a second wall
/// between tenants and the figures come from one snapshot. Every value reaches SQL as a bind parameter.
public struct SyncReadStore: Sendable {
    private let connection: PostgresConnection
    private let organization: OrganizationID
    private let logger: Logger

    /// Creates a store reading through `connection`.
    ///
    /// - Parameters:
    ///   - connection: The connection, normally inside a reader transaction for `organization`.
    ///   - organization: The only organization whose runs are read.
    ///   - logger: For the queries; stamped with `routiq.org`.
    public init(connection: PostgresConnection, organization: OrganizationID, logger: Logger) {
        self.connection = connection
        self.organization = organization
        var logger = logger
        logger[metadataKey: "routiq.org"] = "\(organization.rawValue)"
        self.logger = logger
    }

    /// Run totals, the latest run and every resource's freshness.
    ///
    /// - Returns: The status; zeros, `nil`s and no sources for an organization that never ran.
    public func status() async throws -> SyncStatus {
        let org = organization.rawValue
        var status = SyncStatus(
            organizationID: org, totalSyncs: 0, successfulSyncs: 0, failedSyncs: 0, lastSyncAt: nil,
            lastSuccessfulSyncAt: nil, averageSyncDurationSeconds: nil, lastRun: nil, sources: [])
        let totals: SQLFragment = """
            SELECT count(*) FILTER (WHERE finished_at IS NOT NULL),
                   count(*) FILTER (WHERE status = 'succeeded'),
                   count(*) FILTER (WHERE status IN ('failed', 'cancelled')),
                   max(finished_at),
                   max(finished_at) FILTER (WHERE status = 'succeeded'),
                   round(avg(extract(epoch FROM finished_at - started_at)), 1)::float8
            FROM sync_runs WHERE organization_id = \(org)
            """
        for try await (total, succeeded, failed, last, lastSuccess, average) in try await connection.query(
            totals.query, logger: logger
        ).decode((Int, Int, Int, Date?, Date?, Double?).self) {
            status.totalSyncs = total
            status.successfulSyncs = succeeded
            status.failedSyncs = failed
            status.lastSyncAt = last
            status.lastSuccessfulSyncAt = lastSuccess
            status.averageSyncDurationSeconds = average
        }
        let lastRun: SQLFragment = """
            SELECT run_id, status, mode, started_at, finished_at, error
            FROM sync_runs WHERE organization_id = \(org)
            ORDER BY started_at DESC, run_id
            LIMIT 1
            """
        for try await (runID, runStatus, mode, startedAt, finishedAt, error) in try await connection.query(
            lastRun.query, logger: logger
        ).decode((UUID, String, String, Date, Date?, String?).self) {
            status.lastRun = SyncStatus.LastRun(
                runID: runID, status: runStatus, mode: mode, startedAt: startedAt, finishedAt: finishedAt,
                error: error)
        }
        let sources: SQLFragment = """
            SELECT source, resource, last_success_at, last_full_at
            FROM sync_state WHERE organization_id = \(org)
            ORDER BY source, resource
            """
        for try await (source, resource, lastSuccess, lastFull) in try await connection.query(
            sources.query, logger: logger
        ).decode((String, String, Date?, Date?).self) {
            status.sources.append(
                SyncStatus.Source(source: source, resource: resource, lastSuccessAt: lastSuccess, lastFullAt: lastFull))
        }
        logger.debug("read sync status", metadata: ["routiq.rows": "\(status.totalSyncs)"])
        return status
    }

    /// One page of the run history, newest first (by start, then run id).
    ///
    /// - Parameters:
    ///   - limit: Rows per page, 1 to 500.
    ///   - cursor: The previous page's `next_cursor`, or `nil` for the first page.
    /// - Returns: The page and how many runs the organization has.
    /// - Throws: ``ReadError`` for a limit out of range or a cursor this list did not issue; the connection's errors
    ///   otherwise.
    public func logs(limit: Int, cursor: String?) async throws -> Page<SyncRunRow> {
        try ReadError.checkLimit(limit)
        let org = organization.rawValue
        let startedMicros: SQLFragment = "(extract(epoch FROM started_at) * 1000000)::int8"
        var filter: SQLFragment = "organization_id = \(org)"
        if let cursor, case .syncRun(let micros, let runID) = try PageCursor(decoding: cursor, as: .syncRun) {
            filter = """
                \(filter) AND (\(startedMicros) < \(micros) OR (\(startedMicros) = \(micros) AND run_id > \(runID)))
                """
        }
        let statement: SQLFragment = """
            SELECT run_id, pipeline, mode, status, started_at, finished_at,
                   extract(epoch FROM finished_at - started_at)::float8,
                   records_read, records_inserted + records_updated + records_unchanged, records_quarantined,
                   records_removed, error, \(startedMicros)
            FROM sync_runs
            WHERE \(filter)
            ORDER BY started_at DESC, run_id
            LIMIT \(limit + 1)
            """
        var rows: [(row: SyncRunRow, micros: Int64)] = []
        rows.reserveCapacity(limit + 1)
        for try await row in try await connection.query(statement.query, logger: logger) {
            let (
                id, pipeline, mode, status, startedAt, finishedAt, duration, read, success, failed, removed, error,
                micros
            ) =
                try row.decode(
                    (UUID, String, String, String, Date, Date?, Double?, Int64, Int64, Int64, Int64, String?, Int64)
                        .self)
            rows.append(
                (
                    SyncRunRow(
                        runID: id, pipeline: pipeline, mode: mode, status: status, startedAt: startedAt,
                        completedAt: finishedAt, durationSeconds: duration, recordsProcessed: read,
                        recordsSuccess: success, recordsFailed: failed, recordsRemoved: removed, error: error),
                    micros
                ))
        }
        let hasMore = rows.count > limit
        if hasMore { rows.removeLast(rows.count - limit) }
        let count: SQLFragment = "SELECT count(*) FROM sync_runs WHERE organization_id = \(org)"
        var totalCount = 0
        for try await value in try await connection.query(count.query, logger: logger).decode(Int.self) {
            totalCount = value
        }
        let next = hasMore ? rows.last.map { PageCursor.syncRun(micros: $0.micros, runID: $0.row.runID).encoded } : nil
        logger.debug(
            "read a page of runs", metadata: ["routiq.rows": "\(rows.count)", "routiq.total": "\(totalCount)"])
        return Page(rows: rows.map(\.row), nextCursor: next, totalCount: totalCount)
    }
}
