public import Logging
public import PostgresNIO

/// Applies ``SchemaMigration``s in order, once, under a lock, and guards applied ones against edits.
///
/// All pending migrations run in one transaction that first takes a transaction-scoped advisory lock, so two
/// processes migrating the same database at once serialize and the second finds nothing to do. Applied versions are
/// recorded with their checksum in `schema_migrations`; an applied migration whose file has changed since stops
/// everything with ``DatabaseError/Code/migrationChecksumMismatch``.
public struct SchemaMigrator: Sendable {
    /// What a migration run did.
    public struct Report: Sendable, Hashable {
        /// The migrations applied by this run, in order.
        public var applied: [SchemaMigration]
        /// The schema version after the run.
        public var currentVersion: Int
    }

    /// The advisory lock key used while migrating ("routiq" in ASCII).
    static let lockKey: Int64 = 0x726F_7574_6971

    /// The migrations this migrator knows.
    public let migrations: [SchemaMigration]

    /// Creates a migrator.
    ///
    /// - Parameter migrations: The migrations in version order; the bundled ones by default.
    public init(migrations: [SchemaMigration]) {
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Brings the database up to date.
    ///
    /// - Parameters:
    ///   - client: A running client for the database.
    ///   - logger: Receives one info line per applied migration.
    /// - Returns: What was applied and the resulting version.
    /// - Throws: ``DatabaseError`` for an edited or unknown applied migration, or a failing one (rolled back).
    @discardableResult
    public func migrate(client: PostgresClient, logger: Logger) async throws -> Report {
        let report: Report
        do {
            report = try await apply(client: client, logger: logger)
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.commitError ?? error.beginError ?? error
        }
        if report.currentVersion >= Self.readerRoleVersion {
            try await Self.checkReaderRole(client: client, logger: logger)
        }
        return report
    }

    /// Whether the database holds exactly the migrations this migrator knows, each with the same checksum: what
    /// `/ready` reports as "schema current".
    ///
    /// - Parameters:
    ///   - client: A running client for the database.
    ///   - logger: For the queries.
    /// - Returns: `false` when a migration is missing, was edited after it was applied, or the database has one this
    ///   migrator does not know (a newer RoutIQ migrated it).
    /// - Throws: The database's errors, e.g. when it cannot be reached.
    public func isCurrent(client: PostgresClient, logger: Logger) async throws -> Bool {
        try await client.withConnection { try await isCurrent($0, logger: logger) }
    }

    /// Whether the database holds exactly RoutIQ's bundled migrations, each with the same checksum, checked on a
    /// connection the caller already holds (`/ready` probes with a leased one). The bundled files are read once per
    /// process.
    ///
    /// - Parameters:
    ///   - connection: A connection to the database, not inside a failed transaction.
    ///   - logger: For the queries.
    /// - Returns: As ``isCurrent(client:logger:)``.
    /// - Throws: ``DatabaseError`` when the bundled migration files are missing, or the database's errors.
    public static func isCurrent(connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await SchemaMigrator(migrations: bundledMigrations.get()).isCurrent(connection, logger: logger)
    }

    /// The bundled migrations, read on first use.
    private static let bundledMigrations = Result { try SchemaMigration.bundled() }

    private func isCurrent(_ connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let applied = try await appliedVersions(connection, logger: logger)
        return applied == Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0.checksum) })
    }

    private func apply(client: PostgresClient, logger: Logger) async throws -> Report {
        try await client.withConnection { connection in
            try await connection.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version integer PRIMARY KEY,
                        name text NOT NULL,
                        checksum text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """,
                    logger: logger
                )
                let applied = try await appliedVersions(connection, logger: logger)
                try verify(applied)
                var report = Report(applied: [], currentVersion: applied.keys.max() ?? 0)
                for migration in migrations where applied[migration.version] == nil {
                    do {
                        for statement in SQLScript.statements(in: migration.sql) {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                    } catch {
                        throw DatabaseError(
                            .migrationFailed,
                            "migration \(migration.version) (\(migration.name)) failed: \(String(describing: error))",
                            underlying: error
                        )
                    }
                    try await connection.query(
                        """
                        INSERT INTO schema_migrations (version, name, checksum)
                        VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                        """,
                        logger: logger
                    )
                    logger.info(
                        "applied schema migration",
                        metadata: ["routiq.migration": "\(migration.version)_\(migration.name)"]
                    )
                    report.applied.append(migration)
                    report.currentVersion = migration.version
                }
                return report
            }
        }
    }

    /// The applied versions and their checksums.
    public func appliedVersions(client: PostgresClient, logger: Logger) async throws -> [Int: String] {
        try await client.withConnection { try await appliedVersions($0, logger: logger) }
    }

    private func appliedVersions(_ connection: PostgresConnection, logger: Logger) async throws -> [Int: String] {
        let exists = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
        for try await (present) in exists.decode(Bool.self) where !present { return [:] }
        var result: [Int: String] = [:]
        let rows = try await connection.query("SELECT version, checksum FROM schema_migrations", logger: logger)
        for try await (version, checksum) in rows.decode((Int, String).self) {
            result[version] = checksum
        }
        return result
    }

    private func verify(_ applied: [Int: String]) throws {
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for (version, checksum) in applied.sorted(by: { $0.key < $1.key }) {
            guard let migration = known[version] else {
                throw DatabaseError(
                    .migrationFromNewerVersion,
                    "the database has schema migration \(version), which this RoutIQ does not know; it was migrated by a newer RoutIQ"
                )
            }
            guard migration.checksum == checksum else {
                throw DatabaseError(
                    .migrationChecksumMismatch,
                    "schema migration \(version) (\(migration.name)) was edited after it was applied "
                        + "(checksum \(checksum.prefix(12))… in the database, \(migration.checksum.prefix(12))… in the file); "
                        + "restore the file and add a new migration instead"
                )
            }
        }
    }
}
