// Forged and tampered tokens: algorithm confusion, foreign keys, tampering, key-source headers, kid games.
import ClerkAuth
import Crypto
import Foundation
import Testing
import _CryptoExtras

@Suite("Forged and tampered session tokens")
struct TokenAttackTests {
    @Test("alg none with an empty signature is refused", arguments: ["none", "None", "NONE"])
    func refusesAlgorithmNone(algorithm: String) async throws {
        let fixture = try await VerifierFixture.started()
        let header = TokenMinter.json(["alg": algorithm, "typ": "JWT", "kid": TestKeys.primary.kid])
        let token = TokenMinter.signingInput(header: header, payload: TokenMinter.json(TokenMinter.claims())) + "."
        #expect(await fixture.rejection(token) == .unsupportedAlgorithm)
    }

    @Test("HS256 signed with the RSA public key as the HMAC secret is refused", arguments: ["pem", "der", "pkcs1"])
    func refusesKeyConfusion(encoding: String) async throws {
        let fixture = try await VerifierFixture.started()
        let publicKey = TestKeys.primary.publicKey
        let secret: [UInt8] =
            switch encoding {
            case "pem": Array(publicKey.pemRepresentation.utf8)
            case "der": Array(publicKey.derRepresentation)
            default: Array(publicKey.pkcs1DERRepresentation)
            }
        let header = TokenMinter.json(["alg": "HS256", "typ": "JWT", "kid": TestKeys.primary.kid])
        let input = TokenMinter.signingInput(header: header, payload: TokenMinter.json(TokenMinter.claims()))
        let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: secret))
        let token = input + "." + Base64URLEncoding.encode(Array(mac))
        #expect(await fixture.rejection(token) == .unsupportedAlgorithm)
    }

    @Test(
        "any algorithm other than RS256 is refused, even with an RS256 signature",
        arguments: [
            "RS384", "RS512", "PS256", "ES256", "EdDSA", "rs256", "",
        ])
    func refusesOtherAlgorithms(algorithm: String) async throws {
        let fixture = try await VerifierFixture.started()
        let token = TokenMinter.token(header: ["alg": algorithm, "kid": TestKeys.primary.kid])
        #expect(await fixture.rejection(token) == .unsupportedAlgorithm)
    }

    @Test("a header without alg is refused")
    func refusesMissingAlgorithm() async throws {
        let fixture = try await VerifierFixture.started()
        #expect(
            await fixture.rejection(TokenMinter.token(header: ["kid": TestKeys.primary.kid])) == .unsupportedAlgorithm)
    }

    @Test("a token signed by a foreign RSA key under the published kid has a bad signature")
    func refusesForeignKey() async throws {
        let fixture = try await VerifierFixture.started()
        #expect(await fixture.rejection(TokenMinter.token(signer: TestKeys.foreign)) == .badSignature)
    }

    @Test("changing the payload after signing breaks the signature")
    func refusesTamperedPayload() async throws {
        let fixture = try await VerifierFixture.started()
        let parts = TokenMinter.token().split(separator: ".").map(String.init)
        var claims = TokenMinter.claims()
        claims["o"] = ["id": "org_victim", "rol": "admin"]
        let tampered = [parts[0], Base64URLEncoding.encode(TokenMinter.json(claims)), parts[2]].joined(separator: ".")
        #expect(await fixture.rejection(tampered) == .badSignature)
    }

    @Test("changing the header after signing breaks the signature")
    func refusesTamperedHeader() async throws {
        let fixture = try await VerifierFixture.started()
        let parts = TokenMinter.token().split(separator: ".").map(String.init)
        let header = Base64URLEncoding.encode(TokenMinter.json(["alg": "RS256", "kid": TestKeys.primary.kid]))
        #expect(await fixture.rejection([header, parts[1], parts[2]].joined(separator: ".")) == .badSignature)
    }

    @Test("an empty or truncated signature is a bad signature")
    func refusesEmptyOrTruncatedSignature() async throws {
        let fixture = try await VerifierFixture.started()
        let parts = TokenMinter.token().split(separator: ".").map(String.init)
        #expect(await fixture.rejection(parts[0] + "." + parts[1] + ".") == .badSignature)
        // 340 characters decode canonically to 255 of the signature's 256 bytes.
        let truncated = parts[0] + "." + parts[1] + "." + parts[2].prefix(340)
        #expect(await fixture.rejection(truncated) == .badSignature)
    }

    @Test("the signature is checked before any claim: an expired, wrong-issuer forgery is a bad signature")
    func signatureBeforeClaims() async throws {
        let fixture = try await VerifierFixture.started()
        var claims = TokenMinter.claims()
        claims["exp"] = 0
        claims["iss"] = "https://evil.example.com"
        claims["sub"] = 5
        #expect(await fixture.rejection(TokenMinter.token(claims: claims, signer: TestKeys.foreign)) == .badSignature)
    }

    @Test(
        "a header naming a key source or an extension is refused and never followed",
        arguments: [
            "jku", "x5u", "x5c", "jwk", "crit",
        ])
    func refusesKeySourceHeaders(parameter: String) async throws {
        let fixture = try await VerifierFixture.started()
        var header = TokenMinter.header()
        header[parameter] =
            switch parameter {
            case "x5c": ["MIIB"] as [String]
            case "crit": ["exp"] as [String]
            case "jwk": TestKeys.foreign.jwk() as [String: String]
            default: "https://evil.example.com/jwks.json" as String
            }
        #expect(await fixture.rejection(TokenMinter.token(header: header)) == .forbiddenHeader)
        #expect(fixture.endpoint.fetches == 1)
    }

    @Test("a header without kid, or with an empty one, is refused")
    func refusesMissingKeyID() async throws {
        let fixture = try await VerifierFixture.started()
        #expect(await fixture.rejection(TokenMinter.token(header: ["alg": "RS256"])) == .missingKeyID)
        #expect(await fixture.rejection(TokenMinter.token(header: ["alg": "RS256", "kid": ""])) == .missingKeyID)
        #expect(await fixture.rejection(TokenMinter.token(header: ["alg": "RS256", "kid": 1])) == .malformed)
    }

    @Test("a kid the JWKS does not hold is refused after one refresh")
    func refusesUnknownKeyID() async throws {
        let fixture = try await VerifierFixture.started()
        fixture.clock.advance(by: 30)
        let token = TokenMinter.token(header: ["alg": "RS256", "kid": "ins_unknown"])
        #expect(await fixture.rejection(token) == .unknownKeyID)
        #expect(fixture.endpoint.fetches == 2)
    }
}
