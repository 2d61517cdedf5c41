import Foundation
import Load
import PostgresNIO
import TestSupport
import Testing

@Suite("Credential key rotation")
struct CredentialRotationTests {
    static let keyA = Data(repeating: 0xA1, count: 32)
    static let keyB = Data(repeating: 0xB2, count: 32)
    static let keyC = Data(repeating: 0xC3, count: 32)
    static let organizations = ["org_rotateone", "org_rotatetwo"]

    static func credential(_ service: CredentialService, _ organization: String) -> ServiceCredential {
        switch service {
        case .cliniko: ServiceCredential(service: .cliniko, secret: "cliniko-key-\(organization)-au1")
        case .chatwoot:
            ServiceCredential(
                service: .chatwoot, secret: "chatwoot-secret-\(organization)",
                settings: ["base_url": "https://chat.example", "account_id": "3"])
        case .clerk: ServiceCredential(service: .clerk, secret: "sk_test_secret_\(organization)")
        }
    }

    /// Registers both organizations and stores every service's credential sealed with `key`.
    static func seed(_ client: PostgresClient, key: Data) async throws {
        let logger = TestDatabase.logger
        let store = CredentialStore(client: client, vault: try CredentialVault(keyData: key))
        for organization in organizations {
            try await OrganizationStore(client: client).add(
                Organization(id: organization, name: "Clinic", timeZone: "Australia/Sydney", phoneRegion: "AU"),
                actor: "tester", logger: logger)
            for service in CredentialService.allCases {
                try await store.set(
                    credential(service, organization), organization: organization, actor: "tester", logger: logger)
            }
        }
    }

    /// Every stored row as text, to show that nothing changed.
    static func snapshot(_ client: PostgresClient) async throws -> [String] {
        let rows = try await client.query(
            """
            SELECT organization_id || '/' || service || '/' || encode(sealed, 'hex') || '/' || key_fingerprint
                   || '/' || updated_at::text || '/' || updated_by
            FROM service_credentials ORDER BY organization_id, service
            """,
            logger: TestDatabase.logger
        )
        var result: [String] = []
        for try await (row) in rows.decode(String.self) { result.append(row) }
        return result
    }

    @Test("every credential of every organization is re-sealed: all open with the new key and none with the old")
    func rotates() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            try await Self.seed(client, key: Self.keyA)
            let before = try await Self.snapshot(client)
            let oldVault = try CredentialVault(keyData: Self.keyA)
            let newVault = try CredentialVault(keyData: Self.keyB)

            let report = try await CredentialRotation(client: client).rotate(
                from: oldVault, to: newVault, actor: "rotator", logger: logger)
            #expect(report.credentials == 6)
            #expect(report.organizations == 2)
            #expect(report.oldKeyFingerprint == oldVault.keyFingerprint)
            #expect(report.newKeyFingerprint == newVault.keyFingerprint)

            let withNew = CredentialStore(client: client, vault: newVault)
            let withOld = CredentialStore(client: client, vault: oldVault)
            for organization in Self.organizations {
                for service in CredentialService.allCases {
                    #expect(
                        try await withNew.credential(for: service, organization: organization, logger: logger)
                            == Self.credential(service, organization))
                    await #expect(throws: VaultError.self) {
                        try await withOld.credential(for: service, organization: organization, logger: logger)
                    }
                }
            }
            #expect(
                try await CredentialRotation(client: client).keyFingerprints(logger: logger)
                    == [newVault.keyFingerprint: 6])

            // When and by whom each credential was set is unchanged: its value did not change.
            let after = try await Self.snapshot(client)
            #expect(
                after.map { $0.split(separator: "/").suffix(2) } == before.map { $0.split(separator: "/").suffix(2) })

            // One audit row per organization, naming both keys' fingerprints and never a secret.
            #expect(
                try await TestDatabase.count(
                    """
                    SELECT count(*)::int FROM audit_log
                    WHERE action = 'vault.rotate' AND actor = 'rotator' AND target = 'chatwoot,clerk,cliniko'
                      AND details->>'old_key_fingerprint' = \(oldVault.keyFingerprint)
                      AND details->>'new_key_fingerprint' = \(newVault.keyFingerprint)
                      AND details->>'credentials' = '3'
                    """, on: client) == 2)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM audit_log WHERE audit_log::text LIKE '%secret%'", on: client) == 0)
        }
    }

    @Test("when one credential does not open with the old key, the rotation changes nothing and names it")
    func allOrNothing() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            try await Self.seed(client, key: Self.keyA)
            // One credential was sealed with another key.
            try await CredentialStore(client: client, vault: try CredentialVault(keyData: Self.keyC)).set(
                Self.credential(.clerk, "org_rotatetwo"), organization: "org_rotatetwo", actor: "tester",
                logger: logger)
            let before = try await Self.snapshot(client)
            let auditRows = try await TestDatabase.count("SELECT count(*)::int FROM audit_log", on: client)

            let error = await #expect(throws: VaultError.self) {
                try await CredentialRotation(client: client).rotate(
                    from: try CredentialVault(keyData: Self.keyA), to: try CredentialVault(keyData: Self.keyB),
                    actor: "rotator", logger: logger)
            }
            #expect(error?.code == .cannotDecrypt)
            #expect(error?.message.contains("1 of 6 stored credentials") == true)
            #expect(error?.message.contains("org_rotatetwo/clerk") == true)
            #expect(error?.message.contains("Nothing was changed") == true)
            #expect(error?.message.contains("secret") == false)

            #expect(try await Self.snapshot(client) == before)
            #expect(try await TestDatabase.count("SELECT count(*)::int FROM audit_log", on: client) == auditRows)
            let withOld = CredentialStore(client: client, vault: try CredentialVault(keyData: Self.keyA))
            #expect(
                try await withOld.credential(for: .cliniko, organization: "org_rotatetwo", logger: logger)
                    == Self.credential(.cliniko, "org_rotatetwo"))
        }
    }

    @Test("rotating to the same key is refused")
    func sameKey() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let vault = try CredentialVault(keyData: Self.keyA)
            let error = await #expect(throws: VaultError.self) {
                try await CredentialRotation(client: client).rotate(
                    from: vault, to: vault, actor: "rotator", logger: TestDatabase.logger)
            }
            #expect(error?.code == .invalidKey)
        }
    }
}
