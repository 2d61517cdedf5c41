public import Foundation
public import Logging
public import PostgresNIO

/// Keeps sealed service credentials in `service_credentials`, auditing every change.
public struct CredentialStore: Sendable {
    /// What is known about a stored credential without opening it.
    public struct Status: Sendable, Hashable {
        /// The service.
        public var service: CredentialService
        /// When it was last set.
        public var updatedAt: Date
        /// Who last set it.
        public var updatedBy: String
    }

    private let client: PostgresClient
    private let vault: CredentialVault

    /// Creates a store.
    public init(client: PostgresClient, vault: CredentialVault) {
        self.client = client
        self.vault = vault
    }

    /// Seals and stores a credential, replacing any previous one, and writes an audit row (without the secret).
    ///
    /// - Throws: ``DatabaseError/Code/notFound`` when the organization is not registered.
    public func set(_ credential: ServiceCredential, organization: String, actor: String, logger: Logger) async throws {
        let sealed = try vault.seal(credential, organization: organization)
        try await client.withUnwrappedTransaction(logger: logger) { connection in
            try await requireOrganization(organization, connection: connection, logger: logger)
            try await connection.query(
                """
                INSERT INTO service_credentials (organization_id, service, sealed, key_fingerprint, updated_by)
                VALUES (\(organization), \(credential.service.rawValue), \(ByteBuffer(bytes: sealed)), \(vault.keyFingerprint), \(actor))
                ON CONFLICT (organization_id, service) DO UPDATE
                SET sealed = EXCLUDED.sealed, key_fingerprint = EXCLUDED.key_fingerprint,
                    updated_at = now(), updated_by = EXCLUDED.updated_by
                """,
                logger: logger
            )
            try await AuditLog.record(
                action: "credential.set", organization: organization, actor: actor, target: credential.service.rawValue,
                on: connection, logger: logger
            )
        }
    }

    /// Deletes a credential and writes an audit row.
    ///
    /// - Returns: Whether a credential was stored.
    @discardableResult
    public func remove(_ service: CredentialService, organization: String, actor: String, logger: Logger) async throws
        -> Bool
    {
        try await client.withUnwrappedTransaction(logger: logger) { connection in
            try await requireOrganization(organization, connection: connection, logger: logger)
            let rows = try await connection.query(
                """
                DELETE FROM service_credentials WHERE organization_id = \(organization) AND service = \(service.rawValue)
                RETURNING service
                """,
                logger: logger
            )
            var removed = false
            for try await _ in rows { removed = true }
            if removed {
                try await AuditLog.record(
                    action: "credential.remove", organization: organization, actor: actor, target: service.rawValue,
                    on: connection, logger: logger
                )
            }
            return removed
        }
    }

    /// Which services have a credential, without opening any.
    public func statuses(organization: String, logger: Logger) async throws -> [Status] {
        let rows = try await client.query(
            """
            SELECT service, updated_at, updated_by FROM service_credentials
            WHERE organization_id = \(organization) ORDER BY service
            """,
            logger: logger
        )
        var result: [Status] = []
        for try await (service, updatedAt, updatedBy) in rows.decode((String, Date, String).self) {
            guard let service = CredentialService(rawValue: service) else { continue }
            result.append(Status(service: service, updatedAt: updatedAt, updatedBy: updatedBy))
        }
        return result
    }

    /// Opens one credential, on a connection of the store's pool.
    ///
    /// - Throws: ``VaultError/Code/notFound`` when none is stored; ``VaultError/Code/cannotDecrypt`` when the key
    ///   is wrong or the row was tampered with.
    public func credential(for service: CredentialService, organization: String, logger: Logger) async throws
        -> ServiceCredential
    {
        try await client.withConnection { connection in
            try await credential(for: service, organization: organization, on: connection, logger: logger)
        }
    }

    /// Opens one credential on `connection`: a caller that already holds a connection (an organization's run) must
    /// not ask the pool for a second one, or enough concurrent callers exhaust the pool and wait on each other.
    ///
    /// - Throws: ``VaultError/Code/notFound`` when none is stored; ``VaultError/Code/cannotDecrypt`` when the key
    ///   is wrong or the row was tampered with.
    public func credential(
        for service: CredentialService,
        organization: String,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> ServiceCredential {
        let rows = try await connection.query(
            "SELECT sealed FROM service_credentials WHERE organization_id = \(organization) AND service = \(service.rawValue)",
            logger: logger
        )
        for try await (sealed) in rows.decode(ByteBuffer.self) {
            return try vault.open(Data(sealed.readableBytesView), organization: organization, service: service)
        }
        throw VaultError(
            .notFound,
            "no \(service.rawValue) credential is stored for \(organization) (set one with `routiq orgs set-credential`)"
        )
    }

    private func requireOrganization(_ organization: String, connection: PostgresConnection, logger: Logger)
        async throws
    {
        let rows = try await connection.query(
            "SELECT 1 FROM organizations WHERE organization_id = \(organization)", logger: logger)
        for try await _ in rows { return }
        throw DatabaseError(.notFound, "organization \(organization) is not registered (add it with `routiq orgs add`)")
    }
}
