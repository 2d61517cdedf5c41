import Foundation
public import Load
public import Logging
public import PostgresNIO

#if canImport(Glibc)
    import Glibc
#endif

/// Throwaway PostgreSQL databases for integration tests.
///
/// Uses `DATABASE_URL` when set. Otherwise it starts RoutIQ's own embedded cluster through the product code
/// (``EmbeddedCluster``) in a per-user folder under the temporary directory, shared by every test process, so the
/// suites run everywhere and never skip. When the PostgreSQL server programs are missing, the tests fail with the
/// product's own message saying how to install them.
public enum TestDatabase {
    /// A logger for tests: warnings and above only; tests never bootstrap the logging system.
    public static var logger: Logger {
        var logger = Logger(label: "routiq.tests")
        logger.logLevel = .warning
        return logger
    }

    /// The embedded cluster shared by test processes (not used when `DATABASE_URL` is set).
    public static var sharedCluster: EmbeddedCluster {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("routiq-tests-\(getuid())")
        let environment = ProcessInfo.processInfo.environment
        return EmbeddedCluster(
            configuration: .init(
                home: home,
                binDirectory: environment["ROUTIQ_PG_BINDIR"],
                searchPath: environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
                serverUser: environment["ROUTIQ_PG_USER"]
            )
        )
    }

    /// The server's maintenance database.
    public static func serverEndpoint() async throws -> DatabaseEndpoint {
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty {
            return try DatabaseEndpoint(url: url).with(database: "postgres")
        }
        return try await sharedCluster.start(logger: logger).with(database: "postgres")
    }

    /// Runs `body` with a new, migrated database that is dropped afterwards, even when `body` throws.
    ///
    /// - Parameters:
    ///   - migrated: Whether to apply RoutIQ's migrations first; `true` by default.
    ///   - maximumConnections: The client's pool size; postgres-nio's default (20) when `nil`.
    ///   - body: Receives a running client and the database's endpoint.
    public static func withFreshDatabase<Result: Sendable>(
        migrated: Bool = true,
        maximumConnections: Int? = nil,
        _ body: (PostgresClient, DatabaseEndpoint) async throws -> Result
    ) async throws -> Result {
        do {
            return try await withFreshDatabaseUnexplained(
                migrated: migrated, maximumConnections: maximumConnections, body)
        } catch let error as PSQLError {
            // PSQLError hides everything in `description`; test databases hold no secrets, so show the details.
            throw DatabaseError(.migrationFailed, String(reflecting: error), underlying: error)
        }
    }

    private static func withFreshDatabaseUnexplained<Result: Sendable>(
        migrated: Bool,
        maximumConnections: Int?,
        _ body: (PostgresClient, DatabaseEndpoint) async throws -> Result
    ) async throws -> Result {
        let server = try await serverEndpoint()
        let name = "routiq_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let administrator = DatabaseAdministrator(endpoint: server)
        try await administrator.createDatabaseIfNeeded(named: name, logger: logger)
        let endpoint = server.with(database: name)
        do {
            let result = try await withPostgresClient(
                endpoint: endpoint, logger: logger, maximumConnections: maximumConnections
            ) { client in
                if migrated {
                    try await SchemaMigrator(migrations: SchemaMigration.bundled()).migrate(
                        client: client, logger: logger)
                }
                return try await body(client, endpoint)
            }
            try await administrator.dropDatabase(named: name, logger: logger)
            return result
        } catch {
            try? await administrator.dropDatabase(named: name, logger: logger)
            throw error
        }
    }

    /// Counts the rows a query returns.
    public static func count(_ query: PostgresQuery, on client: PostgresClient) async throws -> Int {
        let rows = try await client.query(query, logger: logger)
        for try await (value) in rows.decode(Int.self) { return value }
        return 0
    }
}
