public import Foundation
public import Logging
public import PostgresNIO

/// One run per organization at a time, across processes and machines: a PostgreSQL session advisory lock.
public enum OrganizationLock {
    /// Why the lock could not be taken.
    public struct Held: Error, Sendable, CustomStringConvertible {
        /// The organization.
        public var organization: String
        /// When the other run started, if it recorded itself.
        public var since: Date?

        public var description: String {
            let when = since.map { " since \(ISO8601DateFormatter().string(from: $0))" } ?? ""
            return "organization \(organization) is being synced by another run\(when)"
        }
    }

    /// Runs `body` on `connection` while holding the organization's lock; throws ``Held`` without waiting when
    /// another session holds it. The lock is released when `body` ends, and by the server if the process dies.
    public static func withLock<Result>(
        organization: String,
        on connection: PostgresConnection,
        logger: Logger,
        _ body: () async throws -> Result
    ) async throws -> Result {
        let key = lockKey(organization)
        let rows = try await connection.query(
            "SELECT pg_try_advisory_lock(hashtextextended(\(key), 0))", logger: logger)
        var acquired = false
        for try await (value) in rows.decode(Bool.self) { acquired = value }
        guard acquired else {
            throw Held(
                organization: organization,
                since: try await runningSince(organization, connection: connection, logger: logger))
        }
        do {
            let result = try await body()
            try await connection.query("SELECT pg_advisory_unlock(hashtextextended(\(key), 0))", logger: logger)
            return result
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(hashtextextended(\(key), 0))", logger: logger)
            throw error
        }
    }

    /// The text whose 64-bit hash (`hashtextextended(key, 0)`) is the organization's advisory lock key.
    static func lockKey(_ organization: String) -> String {
        "routiq.organization:" + organization
    }

    static func runningSince(_ organization: String, connection: PostgresConnection, logger: Logger)
        async throws -> Date?
    {
        let rows = try await connection.query(
            "SELECT max(started_at) FROM sync_runs WHERE organization_id = \(organization) AND status = 'running'",
            logger: logger
        )
        for try await (since) in rows.decode(Date?.self) { return since }
        return nil
    }
}
