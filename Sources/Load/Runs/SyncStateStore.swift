public import Foundation
public import Logging
public import PostgresNIO

/// Incremental cursors per (organization, source, resource) in `sync_state`.
///
/// Cursors are read at the start of a run and advanced inside the transaction that commits the data they cover, so
/// a failed run never skips changes.
public struct SyncStateStore: Sendable {
    /// One resource's state.
    public struct Entry: Sendable, Hashable {
        /// The source, e.g. `cliniko`.
        public var source: String
        /// The resource, e.g. `patients`.
        public var resource: String
        /// The high-water mark (an ISO-8601 instant for time-based cursors).
        public var cursor: String?
        /// When the resource last synced successfully.
        public var lastSuccessAt: Date?
        /// When a complete full fetch last succeeded.
        public var lastFullAt: Date?
    }

    /// The organization.
    public let organization: String

    /// Creates a store for one organization.
    public init(organization: String) {
        self.organization = organization
    }

    /// Every stored cursor of the organization.
    public func entries(on connection: PostgresConnection, logger: Logger) async throws -> [Entry] {
        let rows = try await connection.query(
            """
            SELECT source, resource, cursor_value, last_success_at, last_full_at
            FROM sync_state WHERE organization_id = \(organization) ORDER BY source, resource
            """,
            logger: logger
        )
        var result: [Entry] = []
        for try await (source, resource, cursor, success, full) in rows.decode(
            (String, String, String?, Date?, Date?).self)
        {
            result.append(
                Entry(source: source, resource: resource, cursor: cursor, lastSuccessAt: success, lastFullAt: full))
        }
        return result
    }

    /// Advances one resource's cursor: never backwards (a smaller value keeps the stored one), and never past
    /// `limit`, the run's as-of. A stored cursor later than `limit` (written in the future by a version that did not
    /// cap it, from a clock-skewed record) is moved back to the new value, or to `limit`.
    ///
    /// Cursors are ISO-8601 UTC text of one fixed form, so text order is time order.
    ///
    /// - Parameters:
    ///   - cursor: The new high-water mark (the caller caps it at `limit`), or `nil` to keep the stored one.
    ///   - limit: The run's as-of, in the same form.
    ///   - complete: Whether this was a complete full fetch (sets `last_full_at`).
    public func advance(
        source: String,
        resource: String,
        to cursor: String?,
        notAfter limit: String,
        complete: Bool,
        runID: UUID,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO sync_state (organization_id, source, resource, cursor_value, last_success_at, last_full_at, run_id)
            VALUES (\(organization), \(source), \(resource), \(cursor), now(),
                    CASE WHEN \(complete) THEN now() END, \(runID))
            ON CONFLICT (organization_id, source, resource) DO UPDATE SET
                cursor_value = CASE
                    WHEN sync_state.cursor_value > EXCLUDED.cursor_value AND sync_state.cursor_value > \(limit)::text
                        THEN EXCLUDED.cursor_value
                    WHEN EXCLUDED.cursor_value IS NULL AND sync_state.cursor_value > \(limit)::text
                        THEN \(limit)::text
                    WHEN EXCLUDED.cursor_value IS NULL THEN sync_state.cursor_value
                    WHEN sync_state.cursor_value IS NULL OR EXCLUDED.cursor_value > sync_state.cursor_value
                        THEN EXCLUDED.cursor_value
                    ELSE sync_state.cursor_value END,
                last_success_at = now(),
                last_full_at = COALESCE(EXCLUDED.last_full_at, sync_state.last_full_at),
                run_id = EXCLUDED.run_id
            """,
            logger: logger
        )
    }
}
