import ArgumentParser
import Foundation
import Load
import PostgresNIO
import TestSupport
import Testing

@testable import routiq

/// `routiq vault rotate` end to end: the embedded default (its own cluster in a temporary `ROUTIQ_HOME`, like
/// EmbeddedClusterTests) and `DATABASE_URL` with keys from environment variables.
@Suite("routiq vault rotate", .serialized)
struct VaultCommandTests {
    static let credential = ServiceCredential(service: .clerk, secret: "sk_test_vault_command")

    static func register(_ client: PostgresClient, vault: CredentialVault) async throws {
        let logger = TestDatabase.logger
        try await OrganizationStore(client: client).add(
            Organization(id: "org_vaultcmd", name: "Clinic", timeZone: "UTC", phoneRegion: "GB"), actor: "tester",
            logger: logger)
        try await CredentialStore(client: client, vault: vault).set(
            credential, organization: "org_vaultcmd", actor: "tester", logger: logger)
    }

    @Test(
        "embedded default: a new random key re-seals everything, then replaces credentials.key; a leftover .new stops it"
    )
    func embeddedKeyFile() async throws {
        let logger = TestDatabase.logger
        let home = FileManager.default.temporaryDirectory.appendingPathComponent(
            "routiq-vault-\(UUID().uuidString.prefix(8))")
        var variables = ProcessInfo.processInfo.environment
        variables["ROUTIQ_HOME"] = home.path
        variables["DATABASE_URL"] = nil
        variables["CREDENTIALS_ENCRYPTION_KEY"] = nil
        let environment = RuntimeEnvironment(variables)
        let context = DatabaseContext(environment: environment)
        defer {
            _ = try? context.cluster.stop(logger: logger)
            try? FileManager.default.removeItem(at: home)
        }
        let keyFile = home.appendingPathComponent("credentials.key")
        let pending = home.appendingPathComponent("credentials.key.new")
        #expect(context.keyFile == keyFile)

        try await context.withMigratedDatabase(logger: logger) { client in
            try await Self.register(client, vault: try context.vault())
        }
        let oldVault = try CredentialVault.loadKeyFile(at: keyFile)

        let rotate = try #require(try RoutIQ.parseAsRoot(["vault", "rotate"]) as? RoutIQ.Vault.Rotate)
        try await rotate.run(environment: environment)

        let newVault = try CredentialVault.loadKeyFile(at: keyFile)
        #expect(newVault.keyFingerprint != oldVault.keyFingerprint)
        #expect(try FileManager.default.attributesOfItem(atPath: keyFile.path)[.posixPermissions] as? Int == 0o600)
        #expect(!FileManager.default.fileExists(atPath: pending.path))
        let (opened, openedWithOld) = try await context.withMigratedDatabase(logger: logger) { client in
            let opened = try await CredentialStore(client: client, vault: newVault).credential(
                for: .clerk, organization: "org_vaultcmd", logger: logger)
            let openedWithOld = try? await CredentialStore(client: client, vault: oldVault).credential(
                for: .clerk, organization: "org_vaultcmd", logger: logger)
            return (opened, openedWithOld)
        }
        #expect(opened == Self.credential)
        #expect(openedWithOld == nil)

        // A credentials.key.new left by an interrupted rotation: the next one refuses and changes nothing.
        try CredentialVault(keyData: CredentialVault.makeRandomKey()).writeKeyFile(to: pending)
        await #expect(throws: ExitCode(2)) { try await rotate.run(environment: environment) }
        #expect(try CredentialVault.loadKeyFile(at: keyFile).keyFingerprint == newVault.keyFingerprint)
        #expect(FileManager.default.fileExists(atPath: pending.path))
    }

    @Test("DATABASE_URL: keys from environment variables, no file written; the new key is required")
    func environmentKeys() async throws {
        try await TestDatabase.withFreshDatabase { client, endpoint in
            let logger = TestDatabase.logger
            let keyA = Data(repeating: 0x1A, count: 32)
            let keyB = Data(repeating: 0x2B, count: 32)
            try await Self.register(client, vault: try CredentialVault(keyData: keyA))
            let home = FileManager.default.temporaryDirectory.appendingPathComponent(
                "routiq-vault-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: home) }
            let environment = RuntimeEnvironment([
                "DATABASE_URL": endpoint.urlIncludingPassword,
                "CREDENTIALS_ENCRYPTION_KEY": keyA.base64EncodedString(),
                "NEW_KEY": keyB.base64EncodedString(),
                "ROUTIQ_HOME": home.path,
            ])

            let withoutNewKey = try #require(try RoutIQ.parseAsRoot(["vault", "rotate"]) as? RoutIQ.Vault.Rotate)
            await #expect(throws: ValidationError.self) { try await withoutNewKey.run(environment: environment) }

            let rotate = try #require(
                try RoutIQ.parseAsRoot(["vault", "rotate", "--new-key-from-env", "NEW_KEY"]) as? RoutIQ.Vault.Rotate)
            try await rotate.run(environment: environment)
            #expect(
                try await CredentialStore(client: client, vault: try CredentialVault(keyData: keyB)).credential(
                    for: .clerk, organization: "org_vaultcmd", logger: logger) == Self.credential)
            #expect(!FileManager.default.fileExists(atPath: home.path))
        }
    }
}
