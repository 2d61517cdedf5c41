import Foundation
import HTTPTypes
import HummingbirdTesting
import JWTKit
import Sandbox
import Testing

@Suite("Session tokens")
struct SessionTokenTests {
    struct Claims: JWTPayload {
        var sub: String
        var sid: String
        var iss: String
        var azp: String?
        var exp: ExpirationClaim
        var nbf: NotBeforeClaim
        var iat: Int
        var org_id: String?
        var org_role: String?
        var org_slug: String?
        var v: Int?
        var o: [String: String]?
        var sts: String?

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
            try nbf.verifyNotBefore()
        }
    }

    func keys(_ sandbox: SandboxHarness) async throws -> JWTKeyCollection {
        let jwks = try await sandbox.request(sandbox.endpoints.clerkJWKSURL).text
        return try await JWTKeyCollection().add(jwksJSON: jwks)
    }

    @Test("v1 and v2 tokens verify against the published JWKS and carry the organization claims")
    func versions() async throws {
        try await SandboxHarness.with { sandbox in
            let keys = try await keys(sandbox)
            let org = sandbox.organization
            let v1 = try await sandbox.control("token", #"{"organization_id":"\#(org.id)","version":1}"#).object()
            let v1Token = try #require(v1["token"] as? String)
            let claims1 = try await keys.verify(v1Token, as: Claims.self)
            #expect(claims1.org_id == org.id && claims1.org_slug == org.slug && claims1.org_role == "org:admin")
            #expect(claims1.sub.hasPrefix("user_") && claims1.sid.hasPrefix("sess_"))
            #expect(claims1.iss == sandbox.endpoints.clerkFrontendAPIURL)
            let header = try #require(Data(base64URL: String(v1Token.split(separator: ".")[0])))
            let headerObject = try JSONSerialization.jsonObject(with: header) as? [String: Any]
            #expect(headerObject?["alg"] as? String == "RS256")
            #expect((headerObject?["kid"] as? String)?.hasPrefix("ins_") == true)

            let v2 = try await sandbox.control(
                "token", #"{"organization_id":"\#(org.id)","version":2,"role":"org:member","session_status":"pending"}"#
            ).object()
            let claims2 = try await keys.verify(try #require(v2["token"] as? String), as: Claims.self)
            #expect(claims2.v == 2 && claims2.org_id == nil)
            #expect(claims2.o?["id"] == org.id && claims2.o?["rol"] == "member" && claims2.o?["slg"] == org.slug)
            #expect(claims2.sts == "pending")
        }
    }

    @Test("Knobs: expired, not yet valid, wrong kid, alg none and no azp")
    func knobs() async throws {
        try await SandboxHarness.with { sandbox in
            let keys = try await keys(sandbox)
            func mint(_ body: String) async throws -> String {
                try #require(try await sandbox.control("token", body).object()["token"] as? String)
            }
            await #expect(throws: (any Error).self) {
                try await keys.verify(try await mint(#"{"expires_in":-120}"#), as: Claims.self)
            }
            await #expect(throws: (any Error).self) {
                try await keys.verify(try await mint(#"{"not_before_offset":600}"#), as: Claims.self)
            }
            let rotated = try await mint(#"{"kid":"ins_rotatedAwayKey000000000000000"}"#)
            let header = try #require(Data(base64URL: String(rotated.split(separator: ".")[0])))
            #expect(String(decoding: header, as: UTF8.self).contains("ins_rotatedAwayKey000000000000000"))
            let jwks = try await sandbox.request(sandbox.endpoints.clerkJWKSURL).text
            #expect(!jwks.contains("ins_rotatedAwayKey000000000000000"))
            let none = try await mint(#"{"algorithm":"none"}"#)
            #expect(none.hasSuffix("."))
            await #expect(throws: (any Error).self) { try await keys.verify(none, as: Claims.self) }
            let noAzp = try await keys.verify(try await mint(#"{"azp":""}"#), as: Claims.self)
            #expect(noAzp.azp == nil)
        }
    }
}

extension Data {
    init?(base64URL: String) {
        var text = base64URL.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        self.init(base64Encoded: text)
    }
}
