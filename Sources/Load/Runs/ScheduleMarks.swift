public import Foundation
public import Logging
public import PostgresNIO

/// How far each organization's successful runs of a pipeline reach: the as-of of its last successful run, and of its
/// last successful full run. `routiq run --due` compares them with the schedule's latest slots.
///
/// The as-of is the instant a run read its sources up to (its start, or `--as-of`), so a run counts for a slot when it
/// saw the data as of that slot or later.
public struct ScheduleMarks: Sendable {
    /// One organization's marks.
    public struct Mark: Sendable, Hashable {
        /// The as-of of the last successful run of the pipeline; `nil` when it never succeeded.
        public var lastSuccess: Date?
        /// The as-of of the last successful full run of the pipeline; `nil` when none.
        public var lastFullSuccess: Date?

        /// Creates a mark.
        public init(lastSuccess: Date? = nil, lastFullSuccess: Date? = nil) {
            self.lastSuccess = lastSuccess
            self.lastFullSuccess = lastFullSuccess
        }
    }

    /// The pipeline's name, as its runs record it.
    public let pipeline: String

    /// Creates the marks reader of one pipeline.
    public init(pipeline: String) {
        self.pipeline = pipeline
    }

    /// Every organization's marks; organizations that never succeeded are absent.
    public func marks(on connection: PostgresConnection, logger: Logger) async throws -> [String: Mark] {
        try await read(organization: nil, on: connection, logger: logger)
    }

    /// One organization's marks (read again under its lock, so that a peer's success is seen).
    public func mark(organization: String, on connection: PostgresConnection, logger: Logger) async throws -> Mark {
        try await read(organization: organization, on: connection, logger: logger)[organization] ?? Mark()
    }

    private func read(organization: String?, on connection: PostgresConnection, logger: Logger) async throws
        -> [String: Mark]
    {
        let rows = try await connection.query(
            """
            SELECT organization_id, max(as_of), max(as_of) FILTER (WHERE mode = 'full')
            FROM sync_runs
            WHERE pipeline = \(pipeline) AND status = 'succeeded'
              AND (\(organization)::text IS NULL OR organization_id = \(organization))
            GROUP BY organization_id
            """,
            logger: logger)
        var marks: [String: Mark] = [:]
        for try await (id, last, lastFull) in rows.decode((String, Date?, Date?).self) {
            marks[id] = Mark(lastSuccess: last, lastFullSuccess: lastFull)
        }
        return marks
    }
}
