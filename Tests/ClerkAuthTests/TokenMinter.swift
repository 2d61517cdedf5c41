// Builds signed (and deliberately mis-signed) compact JWS tokens for the ClerkAuth tests.
import Crypto
import Foundation
import _CryptoExtras

/// Mints tokens the way Clerk does (RS256, PKCS#1 v1.5), plus the shapes attackers send.
enum TokenMinter {
    /// The issuer every test verifier is configured with.
    static let issuer = "https://clerk.example.com"
    /// The authorized party the default verifier allows.
    static let app = "https://app.example.com"
    /// The fixed start of every test clock: 2026-01-01T00:00:00Z.
    static let epoch = Date(timeIntervalSince1970: 1_767_225_600)

    /// The claims of a valid version 2 token issued at `now`, expiring 60 s later.
    static func claims(now: Date = epoch) -> [String: Any] {
        let issuedAt = Int(now.timeIntervalSince1970)
        return [
            "iss": issuer, "sub": "user_2g7np7Hrk0SN6kj5EDMLDaKNL0S", "sid": "sess_abc", "azp": app,
            "iat": issuedAt, "nbf": issuedAt - 5, "exp": issuedAt + 60, "v": 2,
            "o": ["id": "org_alpha", "rol": "admin", "slg": "alpha"], "sts": "active",
        ]
    }

    /// The header Clerk sends for `key`.
    static func header(_ key: TestKey = TestKeys.primary) -> [String: Any] {
        ["alg": "RS256", "typ": "JWT", "kid": key.kid]
    }

    /// Serialises `object` as JSON.
    static func json(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// The signing input `base64url(header).base64url(payload)` for raw JSON texts.
    static func signingInput(header: String, payload: String) -> String {
        Base64URLEncoding.encode(header) + "." + Base64URLEncoding.encode(payload)
    }

    /// A token signed RS256 with `signer` (the key `header` names, unless a test says otherwise).
    static func token(
        header: [String: Any] = header(), claims: [String: Any] = claims(), signer: TestKey = TestKeys.primary
    ) -> String {
        token(headerJSON: json(header), payloadJSON: json(claims), signer: signer)
    }

    /// A token over raw JSON texts, signed RS256 with `signer`.
    static func token(headerJSON: String, payloadJSON: String, signer: TestKey = TestKeys.primary) -> String {
        let input = signingInput(header: headerJSON, payload: payloadJSON)
        let signature = try! signer.privateKey.signature(for: Array(input.utf8), padding: .insecurePKCS1v1_5)
        return input + "." + Base64URLEncoding.encode(Array(signature.rawRepresentation))
    }
}
