import Foundation
import JWTKit

/// Mints Clerk-style RS256 session tokens with the key the sandbox's JWKS publishes.
struct SessionTokenMinter: Sendable {
    /// A minted token and what went into it.
    struct Minted: Encodable, Sendable {
        var token: String
        var kid: String
        var algorithm: String
        var claims: SessionClaims
    }

    /// Why a token could not be minted (served as a 422).
    struct Failure: Error {
        var message: String
    }

    let keyID: String
    let privateKey: Insecure.RSA.PrivateKey
    let keys: JWTKeyCollection
    /// The JWKS document bytes.
    let jwks: [UInt8]

    init(keyID: String) async throws {
        self.keyID = keyID
        privateKey = try Insecure.RSA.PrivateKey(pem: SandboxSigningKey.privateKeyPEM)
        keys = JWTKeyCollection()
        await keys.add(rsa: privateKey, digestAlgorithm: .sha256, kid: JWKIdentifier(string: keyID))
        let primitives = try privateKey.publicKey.getKeyPrimitives()
        var w = JSONWriter(capacity: 700)
        w.beginObject()
        w.key("keys")
        w.beginArray()
        w.element()
        w.beginObject()
        w.field("use", "sig")
        w.field("kty", "RSA")
        w.field("kid", keyID)
        w.field("alg", "RS256")
        w.field("n", Self.base64URL(primitives.modulus))
        w.field("e", Self.base64URL(primitives.publicExponent))
        w.endObject()
        w.endArray()
        w.endObject()
        jwks = w.bytes
    }

    /// Mints a token for `request` in `directory`.
    ///
    /// - Throws: ``Failure`` for an unknown organization, user, version or algorithm.
    func mint(_ request: TokenRequest, directory: ClerkDirectory, profiles: [OrganizationProfile], issuer: String)
        async throws -> Minted
    {
        let version = request.version ?? 2
        guard version == 1 || version == 2 else { throw Failure(message: "version must be 1 or 2") }
        var organization: OrganizationProfile?
        if let id = request.organizationID {
            guard let match = profiles.first(where: { $0.clerkID == id || $0.slug == id }) else {
                throw Failure(message: "unknown organization \(id)")
            }
            organization = match
        }
        let memberships = directory.memberships.filter { organization == nil || $0.organization == organization?.index }
        let userIndex: Int
        if let id = request.userID {
            guard let index = directory.users.firstIndex(where: { $0.id == id }) else {
                throw Failure(message: "unknown user \(id)")
            }
            userIndex = index
        } else {
            userIndex = (memberships.first { $0.isAdmin } ?? memberships.first)?.user ?? 0
        }
        let membership = memberships.first { $0.user == userIndex }
        let role = request.role ?? (membership?.isAdmin == false ? "org:member" : "org:admin")
        let now = Int(Date().timeIntervalSince1970) + (request.issuedAtOffset ?? 0)
        var rng = SplitMix64(seed: UInt64(now), UInt64(userIndex))
        var claims = SessionClaims(
            sub: directory.users[userIndex].id, sid: "sess_" + rng.base62(27), iss: request.issuer ?? issuer,
            azp: request.azp == "" ? nil : (request.azp ?? "http://localhost:3000"),
            exp: now + (request.expiresIn ?? 60),
            nbf: now + (request.notBeforeOffset ?? -10), iat: now, fva: [0, -1]
        )
        let bareRole = role.hasPrefix("org:") ? String(role.dropFirst(4)) : role
        if version == 2 {
            claims.v = 2
            claims.jti = rng.base62(20)
            claims.pla = "o:free"
            claims.fea = "o:memberships,o:reports"
            claims.sts = request.sessionStatus
            if let organization {
                claims.o = .init(
                    id: organization.clerkID, slg: organization.slug, rol: bareRole, per: "read,manage",
                    fpm: bareRole == "admin" ? "3,3" : "1,1")
            }
        } else if let organization {
            claims.org_id = organization.clerkID
            claims.org_role = role
            claims.org_slug = organization.slug
            claims.org_permissions =
                bareRole == "admin"
                ? ["org:memberships:read", "org:memberships:manage", "org:reports:read", "org:reports:manage"]
                : ["org:memberships:read", "org:reports:read"]
        }
        let kid = request.kid ?? keyID
        let algorithm = (request.algorithm ?? "RS256").uppercased()
        let token: String
        switch algorithm {
        case "RS256":
            if kid != keyID {
                await keys.add(rsa: privateKey, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
            }
            token = try await keys.sign(claims, kid: JWKIdentifier(string: kid))
        case "HS256":
            let hmac = JWTKeyCollection()
            await hmac.add(
                hmac: HMACKey(from: privateKey.publicKey.pemRepresentation), digestAlgorithm: .sha256,
                kid: JWKIdentifier(string: kid))
            token = try await hmac.sign(claims, kid: JWKIdentifier(string: kid))
        case "NONE":
            let header = Self.base64URL(Data(#"{"alg":"none","kid":"\#(kid)","typ":"JWT"}"#.utf8))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            token = "\(header).\(Self.base64URL(try encoder.encode(claims)))."
        default:
            throw Failure(message: "algorithm must be RS256, HS256 or none")
        }
        return Minted(token: token, kid: kid, algorithm: algorithm == "NONE" ? "none" : algorithm, claims: claims)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
