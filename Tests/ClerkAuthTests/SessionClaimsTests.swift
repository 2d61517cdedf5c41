// The claim rules of a correctly signed token: lifetime, issuer, authorized party, subject, status, organization.
import ClerkAuth
import Foundation
import Testing

@Suite("Claims of a correctly signed session token")
struct SessionClaimsTests {
    private func claims(_ change: (inout [String: Any]) -> Void) -> [String: Any] {
        var claims = TokenMinter.claims()
        change(&claims)
        return claims
    }

    @Test("a valid version 2 token yields its subject, organization, role, session, party and expiry")
    func acceptsVersion2() async throws {
        let fixture = try await VerifierFixture.started()
        let session = try await fixture.verifier.verify(token: TokenMinter.token())
        #expect(
            session
                == VerifiedSession(
                    subject: "user_2g7np7Hrk0SN6kj5EDMLDaKNL0S", organizationID: "org_alpha", organizationRole: "admin",
                    sessionID: "sess_abc", authorizedParty: TokenMinter.app,
                    expiresAt: TokenMinter.epoch.addingTimeInterval(60), version: 2))
    }

    @Test("a version 1 token (no v) takes its organization from org_id and org_role")
    func acceptsVersion1() async throws {
        let fixture = try await VerifierFixture.started()
        let token = TokenMinter.token(
            claims: claims {
                $0["v"] = nil
                $0["o"] = nil
                $0["org_id"] = "org_beta"
                $0["org_role"] = "org:member"
            })
        let session = try await fixture.verifier.verify(token: token)
        #expect(session.organizationID == "org_beta")
        #expect(session.organizationRole == "org:member")
        #expect(session.version == 1)
    }

    @Test("a token with \"v\": 1 is read as version 1")
    func acceptsExplicitVersion1() async throws {
        let fixture = try await VerifierFixture.started()
        let token = TokenMinter.token(
            claims: claims {
                $0["v"] = 1
                $0["o"] = nil
                $0["org_id"] = "org_beta"
            })
        let session = try await fixture.verifier.verify(token: token)
        #expect(session.version == 1)
        #expect(session.organizationRole == nil)
    }

    @Test(
        "a token without an active organization is rejected",
        arguments: [
            "v2 without o", "v2 with empty o.id", "v2 with only org_id", "v1 without org_id", "v1 with empty org_id",
            "v1 with only o",
        ])
    func rejectsMissingOrganization(shape: String) async throws {
        let fixture = try await VerifierFixture.started()
        let token = TokenMinter.token(
            claims: claims {
                switch shape {
                case "v2 without o": $0["o"] = nil
                case "v2 with empty o.id": $0["o"] = ["id": "", "rol": "admin"]
                case "v2 with only org_id":
                    $0["o"] = nil
                    $0["org_id"] = "org_alpha"
                case "v1 without org_id":
                    $0["v"] = nil
                    $0["o"] = nil
                case "v1 with empty org_id":
                    $0["v"] = nil
                    $0["o"] = nil
                    $0["org_id"] = ""
                default:
                    $0["v"] = nil
                }
            })
        #expect(await fixture.rejection(token) == .missingOrganization)
    }

    @Test("exp and nbf may be fractional seconds")
    func acceptsFractionalTimes() async throws {
        let fixture = try await VerifierFixture.started()
        let start = TokenMinter.epoch.timeIntervalSince1970
        let token = TokenMinter.token(
            claims: claims {
                $0["exp"] = start + 60.5
                $0["nbf"] = start - 0.25
            })
        let session = try await fixture.verifier.verify(token: token)
        #expect(session.expiresAt == TokenMinter.epoch.addingTimeInterval(60.5))
    }

    @Test("a token is accepted until exp plus the leeway and rejected as expired after it")
    func expiryLeewayEdge() async throws {
        let fixture = try await VerifierFixture.started()
        let token = TokenMinter.token()
        fixture.clock.advance(by: 60 + 5)
        #expect(await fixture.rejection(token) == nil)
        fixture.clock.advance(by: 0.001)
        #expect(await fixture.rejection(token) == .expired)
        fixture.clock.advance(by: 3600)
        #expect(await fixture.rejection(token) == .expired)
    }

    @Test("a configured leeway of zero rejects a token one millisecond after exp")
    func zeroLeeway() async throws {
        let fixture = try await VerifierFixture.started { $0.leeway = .zero }
        let token = TokenMinter.token()
        fixture.clock.advance(by: 60)
        #expect(await fixture.rejection(token) == nil)
        fixture.clock.advance(by: 0.001)
        #expect(await fixture.rejection(token) == .expired)
    }

    @Test("a token is not yet valid until nbf minus the leeway")
    func notBeforeLeewayEdge() async throws {
        let fixture = try await VerifierFixture.started()
        let start = Int(TokenMinter.epoch.timeIntervalSince1970)
        let atEdge = TokenMinter.token(claims: claims { $0["nbf"] = start + 5 })
        let pastEdge = TokenMinter.token(claims: claims { $0["nbf"] = start + 6 })
        #expect(await fixture.rejection(atEdge) == nil)
        #expect(await fixture.rejection(pastEdge) == .notYetValid)
        fixture.clock.advance(by: 1)
        #expect(await fixture.rejection(pastEdge) == nil)
    }

    @Test("a token without exp is rejected")
    func rejectsMissingExpiry() async throws {
        let fixture = try await VerifierFixture.started()
        #expect(await fixture.rejection(TokenMinter.token(claims: claims { $0["exp"] = nil })) == .missingExpiry)
    }

    @Test(
        "iss must equal the configured issuer exactly",
        arguments: [
            "https://evil.example.com", "https://clerk.example.com/", "http://clerk.example.com",
            "https://CLERK.example.com", "",
        ])
    func rejectsWrongIssuer(issuer: String) async throws {
        let fixture = try await VerifierFixture.started()
        #expect(await fixture.rejection(TokenMinter.token(claims: claims { $0["iss"] = issuer })) == .wrongIssuer)
    }

    @Test("a token without iss is rejected")
    func rejectsMissingIssuer() async throws {
        let fixture = try await VerifierFixture.started()
        #expect(await fixture.rejection(TokenMinter.token(claims: claims { $0["iss"] = nil })) == .wrongIssuer)
    }

    @Test("azp must be one of the configured parties")
    func rejectsWrongAuthorizedParty() async throws {
        let fixture = try await VerifierFixture.started(authorizedParties: [
            TokenMinter.app, "https://admin.example.com",
        ])
        #expect(
            await fixture.rejection(TokenMinter.token(claims: claims { $0["azp"] = "https://admin.example.com" }))
                == nil)
        #expect(
            await fixture.rejection(TokenMinter.token(claims: claims { $0["azp"] = "https://evil.example.com" }))
                == .unauthorizedParty)
    }

    @Test("azp is required when parties are configured")
    func rejectsMissingAuthorizedParty() async throws {
        let fixture = try await VerifierFixture.started()
        #expect(await fixture.rejection(TokenMinter.token(claims: claims { $0["azp"] = nil })) == .unauthorizedParty)
    }

    @Test("any azp, or none, is accepted when no parties are configured")
    func acceptsAnyAuthorizedParty() async throws {
        let fixture = try await VerifierFixture.started(authorizedParties: nil)
        let other = try await fixture.verifier.verify(
            token: TokenMinter.token(claims: claims { $0["azp"] = "https://anything.example.org" }))
        #expect(other.authorizedParty == "https://anything.example.org")
        let none = try await fixture.verifier.verify(token: TokenMinter.token(claims: claims { $0["azp"] = nil }))
        #expect(none.authorizedParty == nil)
    }

    @Test("a token without a subject, or with an empty one, is rejected")
    func rejectsMissingSubject() async throws {
        let fixture = try await VerifierFixture.started()
        #expect(await fixture.rejection(TokenMinter.token(claims: claims { $0["sub"] = nil })) == .missingSubject)
        #expect(await fixture.rejection(TokenMinter.token(claims: claims { $0["sub"] = "" })) == .missingSubject)
    }

    @Test("a pending session is rejected")
    func rejectsPendingSession() async throws {
        let fixture = try await VerifierFixture.started()
        #expect(await fixture.rejection(TokenMinter.token(claims: claims { $0["sts"] = "pending" })) == .pendingSession)
    }

    @Test(
        "a claim of the wrong JSON type makes the token malformed",
        arguments: [
            "exp string", "exp bool", "nbf string", "iat string", "iss number", "sub number", "azp null", "sid array",
            "sts number", "v string", "v 3", "o string", "o.id number", "o.rol bool", "org_id number in v1",
        ])
    func rejectsWrongClaimTypes(shape: String) async throws {
        let fixture = try await VerifierFixture.started()
        let token = TokenMinter.token(
            claims: claims {
                switch shape {
                case "exp string": $0["exp"] = "1767225660"
                case "exp bool": $0["exp"] = true
                case "nbf string": $0["nbf"] = "0"
                case "iat string": $0["iat"] = "0"
                case "iss number": $0["iss"] = 1
                case "sub number": $0["sub"] = 42
                case "azp null": $0["azp"] = NSNull()
                case "sid array": $0["sid"] = ["sess_abc"]
                case "sts number": $0["sts"] = 1
                case "v string": $0["v"] = "2"
                case "v 3": $0["v"] = 3
                case "o string": $0["o"] = "org_alpha"
                case "o.id number": $0["o"] = ["id": 7]
                case "o.rol bool": $0["o"] = ["id": "org_alpha", "rol": true]
                default:
                    $0["v"] = nil
                    $0["org_id"] = 12
                }
            })
        #expect(await fixture.rejection(token) == .malformed)
    }
}
