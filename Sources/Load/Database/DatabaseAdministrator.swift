public import Logging
import PostgresNIO

/// Creates and drops whole databases on a server (the embedded cluster's first start; test suites' throwaway
/// databases).
public struct DatabaseAdministrator: Sendable {
    /// A maintenance database on the server, e.g. `postgres`.
    public let endpoint: DatabaseEndpoint

    /// Creates an administrator.
    ///
    /// - Parameter endpoint: A database to connect to while creating or dropping others (usually `postgres`).
    public init(endpoint: DatabaseEndpoint) {
        self.endpoint = endpoint
    }

    /// Creates a database unless it exists.
    ///
    /// - Parameters:
    ///   - name: Lower-case letters, digits and `_` only (it is spliced into SQL as an identifier).
    ///   - logger: For the query.
    public func createDatabaseIfNeeded(named name: String, logger: Logger) async throws {
        try Self.checkIdentifier(name)
        try await withPostgresClient(endpoint: endpoint, logger: logger) { client in
            let rows = try await client.query("SELECT 1 FROM pg_database WHERE datname = \(name)", logger: logger)
            for try await _ in rows { return }
            do {
                try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""), logger: logger)
            } catch let error as PSQLError where ["42P04", "23505"].contains(error.serverInfo?[.sqlState]) {
                // Created by a concurrent process in the meantime (duplicate_database, or the catalog's
                // unique_violation when both CREATE DATABASE statements ran at the same moment).
            }
        }
    }

    /// Drops a database, disconnecting its sessions. Does nothing when it does not exist.
    ///
    /// - Parameters:
    ///   - name: Lower-case letters, digits and `_` only.
    ///   - logger: For the query.
    public func dropDatabase(named name: String, logger: Logger) async throws {
        try Self.checkIdentifier(name)
        _ = try await withPostgresClient(endpoint: endpoint, logger: logger) { client in
            try await client.query(
                PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)"), logger: logger)
        }
    }

    private static func checkIdentifier(_ name: String) throws {
        let valid =
            !name.isEmpty && name.count <= 63
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
        guard valid else {
            throw DatabaseError(
                .invalidInput, "database names must be lower-case letters, digits and '_' (got '\(name)')")
        }
    }
}
