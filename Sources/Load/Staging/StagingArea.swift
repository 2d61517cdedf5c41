public import Foundation
public import Logging
public import PostgresNIO

/// One organization's run's rows in the persistent staging tables (`routiq_staging`, migration 7).
///
/// An extract stages its pages here in short statements of their own, on whatever connection the pool lends, so no
/// transaction and no connection is held while a source is read (minutes to hours under Cliniko's rate limit). The
/// final transaction merges the run's rows into the warehouse (``WarehouseLoader``) and calls ``discardRun(on:logger:)``
/// before it commits. Rows of a run that died stay behind until the organization's next run, which calls
/// ``discardAbandoned(on:logger:)`` while holding the organization's lock: nothing else can own them then.
///
/// Every row carries the run's id, so a run never merges rows staged by another one, even one of the same
/// organization that lost its lock and is still writing.
public struct StagingArea: Sendable {
    /// The schema of the staging tables.
    public static let schema = "routiq_staging"
    /// The tables the area spans: every warehouse table's, the patients' phones and the quarantine.
    static let tables =
        WarehouseTable.all.map(\.stagingName) + [
            WarehouseTable.patientPhonesStagingName, QuarantineWriter.stagingName,
        ]

    /// The organization.
    public let organization: String
    /// The run that stages.
    public let runID: UUID

    /// Creates the staging area of one organization's run.
    public init(organization: String, runID: UUID) {
        self.organization = organization
        self.runID = runID
    }

    /// Copies encoded rows into `table`'s staging table, tagged with this run.
    ///
    /// - Parameters:
    ///   - rows: Rows encoded with ``CopyRowEncoder`` in `columns`' order.
    ///   - table: The staging table (``WarehouseTable/stagingName`` or ``WarehouseTable/patientPhonesStagingName``).
    ///   - columns: The columns the rows hold.
    public func copy(
        _ rows: CopyRowEncoder, into table: String, columns: [String], on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        guard rows.rowCount > 0 else { return }
        try await tag(connection, logger: logger)
        try await connection.copyRows(rows.buffer, into: table, columns: columns, logger: logger)
    }

    /// Stages a warehouse table's rows (its columns plus the content hash).
    public func stage(
        _ rows: CopyRowEncoder, into table: WarehouseTable, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await copy(rows, into: table.stagingName, columns: table.copyColumns, on: connection, logger: logger)
    }

    /// Sets the session's `routiq.staging_run`, which the staging tables' `run_id` default reads: every `COPY` runs
    /// right after it, on the same leased connection.
    private func tag(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "SELECT set_config('routiq.staging_run', \(runID.uuidString), false)", logger: logger)
    }

    /// Deletes this run's staged rows (the final transaction, before it commits; or after a failure).
    ///
    /// - Returns: How many rows were deleted.
    @discardableResult
    public func discardRun(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await delete(runCondition: "run_id = $2", on: connection, logger: logger)
    }

    /// Deletes the organization's rows staged by any other run: runs whose process died.
    ///
    /// - Important: Call while holding the organization's lock, so that no live run owns them.
    /// - Returns: How many rows were deleted.
    @discardableResult
    public func discardAbandoned(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await delete(runCondition: "run_id <> $2", on: connection, logger: logger)
    }

    private func delete(runCondition: String, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        var deleted = 0
        for table in Self.tables {
            var bindings = PostgresBindings()
            bindings.append(organization)
            bindings.append(runID)
            let rows = try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        WITH gone AS (DELETE FROM \(table) WHERE organization_id = $1 AND \(runCondition) RETURNING 1)
                        SELECT count(*)::int FROM gone
                        """,
                    binds: bindings),
                logger: logger)
            for try await count in rows.decode(Int.self) { deleted += count }
        }
        return deleted
    }
}
