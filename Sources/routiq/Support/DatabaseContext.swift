import ArgumentParser
import Foundation
import Load
import Logging
import PostgresNIO

/// Resolves the database for a command: `DATABASE_URL` when set, else the embedded cluster (started on demand),
/// and migrates it before handing out a client.
struct DatabaseContext: Sendable {
    let environment: RuntimeEnvironment

    /// The embedded cluster's handle (whether or not `DATABASE_URL` is set).
    var cluster: EmbeddedCluster {
        EmbeddedCluster(
            configuration: .init(
                home: environment.home,
                binDirectory: environment.postgresBinDirectory,
                searchPath: environment.searchPath,
                serverUser: environment.postgresUser
            )
        )
    }

    /// Whether the database is RoutIQ's own embedded cluster.
    var isEmbedded: Bool { environment.databaseURL == nil }

    /// The endpoint to use, starting the embedded cluster when that is the database.
    func endpoint(logger: Logger) async throws -> DatabaseEndpoint {
        if let url = environment.databaseURL {
            return try DatabaseEndpoint(url: url)
        }
        return try await cluster.start(logger: logger)
    }

    /// Runs `body` with a client for the migrated RoutIQ database.
    ///
    /// - Parameter maximumConnections: The pool's size; postgres-nio's default (20) when `nil`.
    func withMigratedDatabase<Result: Sendable>(
        logger: Logger,
        maximumConnections: Int? = nil,
        _ body: (PostgresClient) async throws -> Result
    ) async throws -> Result {
        let endpoint = try await endpoint(logger: logger)
        return try await withPostgresClient(
            endpoint: endpoint, logger: logger, maximumConnections: maximumConnections
        ) { client in
            let migrations = try SchemaMigration.bundled()
            try await SchemaMigrator(migrations: migrations).migrate(client: client, logger: logger)
            return try await body(client)
        }
    }

    /// `$ROUTIQ_HOME/credentials.key` when it holds the vault's key: for the embedded database without
    /// `CREDENTIALS_ENCRYPTION_KEY`; `nil` otherwise.
    var keyFile: URL? {
        guard isEmbedded, environment.credentialsKey == nil else { return nil }
        return environment.home.appendingPathComponent("credentials.key")
    }

    /// The credential vault: `CREDENTIALS_ENCRYPTION_KEY`, or for the embedded database only, a key generated into
    /// `$ROUTIQ_HOME/credentials.key`.
    func vault() throws -> CredentialVault {
        if let key = environment.credentialsKey {
            return try CredentialVault(base64Key: key)
        }
        guard let keyFile else {
            throw VaultError(
                .missingKey,
                "CREDENTIALS_ENCRYPTION_KEY is not set; with DATABASE_URL a key must be given (generate one with: openssl rand -base64 32)"
            )
        }
        return try CredentialVault.loadOrCreateKeyFile(at: keyFile)
    }
}
