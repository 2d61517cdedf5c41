import Foundation
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
    ///   - details: Further non-secret facts, stored as a JSON object in `details`; none by default.
    ///   - connection: A connection inside the transaction that makes the change.
    ///   - logger: For the query.
    public static func record(
        action: String,
        organization: String,
        actor: String,
        target: String?,
        details: [String: String] = [:],
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let detailsJSON = String(decoding: try encoder.encode(details), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO audit_log (organization_id, actor, action, target, details)
            VALUES (\(organization), \(actor), \(action), \(target), \(detailsJSON)::jsonb)
            """,
            logger: logger
        )
    }
}
