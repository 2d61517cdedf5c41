public import Logging
public import Pipeline
public import PostgresNIO

extension OrganizationStore {
    /// Updates an organization's name and slug from its Clerk record, when they changed. Call in the organization's
    /// final transaction, so the profile commits with the run's data.
    public static func applyClerkProfile(
        _ remote: ClerkOrganization, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            UPDATE organizations SET name = \(remote.name), slug = \(remote.slug), updated_at = now(),
                   clerk_created_at = \(remote.createdAt), clerk_updated_at = \(remote.updatedAt)
            WHERE organization_id = \(remote.id)
              AND (name, slug, clerk_updated_at) IS DISTINCT FROM (\(remote.name), \(remote.slug), \(remote.updatedAt))
            """,
            logger: logger
        )
    }
}
