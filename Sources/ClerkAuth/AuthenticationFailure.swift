// Why a session token was rejected: a closed set of reasons that are safe to log and to count.

/// A session token was rejected by ``SessionTokenVerifier``.
///
/// The HTTP layer answers every code with 401 except ``Code/keysUnavailable`` (the verifier could not load any
/// signing key, a server-side problem). ``description`` is the code's raw value: it never contains any part of the
/// token, so it is safe for logs and metric labels.
public struct AuthenticationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reason a token was rejected.
    public enum Code: String, Sendable, CaseIterable {
        /// No `Authorization` header, or an empty one.
        case missingToken = "missing_token"
        /// The `Authorization` header does not use the `Bearer` scheme.
        case notBearer = "not_bearer"
        /// The token is longer than ``SessionTokenVerifier/Configuration/maximumTokenLength``.
        case tooLong = "too_long"
        /// Not a compact JWS: not three strict base64url parts, a header or payload that is not a JSON object, or a
        /// claim of the wrong JSON type.
        case malformed = "malformed"
        /// The header's `alg` is not `RS256`.
        case unsupportedAlgorithm = "unsupported_algorithm"
        /// The header names a key source or extension (`jku`, `x5u`, `x5c`, `crit`); none is ever followed.
        case forbiddenHeader = "forbidden_header"
        /// The header has no `kid`.
        case missingKeyID = "missing_key_id"
        /// No key in the JWKS has the token's `kid`, even after a refresh.
        case unknownKeyID = "unknown_key_id"
        /// The RS256 signature does not verify with the key the `kid` names.
        case badSignature = "bad_signature"
        /// `exp` (plus leeway) is in the past.
        case expired = "expired"
        /// The token has no `exp`.
        case missingExpiry = "missing_expiry"
        /// `nbf` (minus leeway) is in the future.
        case notYetValid = "not_yet_valid"
        /// `iss` is not the configured issuer.
        case wrongIssuer = "wrong_issuer"
        /// `azp` is absent or not one of the configured authorized parties.
        case unauthorizedParty = "unauthorized_party"
        /// `sub` is absent or empty.
        case missingSubject = "missing_subject"
        /// The session is pending (`sts: "pending"`): the user has tasks to finish before the session is active.
        case pendingSession = "pending_session"
        /// The token has no active organization (`o.id` in version 2, `org_id` in version 1).
        case missingOrganization = "missing_organization"
        /// No signing key could be loaded from the JWKS.
        case keysUnavailable = "keys_unavailable"
    }

    /// The reason.
    public let code: Code

    /// Creates a failure with `code`.
    ///
    /// - Parameter code: The reason.
    public init(_ code: Code) {
        self.code = code
    }

    /// The code's raw value, such as `expired`; never any token content.
    public var description: String { code.rawValue }
}
