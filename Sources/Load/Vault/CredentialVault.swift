import Crypto
public import Foundation

/// Seals per-organization service credentials with AES-256-GCM.
///
/// The organization id and service name are bound as associated data, so a sealed credential copied to another
/// organization or service fails to open. The key comes from `CREDENTIALS_ENCRYPTION_KEY` (base64 of 32 bytes);
/// only for the embedded default is a key generated into `$ROUTIQ_HOME/credentials.key` (mode 0600).
public struct CredentialVault: Sendable {
    private let key: SymmetricKey

    /// A short, non-secret identifier of the key (first 8 hex digits of its SHA-256), stored with each credential.
    public let keyFingerprint: String

    /// Creates a vault from raw key bytes.
    ///
    /// - Throws: ``VaultError/Code/invalidKey`` unless the key is 32 bytes.
    public init(keyData: Data) throws {
        guard keyData.count == 32 else {
            throw VaultError(
                .invalidKey, "the credentials key must be 32 bytes (base64 encoded); got \(keyData.count) bytes")
        }
        self.key = SymmetricKey(data: keyData)
        self.keyFingerprint = SHA256.hash(data: keyData).prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    /// Creates a vault from base64 text, as in `CREDENTIALS_ENCRYPTION_KEY`.
    ///
    /// - Parameters:
    ///   - base64Key: Base64 of 32 bytes; surrounding white space is ignored.
    ///   - origin: Where the text came from, as error messages name it; `CREDENTIALS_ENCRYPTION_KEY` by default.
    /// - Throws: ``VaultError/Code/invalidKey`` when the text is not base64 of 32 bytes.
    public init(base64Key: String, origin: String = "CREDENTIALS_ENCRYPTION_KEY") throws {
        guard let data = Data(base64Encoded: base64Key.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw VaultError(
                .invalidKey, "\(origin) is not valid base64 (generate a key with: openssl rand -base64 32)")
        }
        do {
            try self.init(keyData: data)
        } catch {
            throw VaultError(
                .invalidKey, "\(origin) must be base64 of 32 bytes (generate a key with: openssl rand -base64 32)")
        }
    }

    /// 32 random bytes from the system's secure generator: a new key.
    public static func makeRandomKey() -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// The key as base64 text followed by a new line, as key files hold it.
    var base64KeyLine: String {
        key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
    }

    /// Seals a credential for one organization.
    ///
    /// - Returns: Nonce, ciphertext and tag in one blob.
    public func seal(_ credential: ServiceCredential, organization: String) throws -> Data {
        let plaintext = try JSONEncoder().encode(credential)
        let box = try AES.GCM.seal(
            plaintext, using: key, authenticating: Self.associatedData(organization, credential.service))
        guard let combined = box.combined else {
            throw VaultError(.cannotDecrypt, "cannot seal the credential")
        }
        return combined
    }

    /// Opens a sealed credential.
    ///
    /// - Throws: ``VaultError/Code/cannotDecrypt`` when the key is wrong, the blob was tampered with, or it belongs
    ///   to another organization or service.
    public func open(_ sealed: Data, organization: String, service: CredentialService) throws -> ServiceCredential {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            let plaintext = try AES.GCM.open(
                box, using: key, authenticating: Self.associatedData(organization, service))
            let credential = try JSONDecoder().decode(ServiceCredential.self, from: plaintext)
            guard credential.service == service else { throw VaultError(.cannotDecrypt, "service mismatch") }
            return credential
        } catch {
            throw VaultError(
                .cannotDecrypt,
                "cannot decrypt credentials for \(organization)/\(service.rawValue) (wrong CREDENTIALS_ENCRYPTION_KEY?)"
            )
        }
    }

    private static func associatedData(_ organization: String, _ service: CredentialService) -> Data {
        Data("routiq.credential.v1|\(organization)|\(service.rawValue)".utf8)
    }
}
