// The identity a verified Clerk session token carries, as the read-only API uses it.
public import Foundation

/// The claims of a Clerk session token that passed every check of ``SessionTokenVerifier``.
///
/// Only the claims the API needs are kept; the token itself is not. `organizationID` is always non-empty: a token
/// without an active organization is rejected with ``AuthenticationFailure/Code/missingOrganization``.
public struct VerifiedSession: Sendable, Equatable {
    /// The user id (`sub`, `user_…`).
    public let subject: String
    /// The active organization (`o.id` in version 2 tokens, `org_id` in version 1), `org_…`.
    public let organizationID: String
    /// The user's role in that organization (`o.rol` in version 2, `org_role` in version 1), when present.
    public let organizationRole: String?
    /// The session id (`sid`, `sess_…`), when present.
    public let sessionID: String?
    /// The origin of the app that requested the token (`azp`), when present.
    public let authorizedParty: String?
    /// When the token expires (`exp`), without leeway.
    public let expiresAt: Date
    /// The token format: `1`, or `2` for tokens with `"v": 2`.
    public let version: Int

    /// Creates a session from already verified claims.
    ///
    /// - Parameters:
    ///   - subject: The user id (`sub`).
    ///   - organizationID: The active organization's id.
    ///   - organizationRole: The role in that organization, if any.
    ///   - sessionID: The session id (`sid`), if any.
    ///   - authorizedParty: The `azp` claim, if any.
    ///   - expiresAt: The `exp` claim.
    ///   - version: `1` or `2`.
    public init(
        subject: String, organizationID: String, organizationRole: String?, sessionID: String?,
        authorizedParty: String?, expiresAt: Date, version: Int
    ) {
        self.subject = subject
        self.organizationID = organizationID
        self.organizationRole = organizationRole
        self.sessionID = sessionID
        self.authorizedParty = authorizedParty
        self.expiresAt = expiresAt
        self.version = version
    }
}
