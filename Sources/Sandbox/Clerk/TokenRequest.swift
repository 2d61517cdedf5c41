/// The body of `POST /_sandbox/token`; every field is optional.
struct TokenRequest: Codable, Sendable {
    /// Clerk organization id (`org_…`), or omitted for a token without an active organization.
    var organizationID: String?
    /// Clerk user id; defaults to the organization's first admin (or the first user).
    var userID: String?
    /// Claim version, 1 (`org_id`/`org_role`/`org_slug`/`org_permissions`) or 2 (`o`), default 2.
    var version: Int?
    /// Role override, e.g. `org:member`.
    var role: String?
    /// Lifetime in seconds, default 60. Negative values give an already expired token.
    var expiresIn: Int?
    /// `nbf` relative to `iat` in seconds, default -10; positive puts `nbf` in the future.
    var notBeforeOffset: Int?
    /// `iat` relative to the wall clock in seconds, default 0.
    var issuedAtOffset: Int?
    /// The `azp` claim, default `http://localhost:3000`; an empty string omits it.
    var azp: String?
    /// A `kid` header override (an unknown kid is signed by a key the JWKS does not publish).
    var kid: String?
    /// `RS256` (default), `HS256` (signed with the public key PEM as an HMAC secret) or `none`.
    var algorithm: String?
    /// The v2 `sts` claim, e.g. `pending`.
    var sessionStatus: String?
    /// Issuer override (default: the sandbox's Clerk frontend URL).
    var issuer: String?

    enum CodingKeys: String, CodingKey {
        case organizationID = "organization_id"
        case userID = "user_id"
        case version, role
        case expiresIn = "expires_in"
        case notBeforeOffset = "not_before_offset"
        case issuedAtOffset = "issued_at_offset"
        case azp, kid, algorithm
        case sessionStatus = "session_status"
        case issuer
    }
}
