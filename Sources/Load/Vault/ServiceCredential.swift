/// An external service whose credentials RoutIQ keeps per organization.
public enum CredentialService: String, Sendable, Hashable, CaseIterable, Codable {
    /// Cliniko: the API key (its suffix names the shard).
    case cliniko
    /// Chatwoot: base URL, account id and API access token.
    case chatwoot
    /// Clerk: the Backend API secret key.
    case clerk
}

/// One organization's credential for one service. Never printed: `description` is redacted.
public struct ServiceCredential: Sendable, Hashable, Codable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The service.
    public var service: CredentialService
    /// The secret: Cliniko API key, Chatwoot API access token or Clerk secret key.
    public var secret: String
    /// Non-secret settings stored with it, e.g. Chatwoot's `base_url` and `account_id`.
    public var settings: [String: String]

    /// Creates a credential.
    public init(service: CredentialService, secret: String, settings: [String: String] = [:]) {
        self.service = service
        self.secret = secret
        self.settings = settings
    }

    /// `cliniko credential (redacted)`: never the secret.
    public var description: String { "\(service.rawValue) credential (redacted)" }
    /// Same as ``description``: the secret never reaches a log, even at debug level.
    public var debugDescription: String { description }
}
