import Foundation
public import Logging
public import PostgresNIO

/// Re-seals every stored credential of every organization under a new key, all or nothing.
///
/// One transaction: the table is locked against concurrent changes, every credential is opened with the old key
/// before anything is written (one that does not open aborts the whole rotation, changing nothing), each is sealed
/// with the new key and checked to open with it, `key_fingerprint` is updated, and each organization gets an audit row
/// (`vault.rotate`, with both keys' fingerprints and the services: never a secret). `updated_at` and `updated_by` keep
/// saying when and by whom each credential was last set: its value does not change.
///
/// - Important: Keep other `routiq` commands that set credentials stopped while rotating: one that began with the old
///   key waits for the rotation's lock and then stores its credential sealed with the old key (its `key_fingerprint`
///   shows it).
public struct CredentialRotation: Sendable {
    /// What a rotation changed.
    public struct Report: Sendable, Hashable {
        /// How many credentials were re-sealed.
        public var credentials: Int
        /// How many organizations they belong to.
        public var organizations: Int
        /// The old key's fingerprint (``CredentialVault/keyFingerprint``).
        public var oldKeyFingerprint: String
        /// The new key's fingerprint.
        public var newKeyFingerprint: String
    }

    private let client: PostgresClient

    /// Creates a rotation over the credentials in `client`'s database.
    public init(client: PostgresClient) {
        self.client = client
    }

    /// Re-seals every credential sealed with `oldVault`'s key with `newVault`'s, in one transaction.
    ///
    /// - Parameters:
    ///   - oldVault: The key every stored credential is sealed with now.
    ///   - newVault: The key to seal them with.
    ///   - actor: Who rotates, for the audit rows: the operating-system user for CLI commands.
    ///   - logger: For the queries.
    /// - Returns: How many credentials of how many organizations were re-sealed.
    /// - Throws: ``VaultError/Code/invalidKey`` when both keys are the same; ``VaultError/Code/cannotDecrypt``,
    ///   naming the organizations and services (never a secret), when any stored credential does not open with the
    ///   old key, in which case nothing is changed.
    public func rotate(
        from oldVault: CredentialVault,
        to newVault: CredentialVault,
        actor: String,
        logger: Logger
    ) async throws -> Report {
        guard oldVault.keyFingerprint != newVault.keyFingerprint else {
            throw VaultError(
                .invalidKey, "the new key is the old key (fingerprint \(oldVault.keyFingerprint)): nothing to rotate")
        }
        return try await client.withUnwrappedTransaction(logger: logger) { connection in
            // Blocks concurrent inserts, updates and deletes (not reads) until the commit.
            try await connection.query("LOCK TABLE service_credentials IN SHARE ROW EXCLUSIVE MODE", logger: logger)
            let stored = try await storedCredentials(on: connection, logger: logger)

            var opened: [(organization: String, credential: ServiceCredential)] = []
            var unopened: [String] = []
            for row in stored {
                do {
                    let credential = try oldVault.open(row.sealed, organization: row.organization, service: row.service)
                    opened.append((row.organization, credential))
                } catch {
                    unopened.append("\(row.organization)/\(row.service.rawValue)")
                }
            }
            guard unopened.isEmpty else {
                let shown = unopened.prefix(10).joined(separator: ", ")
                let more = unopened.count > 10 ? " and \(unopened.count - 10) more" : ""
                throw VaultError(
                    .cannotDecrypt,
                    "\(unopened.count) of \(stored.count) stored credentials do not open with the old key "
                        + "(fingerprint \(oldVault.keyFingerprint)): \(shown)\(more). Nothing was changed."
                )
            }

            var servicesByOrganization: [String: [String]] = [:]
            for (organization, credential) in opened {
                let sealed = try newVault.seal(credential, organization: organization)
                guard try newVault.open(sealed, organization: organization, service: credential.service) == credential
                else {
                    throw VaultError(.cannotDecrypt, "a credential re-sealed with the new key did not open again")
                }
                try await connection.query(
                    """
                    UPDATE service_credentials
                    SET sealed = \(ByteBuffer(bytes: sealed)), key_fingerprint = \(newVault.keyFingerprint)
                    WHERE organization_id = \(organization) AND service = \(credential.service.rawValue)
                    """,
                    logger: logger
                )
                servicesByOrganization[organization, default: []].append(credential.service.rawValue)
            }
            for (organization, services) in servicesByOrganization.sorted(by: { $0.key < $1.key }) {
                try await AuditLog.record(
                    action: "vault.rotate", organization: organization, actor: actor,
                    target: services.joined(separator: ","),
                    details: [
                        "old_key_fingerprint": oldVault.keyFingerprint,
                        "new_key_fingerprint": newVault.keyFingerprint,
                        "credentials": String(services.count),
                    ],
                    on: connection, logger: logger
                )
            }
            return Report(
                credentials: opened.count,
                organizations: servicesByOrganization.count,
                oldKeyFingerprint: oldVault.keyFingerprint,
                newKeyFingerprint: newVault.keyFingerprint
            )
        }
    }

    /// How many stored credentials each key fingerprint sealed, without opening any.
    ///
    /// - Parameter logger: For the query.
    /// - Returns: Fingerprint → number of credentials; empty when none is stored.
    public func keyFingerprints(logger: Logger) async throws -> [String: Int] {
        let rows = try await client.query(
            "SELECT key_fingerprint, count(*)::int FROM service_credentials GROUP BY key_fingerprint", logger: logger)
        var result: [String: Int] = [:]
        for try await (fingerprint, count) in rows.decode((String, Int).self) {
            result[fingerprint] = count
        }
        return result
    }

    private struct StoredCredential {
        var organization: String
        var service: CredentialService
        var sealed: Data
    }

    private func storedCredentials(on connection: PostgresConnection, logger: Logger) async throws
        -> [StoredCredential]
    {
        let rows = try await connection.query(
            "SELECT organization_id, service, sealed FROM service_credentials ORDER BY organization_id, service",
            logger: logger
        )
        var result: [StoredCredential] = []
        for try await (organization, service, sealed) in rows.decode((String, String, ByteBuffer).self) {
            guard let known = CredentialService(rawValue: service) else {
                throw VaultError(
                    .cannotDecrypt, "\(organization) has a credential for an unknown service; nothing was changed")
            }
            result.append(
                StoredCredential(organization: organization, service: known, sealed: Data(sealed.readableBytesView)))
        }
        return result
    }
}
