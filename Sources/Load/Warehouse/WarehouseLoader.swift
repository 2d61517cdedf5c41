public import Foundation
public import Logging
public import PostgresNIO

/// Merges one organization's run's staged records into the warehouse tables.
///
/// The rows were copied into the run-tagged staging tables by ``StagingArea`` while the sources were read, outside
/// any transaction; the merge runs in the organization's final transaction, so a crash at any point leaves the
/// previous state intact. It is an insert-or-update keyed on `(organization_id, id)` that leaves rows whose
/// `content_hash` did not change untouched, so running the same data twice changes no row.
public struct WarehouseLoader: Sendable {
    /// The organization whose rows are loaded; every staged row must carry it.
    public let organization: String
    /// The run whose staged rows are merged.
    public let runID: UUID

    /// Creates a loader for one organization's run.
    public init(organization: String, runID: UUID) {
        self.organization = organization
        self.runID = runID
    }

    /// The bindings every statement starts with: `$1` the organization, `$2` the run.
    private var runBindings: PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(organization)
        bindings.append(runID)
        return bindings
    }

    /// Merges the staged rows into the table.
    ///
    /// A record staged more than once (repeated across pages, or by the incremental overlap) is merged once, in its
    /// newest version. Rows that come back after being marked removed are restored. When the organization has no
    /// row in the table yet (its first load), the rows are inserted without `ON CONFLICT`, which is cheaper.
    public func merge(_ table: WarehouseTable, on connection: PostgresConnection, logger: Logger) async throws
        -> MergeCounts
    {
        let newestFirst = table.columnNames.contains("source_updated_at") ? ", source_updated_at DESC NULLS LAST" : ""
        let columns = table.copyColumns.joined(separator: ", ")
        let assignments = (table.updatableColumns + ["content_hash"]).map { "\($0) = EXCLUDED.\($0)" }
            .joined(separator: ", ")
        let bindings = runBindings
        let staged = """
            SELECT DISTINCT ON (\(table.keyColumn)) \(columns)
            FROM \(table.stagingName)
            WHERE organization_id = $1 AND run_id = $2
            ORDER BY \(table.keyColumn)\(newestFirst)
            """
        if try await !hasRows(table, on: connection, logger: logger) {
            // A first load: nothing to compare with, so a plain insert without ON CONFLICT's per-row arbitration.
            // The organization's advisory lock keeps any other run from inserting its rows meanwhile.
            let sql = """
                WITH inserted AS (INSERT INTO \(table.name) (\(columns)) \(staged) RETURNING 1)
                SELECT count(*)::int FROM inserted
                """
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
            for try await inserted in rows.decode(Int.self) {
                return MergeCounts(staged: inserted, inserted: inserted, updated: 0, unchanged: 0)
            }
            return MergeCounts()
        }
        let sql = """
            WITH staged AS (
                \(staged)
            ), merged AS (
                INSERT INTO \(table.name) AS t (\(columns))
                SELECT \(columns) FROM staged
                ON CONFLICT (organization_id, \(table.keyColumn)) DO UPDATE
                SET \(assignments), loaded_at = now(), removed_at = NULL
                WHERE t.content_hash IS DISTINCT FROM EXCLUDED.content_hash OR t.removed_at IS NOT NULL
                RETURNING (xmax = 0) AS inserted
            )
            SELECT (SELECT count(*) FROM staged)::int,
                   (count(*) FILTER (WHERE inserted))::int,
                   (count(*) FILTER (WHERE NOT inserted))::int
            FROM merged
            """
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
        for try await (staged, inserted, updated) in rows.decode((Int, Int, Int).self) {
            return MergeCounts(
                staged: staged, inserted: inserted, updated: updated, unchanged: staged - inserted - updated)
        }
        return MergeCounts()
    }

    /// Whether the organization has any row in `table`, removed or not.
    private func hasRows(_ table: WarehouseTable, on connection: PostgresConnection, logger: Logger) async throws
        -> Bool
    {
        var bindings = PostgresBindings()
        bindings.append(organization)
        let rows = try await connection.query(
            PostgresQuery(
                unsafeSQL: "SELECT EXISTS (SELECT 1 FROM \(table.name) WHERE organization_id = $1)", binds: bindings),
            logger: logger)
        for try await exists in rows.decode(Bool.self) { return exists }
        return false
    }

    /// Marks every row of the organization that was not staged as removed (never deletes).
    ///
    /// A record the source did return but that was quarantined in this run is not removed: it still exists, it only
    /// could not be read this time.
    ///
    /// - Important: Call only after a **complete** full fetch of the resource: every page arrived. After a partial
    ///   fetch this would mark rows removed that merely were not fetched.
    /// - Parameters:
    ///   - resource: The resource whose records quarantined in this run are spared.
    /// - Returns: How many rows were newly marked removed.
    public func markUnstagedRemoved(
        _ table: WarehouseTable,
        sparingQuarantinedOf resource: String,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Int {
        let sql = """
            WITH removed AS (
                UPDATE \(table.name) AS t SET removed_at = now()
                WHERE t.organization_id = $1 AND t.removed_at IS NULL
                  AND NOT EXISTS (
                      SELECT 1 FROM \(table.stagingName) s
                      WHERE s.organization_id = t.organization_id AND s.run_id = $2
                        AND s.\(table.keyColumn) = t.\(table.keyColumn)
                  )
                  AND NOT EXISTS (
                      SELECT 1 FROM quarantine q
                      WHERE q.organization_id = t.organization_id AND q.run_id = $2 AND q.resource = $3
                        AND q.source_id = t.\(table.keyColumn)::text
                  )
                RETURNING 1
            )
            SELECT count(*)::int FROM removed
            """
        var bindings = runBindings
        bindings.append(resource)
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
        for try await (count) in rows.decode(Int.self) { return count }
        return 0
    }
}
