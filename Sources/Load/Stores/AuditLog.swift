public import Logging
public import PostgresNIO

/// Appends to `audit_log`: who did what to which organization, and when. Never records secrets.
public enum AuditLog {
    /// Records one action inside the caller's transaction.
    ///
    /// - Parameters:
    ///   - action: A dotted verb such as `credential.set`.
    ///   - organization: The organization acted on.
    ///   - actor: Who acted: the operating-system user for CLI commands.
    ///   - target: What was acted on, e.g. the service name.
    ///   - connection: A connection inside the transaction that makes the change.
    ///   - logger: For the query.
    public static func record(
        action: String,
        organization: String,
        actor: String,
        target: String?,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO audit_log (organization_id, actor, action, target)
            VALUES (\(organization), \(actor), \(action), \(target))
            """,
            logger: logger
        )
    }
}
