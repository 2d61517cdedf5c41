// The cache of verified tokens: a hit still honours the clock and the key set.
import ClerkAuth
import Foundation
import Testing

@Suite("Verified tokens are remembered, but never past their expiry or their key")
struct VerifiedTokenCacheTests {
    private func token(_ key: TestKey, at fixture: VerifierFixture, lifetime: TimeInterval = 60) -> String {
        var claims = TokenMinter.claims(now: fixture.clock.now)
        claims["exp"] = Int(fixture.clock.now.timeIntervalSince1970 + lifetime)
        return TokenMinter.token(header: TokenMinter.header(key), claims: claims, signer: key)
    }

    @Test("a token verified once is accepted again with the same session")
    func repeatedVerification() async throws {
        let fixture = try await VerifierFixture.started()
        let token = token(TestKeys.primary, at: fixture)
        let first = try await fixture.verifier.verify(token: token)
        let second = try await fixture.verifier.verify(token: token)
        #expect(first == second)
        #expect(fixture.endpoint.fetches == 1)
    }

    @Test("a remembered token expires like any other (after the leeway)")
    func rememberedTokenExpires() async throws {
        let fixture = try await VerifierFixture.started()
        let token = token(TestKeys.primary, at: fixture, lifetime: 60)
        #expect(await fixture.rejection(token) == nil)
        fixture.clock.advance(by: 64)
        #expect(await fixture.rejection(token) == nil)
        fixture.clock.advance(by: 2)
        #expect(await fixture.rejection(token) == .expired)
    }

    @Test("a remembered token stops being accepted once its key is no longer published")
    func rememberedTokenLosesItsKey() async throws {
        let fixture = try await VerifierFixture.started()
        let token = token(TestKeys.primary, at: fixture, lifetime: 3600)
        #expect(await fixture.rejection(token) == nil)
        fixture.endpoint.serve(keys: [TestKeys.rotated])
        fixture.clock.advance(by: 301)
        #expect(await fixture.rejection(token) == .unknownKeyID)
    }

    @Test("a tampered copy of a remembered token is still checked in full")
    func tamperedCopy() async throws {
        let fixture = try await VerifierFixture.started()
        let token = token(TestKeys.primary, at: fixture)
        #expect(await fixture.rejection(token) == nil)
        var parts = token.split(separator: ".").map(String.init)
        var signature = Array(parts[2])
        signature[10] = signature[10] == "A" ? "B" : "A"
        parts[2] = String(signature)
        #expect(await fixture.rejection(parts.joined(separator: ".")) == .badSignature)
    }
}
