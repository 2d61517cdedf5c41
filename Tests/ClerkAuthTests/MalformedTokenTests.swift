// Tokens and Authorization headers that are not well-formed compact JWS: refused before any key is looked up.
import ClerkAuth
import Foundation
import Testing

@Suite("Malformed tokens and Authorization headers")
struct MalformedTokenTests {
    private static let header = Base64URLEncoding.encode(TokenMinter.json(TokenMinter.header()))
    private static let payload = Base64URLEncoding.encode(TokenMinter.json(TokenMinter.claims()))

    @Test(
        "a token that is not three strict base64url parts holding JSON objects is malformed",
        arguments: [
            "two parts": "\(header).\(payload)",
            "four parts": "\(header).\(payload).c2ln.c2ln",
            "one part": "abc",
            "only dots": "..",
            "padded header": "\(header)==.\(payload).c2ln",
            "padded signature": "\(header).\(payload).c2lnbg==",
            "plus in payload": "\(header).\(payload)+.c2ln",
            "slash in signature": "\(header).\(payload).c2l/",
            "space inside": "\(header).\(payload) .c2ln",
            "newline inside": "\(header)\n.\(payload).c2ln",
            "length 4n+1": "\(header).\(payload).c2lnb",
            "non-canonical last character": "\(header).\(payload).c2lnbh",
            "header not JSON": "\(Base64URLEncoding.encode("not json")).\(payload).c2ln",
            "header a JSON array": "\(Base64URLEncoding.encode("[1,2]")).\(payload).c2ln",
            "payload a JSON string": "\(header).\(Base64URLEncoding.encode("\"claims\"")).c2ln",
            "payload empty": "\(header)..c2ln",
            "payload truncated JSON": "\(header).\(Base64URLEncoding.encode("{\"sub\":")).c2ln",
        ])
    func rejectsMalformed(name: String, token: String) async throws {
        let fixture = try await VerifierFixture.started()
        #expect(await fixture.rejection(token) == .malformed, "\(name)")
    }

    @Test("a 3 MB token is too long, before any decoding")
    func rejectsHugeToken() async throws {
        let fixture = try await VerifierFixture.started()
        let huge = String(repeating: "A", count: 3 << 20)
        #expect(await fixture.rejection(huge) == .tooLong)
        #expect(await fixture.rejection(authorization: "Bearer " + huge) == .tooLong)
    }

    @Test("the length limit is inclusive and configurable")
    func lengthLimitEdge() async throws {
        let fixture = try await VerifierFixture.started { $0.maximumTokenLength = 2048 }
        let token = TokenMinter.token()
        #expect(token.utf8.count < 2048)
        #expect(await fixture.rejection(token) == nil)
        let filler = String(repeating: "A", count: 2048)
        #expect(await fixture.rejection(filler) == .malformed)
        #expect(await fixture.rejection(filler + "A") == .tooLong)
    }

    @Test(
        "an absent or empty Authorization header is a missing token",
        arguments: [nil, "", "   ", "Bearer", "Bearer   "])
    func rejectsMissingToken(authorization: String?) async throws {
        let fixture = try await VerifierFixture.started()
        #expect(await fixture.rejection(authorization: authorization) == .missingToken)
    }

    @Test(
        "an Authorization header with another scheme is refused",
        arguments: [
            "Basic dXNlcjpwYXNz", "Token abc", "Bearerabc.def.ghi", "JWT a.b.c",
        ])
    func rejectsOtherSchemes(authorization: String) async throws {
        let fixture = try await VerifierFixture.started()
        #expect(await fixture.rejection(authorization: authorization) == .notBearer)
    }

    @Test("the Bearer scheme is case-insensitive", arguments: ["Bearer ", "bearer ", "BEARER  "])
    func acceptsBearerInAnyCase(prefix: String) async throws {
        let fixture = try await VerifierFixture.started()
        let session = try await fixture.verifier.verify(authorization: prefix + TokenMinter.token())
        #expect(session.organizationID == "org_alpha")
    }

    @Test("failure descriptions are the code only, never token content")
    func descriptionsAreCodes() {
        for code in AuthenticationFailure.Code.allCases {
            #expect(AuthenticationFailure(code).description == code.rawValue)
        }
    }
}
