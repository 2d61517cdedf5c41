public import PostgresNIO

/// A checksum of what a run leaves in the warehouse, table by table, for comparing two databases' end states.
///
/// Every source and derived table is hashed row by row in a canonical order. Bookkeeping that legitimately differs
/// between two runs reaching the same state is left out: when a row was loaded or matched (`loaded_at`,
/// `matched_at`), which run derived it (`run_id`), and *when* a row was marked removed (only *whether* it was counts).
/// Run records, cursors, the quarantine and the audit log are bookkeeping, not state, and are not hashed.
public struct WarehouseChecksum: Equatable, Sendable, CustomStringConvertible {
    /// The tables compared.
    public static let tables = [
        "businesses", "practitioners", "appointment_types", "patients", "patient_phones", "appointments", "contacts",
        "conversations", "messages", "users", "organization_members", "contact_matches", "patient_activity",
        "appointment_type_stats", "appointment_weekly_stats",
    ]

    /// Columns whose values differ between runs that reach the same state.
    static let volatileColumns: Set<String> = ["loaded_at", "matched_at", "run_id"]

    /// Per table: row count and an MD5 over the sorted row hashes.
    public var tables: [String: String]

    /// Whether every table is empty.
    public var isEmpty: Bool { tables.values.allSatisfy { $0.hasPrefix("0:") } }

    public var description: String {
        tables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    /// The tables whose checksums differ from `other`'s.
    public func differences(from other: WarehouseChecksum) -> [String] {
        Self.tables.filter { tables[$0] != other.tables[$0] }
    }

    /// Computes the checksum of the database `client` is connected to, or of one organization's rows in it.
    public static func compute(on client: PostgresClient, organization: String? = nil) async throws
        -> WarehouseChecksum
    {
        var result: [String: String] = [:]
        for table in tables {
            var columns: [String] = []
            let rows = try await client.query(
                """
                SELECT column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = \(table) ORDER BY ordinal_position
                """,
                logger: TestDatabase.logger)
            for try await (name) in rows.decode(String.self) where !volatileColumns.contains(name) {
                columns.append(name == "removed_at" ? "(removed_at IS NOT NULL)" : name)
            }
            let sql = """
                SELECT count(*)::int, coalesce(md5(string_agg(h, ',' ORDER BY h)), '')
                FROM (SELECT md5(ROW(\(columns.joined(separator: ", ")))::text) AS h FROM \(table)
                      WHERE $1::text IS NULL OR organization_id = $1) AS hashed
                """
            var bindings = PostgresBindings()
            bindings.append(organization)
            let hashes = try await client.query(
                PostgresQuery(unsafeSQL: sql, binds: bindings), logger: TestDatabase.logger)
            for try await (count, digest) in hashes.decode((Int, String).self) {
                result[table] = "\(count):\(digest.prefix(12))"
            }
        }
        return WarehouseChecksum(tables: result)
    }
}
