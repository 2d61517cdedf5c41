public import Foundation
public import Logging
public import PostgresNIO

/// Reads and registers organizations in the `organizations` table.
public struct OrganizationStore: Sendable {
    private let client: PostgresClient

    /// Creates a store over a running client (connected as the owner role, not `routiq_reader`).
    public init(client: PostgresClient) {
        self.client = client
    }

    /// Registers an organization and records it in the audit log.
    ///
    /// - Throws: ``DatabaseError/Code/invalidInput`` when it is already registered.
    public func add(_ organization: Organization, actor: String, logger: Logger) async throws {
        try await client.withUnwrappedTransaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                INSERT INTO organizations (organization_id, name, slug, time_zone, phone_region)
                VALUES (\(organization.id), \(organization.name), \(organization.slug), \(organization.timeZone), \(organization.phoneRegion))
                ON CONFLICT (organization_id) DO NOTHING
                RETURNING organization_id
                """,
                logger: logger
            )
            var inserted = false
            for try await _ in rows { inserted = true }
            guard inserted else {
                throw DatabaseError(.invalidInput, "organization \(organization.id) is already registered")
            }
            try await AuditLog.record(
                action: "organization.add", organization: organization.id, actor: actor, target: nil,
                on: connection, logger: logger
            )
        }
    }

    /// Every registered organization that has not been removed, by id.
    public func list(logger: Logger) async throws -> [Organization] {
        try await fetch(filter: nil, logger: logger)
    }

    /// One organization, or `nil`.
    public func find(_ id: String, logger: Logger) async throws -> Organization? {
        try await fetch(filter: id, logger: logger).first
    }

    private func fetch(filter: String?, logger: Logger) async throws -> [Organization] {
        let rows = try await client.query(
            """
            SELECT organization_id, name, slug, time_zone, phone_region, created_at
            FROM organizations
            WHERE removed_at IS NULL AND (\(filter)::text IS NULL OR organization_id = \(filter))
            ORDER BY organization_id
            """,
            logger: logger
        )
        var result: [Organization] = []
        for try await (id, name, slug, timeZone, region, createdAt) in rows.decode(
            (String, String, String?, String, String, Date).self)
        {
            result.append(
                Organization(
                    id: id, name: name, slug: slug, timeZone: timeZone, phoneRegion: region, createdAt: createdAt))
        }
        return result
    }
}
