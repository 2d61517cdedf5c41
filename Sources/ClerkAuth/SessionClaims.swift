// The claims of a Clerk session token payload, type-checked but not yet validated.

/// The payload claims the verifier reads, each checked for its JSON type.
///
/// A claim of the wrong JSON type (a string `exp`, a numeric `sub`, `null` anywhere) makes the whole token
/// ``AuthenticationFailure/Code/malformed``; absent claims are `nil`. Numeric dates may be integers or fractions.
/// Version 2 tokens (`"v": 2`) carry the organization in the `o` object (`o.id`, `o.rol`); version 1 tokens (no `v`,
/// or `"v": 1`) in `org_id` and `org_role`.
struct SessionClaims {
    var expiresAt: Double?
    var notBefore: Double?
    var issuer: String?
    var subject: String?
    var authorizedParty: String?
    var sessionID: String?
    var status: String?
    var version: Int
    var organizationID: String?
    var organizationRole: String?

    /// Reads the claims from a decoded payload.
    ///
    /// - Parameter payload: The payload's members.
    /// - Throws: ``AuthenticationFailure/Code/malformed`` when a claim has the wrong JSON type or `v` is not 1 or 2.
    init(payload: [String: JSONValue]) throws(AuthenticationFailure) {
        expiresAt = try Self.number(payload["exp"])
        notBefore = try Self.number(payload["nbf"])
        _ = try Self.number(payload["iat"])
        issuer = try Self.string(payload["iss"])
        subject = try Self.string(payload["sub"])
        authorizedParty = try Self.string(payload["azp"])
        sessionID = try Self.string(payload["sid"])
        status = try Self.string(payload["sts"])
        switch try Self.number(payload["v"]) {
        case nil, 1: version = 1
        case 2: version = 2
        default: throw AuthenticationFailure(.malformed)
        }
        if version == 2 {
            switch payload["o"] {
            case nil:
                break
            case .object(let organization):
                organizationID = try Self.string(organization["id"])
                organizationRole = try Self.string(organization["rol"])
            default:
                throw AuthenticationFailure(.malformed)
            }
        } else {
            organizationID = try Self.string(payload["org_id"])
            organizationRole = try Self.string(payload["org_role"])
        }
    }

    private static func string(_ value: JSONValue?) throws(AuthenticationFailure) -> String? {
        switch value {
        case nil: return nil
        case .string(let text): return text
        default: throw AuthenticationFailure(.malformed)
        }
    }

    private static func number(_ value: JSONValue?) throws(AuthenticationFailure) -> Double? {
        switch value {
        case nil: return nil
        case .number(let number) where number.isFinite: return number
        default: throw AuthenticationFailure(.malformed)
        }
    }
}
