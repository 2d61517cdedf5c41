// Verifies Clerk session tokens (RS256 JWTs) against the instance's JWKS, for the read-only API.
public import Foundation
public import Logging
import _CryptoExtras

/// Verifies Clerk session tokens and returns the session they carry.
///
/// A token is accepted only when all of these hold, checked in this order (the first failure is the reason):
/// 1. It is at most ``Configuration/maximumTokenLength`` bytes, checked before any decoding.
/// 2. It is a compact JWS: exactly three strict base64url parts, the header and payload JSON objects.
/// 3. The header's `alg` is `RS256` (`none`, `HS256` and everything else are refused) and it has none of `jku`,
///    `x5u`, `x5c`, `jwk` or `crit`: keys come only from the configured JWKS and no extension is honoured.
/// 4. The header's `kid` names a key in the JWKS (see ``KeyStatus`` and the refresh rules below), and the RSASSA
///    PKCS#1 v1.5 SHA-256 signature verifies with that key. No claim is read before this point.
/// 5. The claims have the right JSON types; `exp` is present and `now <= exp + leeway`; `now + leeway >= nbf` when
///    `nbf` is present; `iss` equals ``Configuration/issuer`` exactly; `azp` is allowed (see
///    ``Configuration/authorizedParties``); `sub` is a non-empty string; `sts` is not `pending`; and an organization
///    is active (`o.id` in version 2 tokens, `org_id` in version 1).
///
/// Keys are fetched with the `fetchJWKS` closure (usually ``JWKSHTTPFetcher/fetch()``), cached for
/// ``Configuration/cacheLifetime`` and refreshed lazily: by the first verification after the cache expires, or by a
/// token whose `kid` is unknown. One refresh runs at a time and concurrent callers share it; refreshes start at most
/// once per ``Configuration/minimumRefreshInterval``. A failed refresh keeps the last good keys.
///
/// Rejections are logged at debug level with their reason only; the token is never logged.
public final class SessionTokenVerifier: Sendable {
    /// What the verifier accepts.
    public struct Configuration: Sendable {
        /// The exact `iss` tokens must carry: the instance's Frontend API URL, such as `https://clerk.example.com`.
        public var issuer: String
        /// The `azp` values accepted (origins such as `https://app.example.com`).
        ///
        /// When the set is non-nil, tokens must carry an `azp` that is in it. `nil` accepts any `azp`, or none (the
        /// `--allow-any-azp` mode).
        public var authorizedParties: Set<String>?
        /// The clock skew allowed on `exp` and `nbf`; 5 seconds by default.
        public var leeway: Duration = .seconds(5)
        /// How long a loaded key set is used before the next verification refreshes it; 300 seconds by default.
        public var cacheLifetime: Duration = .seconds(300)
        /// The shortest time between the starts of two refreshes; 30 seconds by default.
        public var minimumRefreshInterval: Duration = .seconds(30)
        /// The longest token accepted, in bytes; 8192 by default.
        public var maximumTokenLength: Int = 8192

        /// Creates a configuration with the default leeway, cache lifetime, refresh interval and length limit.
        ///
        /// - Parameters:
        ///   - issuer: The exact `iss` required.
        ///   - authorizedParties: The `azp` values accepted, or `nil` to accept any.
        public init(issuer: String, authorizedParties: Set<String>?) {
            self.issuer = issuer
            self.authorizedParties = authorizedParties
        }
    }

    /// The header parameters that would make a verifier fetch or trust keys from elsewhere, or honour extensions.
    private static let forbiddenHeaderParameters = ["jku", "x5u", "x5c", "jwk", "crit"]

    private let configuration: Configuration
    private let keys: KeyCache
    private let verified = VerifiedTokenCache()
    private let now: @Sendable () -> Date
    private let logger: Logger

    /// Creates a verifier; call ``start()`` before serving requests.
    ///
    /// - Parameters:
    ///   - configuration: What to accept.
    ///   - fetchJWKS: Returns the JWKS document's bytes, such as ``JWKSHTTPFetcher/fetch()``. Errors it throws are
    ///     recorded as ``KeyStatus/lastFailure``.
    ///   - now: The clock for `exp`, `nbf` and the key cache; the system clock by default.
    ///   - logger: Where rejections (debug) and JWKS refresh failures (warning) go; label `routiq.auth` by default.
    public init(
        configuration: Configuration,
        fetchJWKS: @escaping @Sendable () async throws -> [UInt8],
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "routiq.auth")
    ) {
        self.configuration = configuration
        self.now = now
        self.logger = logger
        keys = KeyCache(
            cacheLifetime: configuration.cacheLifetime, minimumRefreshInterval: configuration.minimumRefreshInterval,
            fetchJWKS: fetchJWKS, now: now, logger: logger)
    }

    /// Loads the JWKS for the first time.
    ///
    /// - Throws: ``JWKSError`` when the fetch fails, the body is not a JWKS, or it holds no usable RS256 key.
    public func start() async throws(JWKSError) {
        try await keys.load()
    }

    /// Verifies the token in an `Authorization` header value.
    ///
    /// - Parameter authorization: The whole header value, `Bearer <token>` (the scheme is case-insensitive), or
    ///   `nil` when the request has no such header.
    /// - Returns: The verified session.
    /// - Throws: ``AuthenticationFailure``: ``AuthenticationFailure/Code/missingToken`` for a missing or empty header
    ///   or token, ``AuthenticationFailure/Code/notBearer`` for another scheme, or any reason of ``verify(token:)``.
    public func verify(authorization: String?) async throws(AuthenticationFailure) -> VerifiedSession {
        let token: String
        do throws(AuthenticationFailure) {
            token = try Self.bearerToken(in: authorization)
        } catch {
            logger.debug("rejected a session token", metadata: ["routiq.auth.reason": "\(error.code.rawValue)"])
            throw error
        }
        return try await verify(token: token)
    }

    /// Verifies a session token.
    ///
    /// - Parameter token: The JWT in compact serialization.
    /// - Returns: The verified session.
    /// - Throws: ``AuthenticationFailure`` with the first check that failed (see the type's discussion).
    public func verify(token: String) async throws(AuthenticationFailure) -> VerifiedSession {
        do throws(AuthenticationFailure) {
            return try await check(token)
        } catch {
            logger.debug("rejected a session token", metadata: ["routiq.auth.reason": "\(error.code.rawValue)"])
            throw error
        }
    }

    /// The keys the verifier holds and how the last refresh went, for readiness checks.
    public func keyStatus() -> KeyStatus {
        keys.status()
    }

    private static func bearerToken(in authorization: String?) throws(AuthenticationFailure) -> String {
        guard let value = authorization?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            throw AuthenticationFailure(.missingToken)
        }
        let scheme = value.prefix { $0 != " " }
        guard scheme.lowercased() == "bearer" else { throw AuthenticationFailure(.notBearer) }
        let token = value.dropFirst(scheme.count).drop { $0 == " " }
        guard !token.isEmpty else { throw AuthenticationFailure(.missingToken) }
        return String(token)
    }

    private func check(_ token: String) async throws(AuthenticationFailure) -> VerifiedSession {
        guard !token.isEmpty else { throw AuthenticationFailure(.missingToken) }
        guard token.utf8.count <= configuration.maximumTokenLength else { throw AuthenticationFailure(.tooLong) }
        if let entry = verified.entry(for: token) {
            try checkValidity(expiresAt: entry.expiresAt, notBefore: entry.notBefore, at: now().timeIntervalSince1970)
            if case .found = await keys.key(for: entry.keyID) { return entry.session }
            verified.remove(token)
        }
        let jws = try CompactJWS(parsing: token)

        guard jws.header["alg"] == .string("RS256") else { throw AuthenticationFailure(.unsupportedAlgorithm) }
        for parameter in Self.forbiddenHeaderParameters where jws.header[parameter] != nil {
            throw AuthenticationFailure(.forbiddenHeader)
        }
        let kid: String
        switch jws.header["kid"] {
        case nil: throw AuthenticationFailure(.missingKeyID)
        case .string(let value): kid = value
        default: throw AuthenticationFailure(.malformed)
        }
        guard !kid.isEmpty else { throw AuthenticationFailure(.missingKeyID) }

        let key: _RSA.Signing.PublicKey
        switch await keys.key(for: kid) {
        case .found(let found): key = found
        case .unknown: throw AuthenticationFailure(.unknownKeyID)
        case .unavailable: throw AuthenticationFailure(.keysUnavailable)
        }
        let signature = _RSA.Signing.RSASignature(rawRepresentation: jws.signature)
        guard key.isValidSignature(signature, for: jws.signingInput, padding: .insecurePKCS1v1_5) else {
            throw AuthenticationFailure(.badSignature)
        }

        // The signature holds: the claims come from the issuer and can be checked.
        let claims = try SessionClaims(payload: jws.payload)
        let currentTime = now().timeIntervalSince1970
        guard let expiresAt = claims.expiresAt else { throw AuthenticationFailure(.missingExpiry) }
        try checkValidity(expiresAt: expiresAt, notBefore: claims.notBefore, at: currentTime)
        guard claims.issuer == configuration.issuer else { throw AuthenticationFailure(.wrongIssuer) }
        if let allowed = configuration.authorizedParties {
            guard let party = claims.authorizedParty, allowed.contains(party) else {
                throw AuthenticationFailure(.unauthorizedParty)
            }
        }
        guard let subject = claims.subject, !subject.isEmpty else { throw AuthenticationFailure(.missingSubject) }
        guard claims.status != "pending" else { throw AuthenticationFailure(.pendingSession) }
        guard let organizationID = claims.organizationID, !organizationID.isEmpty else {
            throw AuthenticationFailure(.missingOrganization)
        }
        let session = VerifiedSession(
            subject: subject, organizationID: organizationID, organizationRole: claims.organizationRole,
            sessionID: claims.sessionID, authorizedParty: claims.authorizedParty,
            expiresAt: Date(timeIntervalSince1970: expiresAt), version: claims.version)
        verified.insert(
            .init(session: session, keyID: kid, notBefore: claims.notBefore, expiresAt: expiresAt), for: token,
            now: currentTime)
        return session
    }

    /// The time checks, on a fresh token and on a remembered one alike: `exp` and `nbf` with the leeway.
    private func checkValidity(expiresAt: TimeInterval, notBefore: TimeInterval?, at currentTime: TimeInterval)
        throws(AuthenticationFailure)
    {
        let leeway = configuration.leeway.timeInterval
        guard currentTime <= expiresAt + leeway else { throw AuthenticationFailure(.expired) }
        if let notBefore, currentTime + leeway < notBefore {
            throw AuthenticationFailure(.notYetValid)
        }
    }
}
