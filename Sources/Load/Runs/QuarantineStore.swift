public import Foundation
public import Logging
public import PostgresNIO

/// Reads and settles the quarantine: which records are still open, and what became of them.
///
/// A quarantined record stays **open** until one of three things happens in a later run of its organization:
/// it is read again and loads (`loaded`), the source answers that it no longer exists or a complete full fetch no
/// longer lists it (`gone`), or it is quarantined again (`superseded`: the newer entry now stands for it). Open
/// records are re-read by id on every run where the API allows it (``openIDs(source:resource:limit:on:logger:)``);
/// nothing is ever dropped silently, and `routiq quarantine list` shows what is open.
public struct QuarantineStore: Sendable {
    /// One quarantined record, without its raw payload.
    public struct Entry: Sendable, Hashable, Codable {
        /// The organization.
        public var organization: String
        /// The entry's id.
        public var id: Int64
        /// The run that quarantined it.
        public var runID: UUID
        /// `cliniko`, `chatwoot` or `clerk`.
        public var source: String
        /// The resource, e.g. `patients`.
        public var resource: String
        /// The record's id at the source, when it could be read.
        public var sourceID: String?
        /// Why it was quarantined (names fields and rules, never values).
        public var reason: String
        /// When it was quarantined.
        public var createdAt: Date
        /// When it was settled, or `nil` while it is open.
        public var resolvedAt: Date?
        /// `loaded`, `gone` or `superseded`, or `nil` while it is open.
        public var resolution: String?
    }

    /// The organization.
    public let organization: String

    /// Creates a store for one organization.
    public init(organization: String) {
        self.organization = organization
    }

    /// The source ids of `resource`'s open entries from runs before `runID`, oldest first, at most `limit` of them.
    public func openIDs(
        source: String, resource: String, before runID: UUID, limit: Int, on connection: PostgresConnection,
        logger: Logger
    ) async throws -> [String] {
        let rows = try await connection.query(
            """
            SELECT source_id FROM quarantine
            WHERE organization_id = \(organization) AND source = \(source) AND resource = \(resource)
              AND run_id <> \(runID) AND resolved_at IS NULL AND source_id IS NOT NULL
            GROUP BY source_id ORDER BY min(quarantine_id) LIMIT \(limit)
            """,
            logger: logger
        )
        var ids: [String] = []
        for try await (id) in rows.decode(String.self) { ids.append(id) }
        return ids
    }

    /// Settles `resource`'s open entries from earlier runs after this run's records of it were staged and merged:
    /// records staged now are `loaded`, records quarantined again now are `superseded`, and `goneIDs` (or, after a
    /// complete full fetch, every record neither staged nor quarantined now) are `gone`.
    ///
    /// - Parameters:
    ///   - table: The resource's table; its staging table holds this run's rows (tagged with `runID`).
    ///   - keyColumn: The table's key column, compared with `source_id`.
    ///   - completeFullFetch: Whether every page of a full fetch arrived, so an unlisted record no longer exists.
    /// - Returns: How many entries were settled.
    @discardableResult
    public func settle(
        source: String,
        resource: String,
        table: WarehouseTable,
        runID: UUID,
        goneIDs: [String],
        completeFullFetch: Bool,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Int {
        var bindings = PostgresBindings()
        bindings.append(organization)
        bindings.append(source)
        bindings.append(resource)
        bindings.append(runID)
        bindings.append(goneIDs)
        bindings.append(completeFullFetch)
        let sql = """
            WITH open AS (
                SELECT quarantine_id, source_id, raw FROM quarantine
                WHERE organization_id = $1 AND source = $2 AND resource = $3 AND run_id <> $4 AND resolved_at IS NULL
            ), requarantined AS (
                SELECT source_id, raw FROM quarantine
                WHERE organization_id = $1 AND source = $2 AND resource = $3 AND run_id = $4
            ), decided AS (
                SELECT o.quarantine_id,
                       CASE
                           WHEN EXISTS (SELECT 1 FROM \(table.stagingName) s
                                        WHERE s.organization_id = $1 AND s.run_id = $4
                                          AND s.\(table.keyColumn) = o.source_id)
                               THEN 'loaded'
                           WHEN EXISTS (SELECT 1 FROM requarantined r
                                        WHERE r.source_id = o.source_id
                                           OR (o.source_id IS NULL AND r.source_id IS NULL AND r.raw = o.raw))
                               THEN 'superseded'
                           WHEN o.source_id = ANY($5) THEN 'gone'
                           WHEN $6 AND o.source_id IS NOT NULL THEN 'gone'
                       END AS resolution
                FROM open o
            ), settled AS (
                UPDATE quarantine q SET resolved_at = now(), resolution = d.resolution, resolved_run_id = $4
                FROM decided d
                WHERE q.organization_id = $1 AND q.quarantine_id = d.quarantine_id AND d.resolution IS NOT NULL
                RETURNING 1
            )
            SELECT count(*)::int FROM settled
            """
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
        for try await (count) in rows.decode(Int.self) { return count }
        return 0
    }

    /// Quarantine entries, newest first: the open ones, or with `includingSettled` every one.
    ///
    /// - Parameters:
    ///   - organizations: Only these organizations; every one when empty.
    ///   - limit: At most this many entries.
    public static func list(
        organizations: [String],
        includingSettled: Bool,
        limit: Int,
        client: PostgresClient,
        logger: Logger
    ) async throws -> [Entry] {
        let rows = try await client.query(
            """
            SELECT organization_id, quarantine_id, run_id, source, resource, source_id, reason, created_at,
                   resolved_at, resolution
            FROM quarantine
            WHERE (cardinality(\(organizations)::text[]) = 0 OR organization_id = ANY(\(organizations)::text[]))
              AND (\(includingSettled) OR resolved_at IS NULL)
            ORDER BY created_at DESC, quarantine_id DESC
            LIMIT \(limit)
            """,
            logger: logger
        )
        var entries: [Entry] = []
        for try await (organization, id, runID, source, resource, sourceID, reason, createdAt, resolvedAt, resolution)
            in rows.decode((String, Int64, UUID, String, String, String?, String, Date, Date?, String?).self)
        {
            entries.append(
                Entry(
                    organization: organization, id: id, runID: runID, source: source, resource: resource,
                    sourceID: sourceID, reason: reason, createdAt: createdAt, resolvedAt: resolvedAt,
                    resolution: resolution))
        }
        return entries
    }
}
