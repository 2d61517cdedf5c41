import Foundation
import Load
import Testing

@Suite("Credential vault")
struct CredentialVaultTests {
    static let keyA = Data((0..<32).map { UInt8($0) })
    static let keyB = Data((0..<32).map { UInt8(255 - $0) })
    let credential = ServiceCredential(
        service: .chatwoot, secret: "tok_secret_123", settings: ["base_url": "https://chat.example", "account_id": "7"])

    @Test("seal and open round-trip")
    func roundTrip() throws {
        let vault = try CredentialVault(keyData: Self.keyA)
        let sealed = try vault.seal(credential, organization: "org_a")
        #expect(!sealed.contains(Data("tok_secret_123".utf8)))
        #expect(try vault.open(sealed, organization: "org_a", service: .chatwoot) == credential)
    }

    @Test("a wrong key cannot decrypt, and says so without the secret")
    func wrongKey() throws {
        let sealed = try CredentialVault(keyData: Self.keyA).seal(credential, organization: "org_a")
        let error = #expect(throws: VaultError.self) {
            try CredentialVault(keyData: Self.keyB).open(sealed, organization: "org_a", service: .chatwoot)
        }
        #expect(error?.code == .cannotDecrypt)
        #expect(error?.message == "cannot decrypt credentials for org_a/chatwoot (wrong CREDENTIALS_ENCRYPTION_KEY?)")
    }

    @Test("tampered ciphertext fails")
    func tampered() throws {
        let vault = try CredentialVault(keyData: Self.keyA)
        var sealed = try vault.seal(credential, organization: "org_a")
        sealed[sealed.count / 2] ^= 0x01
        #expect(throws: VaultError.self) { try vault.open(sealed, organization: "org_a", service: .chatwoot) }
    }

    @Test("a credential moved to another organization or service fails")
    func swapped() throws {
        let vault = try CredentialVault(keyData: Self.keyA)
        let sealed = try vault.seal(credential, organization: "org_a")
        #expect(throws: VaultError.self) { try vault.open(sealed, organization: "org_b", service: .chatwoot) }
        #expect(throws: VaultError.self) { try vault.open(sealed, organization: "org_a", service: .cliniko) }
    }

    @Test("keys must be base64 of exactly 32 bytes")
    func keyValidation() throws {
        #expect(throws: VaultError.self) { try CredentialVault(base64Key: "not base64!") }
        #expect(throws: VaultError.self) { try CredentialVault(base64Key: Data(count: 16).base64EncodedString()) }
        let vault = try CredentialVault(base64Key: Self.keyA.base64EncodedString() + "\n")
        #expect(vault.keyFingerprint.count == 8)
    }

    @Test("the generated key file is created once, mode 0600, and reused")
    func keyFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("routiq-vault-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("credentials.key")
        let first = try CredentialVault.loadOrCreateKeyFile(at: url)
        let second = try CredentialVault.loadOrCreateKeyFile(at: url)
        #expect(first.keyFingerprint == second.keyFingerprint)
        let permissions = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        let sealed = try first.seal(credential, organization: "org_a")
        #expect(try second.open(sealed, organization: "org_a", service: .chatwoot) == credential)
    }

    @Test("an existing key file other users could read or change is refused, saying chmod 600, and left alone")
    func widePermissions() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("routiq-vault-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("credentials.key")
        let created = try CredentialVault.loadOrCreateKeyFile(at: url)
        let contents = try Data(contentsOf: url)
        for mode in [0o644, 0o640, 0o604, 0o660, 0o666] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
            let error = #expect(throws: VaultError.self) { try CredentialVault.loadOrCreateKeyFile(at: url) }
            #expect(error?.code == .insecureKeyFile)
            #expect(error?.message.contains("chmod 600 \(url.path)") == true)
            #expect(error?.message.contains("mode 0\(String(mode, radix: 8))") == true)
            #expect(!String(describing: error).contains(contents.base64EncodedString()))
            #expect(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int == mode)
            #expect(try Data(contentsOf: url) == contents)
        }
        for mode in [0o600, 0o400] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
            #expect(try CredentialVault.loadOrCreateKeyFile(at: url).keyFingerprint == created.keyFingerprint)
            #expect(try CredentialVault.loadKeyFile(at: url).keyFingerprint == created.keyFingerprint)
        }
    }

    @Test("a key file is written once (0600) and put in place of another in one rename")
    func keyFileReplacement() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("routiq-vault-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let current = folder.appendingPathComponent("credentials.key")
        let pending = folder.appendingPathComponent("credentials.key.new")
        let missing = #expect(throws: VaultError.self) { try CredentialVault.loadKeyFile(at: current) }
        #expect(missing?.code == .missingKey)
        #expect(!FileManager.default.fileExists(atPath: current.path))

        let old = try CredentialVault.loadOrCreateKeyFile(at: current)
        let new = try CredentialVault(keyData: Self.keyB)
        try new.writeKeyFile(to: pending)
        #expect(try FileManager.default.attributesOfItem(atPath: pending.path)[.posixPermissions] as? Int == 0o600)
        #expect(throws: VaultError.self) { try new.writeKeyFile(to: pending) }
        #expect(try CredentialVault.loadKeyFile(at: current).keyFingerprint == old.keyFingerprint)

        try CredentialVault.replaceKeyFile(at: current, with: pending)
        #expect(!FileManager.default.fileExists(atPath: pending.path))
        #expect(try CredentialVault.loadKeyFile(at: current).keyFingerprint == new.keyFingerprint)
        #expect(try String(contentsOf: current, encoding: .utf8) == Self.keyB.base64EncodedString() + "\n")
    }

    @Test("credentials never print their secret")
    func redaction() {
        #expect(!String(describing: credential).contains("tok_secret"))
        #expect(!String(reflecting: credential).contains("tok_secret"))
        #expect(!"\(credential)".contains("tok_secret"))
    }
}
