import Foundation
import Load
import PostgresNIO
import TestSupport
import Testing

@Suite("Credential store")
struct CredentialStoreTests {
    static let secret = "MS0xMjM0NTY3ODkwLXNlY3JldA-au2"

    @Test("stores sealed, reads back, audits without the secret, and refuses a wrong key or a moved row")
    func lifecycle() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            let vault = try CredentialVault(keyData: Data(repeating: 7, count: 32))
            let organizations = OrganizationStore(client: client)
            for id in ["org_one", "org_two"] {
                try await organizations.add(
                    Organization(id: id, name: "Clinic \(id)", timeZone: "Australia/Sydney", phoneRegion: "AU"),
                    actor: "tester", logger: logger)
            }
            let store = CredentialStore(client: client, vault: vault)
            let credential = ServiceCredential(service: .cliniko, secret: Self.secret)
            try await store.set(credential, organization: "org_one", actor: "tester", logger: logger)
            #expect(try await store.credential(for: .cliniko, organization: "org_one", logger: logger) == credential)
            #expect(try await store.statuses(organization: "org_one", logger: logger).map(\.service) == [.cliniko])

            // Nothing in the database holds the secret in clear text.
            let leaks = try await TestDatabase.count(
                """
                SELECT ((SELECT count(*) FROM audit_log WHERE audit_log::text LIKE '%' || \(Self.secret) || '%')
                      + (SELECT count(*) FROM service_credentials WHERE encode(sealed, 'escape') LIKE '%' || \(Self.secret) || '%'))::int
                """,
                on: client
            )
            #expect(leaks == 0)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM audit_log WHERE action = 'credential.set' AND actor = 'tester'",
                    on: client) == 1)

            // A different key cannot open it.
            let otherVault = try CredentialVault(keyData: Data(repeating: 8, count: 32))
            let wrongKey = await #expect(throws: VaultError.self) {
                try await CredentialStore(client: client, vault: otherVault).credential(
                    for: .cliniko, organization: "org_one", logger: logger)
            }
            #expect(
                wrongKey?.message
                    == "cannot decrypt credentials for org_one/cliniko (wrong CREDENTIALS_ENCRYPTION_KEY?)")

            // A sealed blob copied to another organization does not open there.
            try await client.query(
                """
                INSERT INTO service_credentials (organization_id, service, sealed, key_fingerprint, updated_by)
                SELECT 'org_two', service, sealed, key_fingerprint, updated_by FROM service_credentials WHERE organization_id = 'org_one'
                """,
                logger: logger
            )
            await #expect(throws: VaultError.self) {
                try await store.credential(for: .cliniko, organization: "org_two", logger: logger)
            }

            // Removal is audited; a missing credential says how to set one.
            #expect(try await store.remove(.cliniko, organization: "org_one", actor: "tester", logger: logger))
            #expect(try await store.remove(.cliniko, organization: "org_one", actor: "tester", logger: logger) == false)
            let missing = await #expect(throws: VaultError.self) {
                try await store.credential(for: .cliniko, organization: "org_one", logger: logger)
            }
            #expect(missing?.code == .notFound)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM audit_log WHERE action = 'credential.remove'", on: client) == 1)

            // Unknown organizations are refused.
            let unknown = await #expect(throws: DatabaseError.self) {
                try await store.set(credential, organization: "org_nobody", actor: "tester", logger: logger)
            }
            #expect(unknown?.code == .notFound)
        }
    }

    @Test("registering an organization twice is refused")
    func duplicateOrganization() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let store = OrganizationStore(client: client)
            let organization = Organization(id: "org_dup", name: "Dup", timeZone: "UTC", phoneRegion: "GB")
            try await store.add(organization, actor: "t", logger: TestDatabase.logger)
            await #expect(throws: (any Error).self) {
                try await store.add(organization, actor: "t", logger: TestDatabase.logger)
            }
            #expect(try await store.list(logger: TestDatabase.logger).map(\.id) == ["org_dup"])
            #expect(try await store.find("org_dup", logger: TestDatabase.logger)?.phoneRegion == "GB")
            #expect(
                try await RunHistory(client: client).recent(organization: nil, limit: 10, logger: TestDatabase.logger)
                    .isEmpty)
        }
    }
}
