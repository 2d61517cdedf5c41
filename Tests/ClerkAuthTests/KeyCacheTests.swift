// The JWKS key cache: first load, rotation, rate-limited and single-flight refresh, outages, key filtering.
import ClerkAuth
import Foundation
import Testing

@Suite("JWKS loading and the key cache")
struct KeyCacheTests {
    /// A valid token signed by `key`, issued at the fixture clock's current time.
    private func token(_ key: TestKey, at fixture: VerifierFixture) -> String {
        TokenMinter.token(
            header: TokenMinter.header(key), claims: TokenMinter.claims(now: fixture.clock.now), signer: key)
    }

    @Test("start loads the keys and reports them")
    func startLoadsKeys() async throws {
        let fixture = try await VerifierFixture.started(keys: [TestKeys.primary, TestKeys.rotated])
        let status = fixture.verifier.keyStatus()
        #expect(status.keyIDs == ["ins_primary", "ins_rotated"])
        #expect(status.lastRefresh == TokenMinter.epoch)
        #expect(status.lastFailure == nil)
    }

    @Test("start fails with fetch_failed when the JWKS is unreachable")
    func startFailsWhenUnreachable() async throws {
        let fixture = VerifierFixture()
        fixture.endpoint.setDown(true)
        let error = await #expect(throws: JWKSError.self) { try await fixture.verifier.start() }
        #expect(error?.code == .fetchFailed)
        #expect(fixture.verifier.keyStatus().lastFailure?.hasPrefix("fetch_failed") == true)
    }

    @Test(
        "start fails with not_json when the JWKS is not a JSON object with a keys array",
        arguments: [
            "<html>Bad gateway</html>", "[]", "{\"keys\": \"none\"}", "{}", "",
        ])
    func startFailsOnGarbage(body: String) async throws {
        let fixture = VerifierFixture(endpoint: FakeJWKSEndpoint(Array(body.utf8)))
        let error = await #expect(throws: JWKSError.self) { try await fixture.verifier.start() }
        #expect(error?.code == .notJSON)
    }

    @Test("start fails with no_usable_keys when no entry is an RS256 signing key of 2048 bits or more")
    func startFailsWithoutUsableKeys() async throws {
        let key = TestKeys.primary
        let unusable: [[String: String]] = [
            key.jwk(["kty": "EC"]), key.jwk(["use": "enc"]), key.jwk(["alg": "RS512"]), key.jwk(["kid": nil]),
            key.jwk(["kid": ""]), key.jwk(["n": "not base64!"]), key.jwk(["n": key.jwk()["n"]! + "="]),
            TestKeys.weak.jwk(),
        ]
        for entries in [[], unusable] {
            let fixture = VerifierFixture(endpoint: FakeJWKSEndpoint(TestKeys.jwks(entries: entries)))
            let error = await #expect(throws: JWKSError.self) { try await fixture.verifier.start() }
            #expect(error?.code == .noUsableKeys)
        }
    }

    @Test("unusable entries are ignored next to usable ones; use and alg may be absent")
    func ignoresUnusableEntries() async throws {
        let entries = [
            TestKeys.primary.jwk(["kty": "oct"]), TestKeys.weak.jwk(), TestKeys.rotated.jwk(["use": nil, "alg": nil]),
            TestKeys.foreign.jwk(["kid": "ins_enc", "use": "enc"]),
        ]
        let fixture = VerifierFixture(endpoint: FakeJWKSEndpoint(TestKeys.jwks(entries: entries)))
        try await fixture.verifier.start()
        #expect(fixture.verifier.keyStatus().keyIDs == ["ins_rotated"])
        #expect(await fixture.rejection(token(TestKeys.rotated, at: fixture)) == nil)
    }

    @Test("a kid published twice with different keys is not used; published twice with the same key it is")
    func ambiguousKeyIDs() async throws {
        let ambiguous = [
            TestKeys.primary.jwk(), TestKeys.foreign.jwk(), TestKeys.rotated.jwk(), TestKeys.rotated.jwk(),
        ]
        let fixture = VerifierFixture(endpoint: FakeJWKSEndpoint(TestKeys.jwks(entries: ambiguous)))
        try await fixture.verifier.start()
        #expect(fixture.verifier.keyStatus().keyIDs == ["ins_rotated"])
    }

    @Test("verifying before any successful load reports keys_unavailable")
    func keysUnavailableBeforeLoad() async throws {
        let fixture = VerifierFixture()
        fixture.endpoint.setDown(true)
        await #expect(throws: JWKSError.self) { try await fixture.verifier.start() }
        #expect(await fixture.rejection(token(TestKeys.primary, at: fixture)) == .keysUnavailable)
        fixture.endpoint.setDown(false)
        fixture.clock.advance(by: 30)
        #expect(await fixture.rejection(token(TestKeys.primary, at: fixture)) == nil)
        #expect(fixture.endpoint.fetches == 2)
    }

    @Test("a new kid triggers one refresh and is accepted; tokens of the old key stay valid")
    func rotation() async throws {
        let fixture = try await VerifierFixture.started()
        let old = token(TestKeys.primary, at: fixture)
        fixture.endpoint.serve(keys: [TestKeys.primary, TestKeys.rotated])
        fixture.clock.advance(by: 30)
        #expect(await fixture.rejection(token(TestKeys.rotated, at: fixture)) == nil)
        #expect(await fixture.rejection(token(TestKeys.rotated, at: fixture)) == nil)
        #expect(await fixture.rejection(old) == nil)
        #expect(fixture.endpoint.fetches == 2)
        #expect(fixture.verifier.keyStatus().keyIDs == ["ins_primary", "ins_rotated"])
    }

    @Test("a key the JWKS stops publishing is no longer accepted after the next refresh")
    func retiredKey() async throws {
        let fixture = try await VerifierFixture.started()
        fixture.endpoint.serve(keys: [TestKeys.rotated])
        fixture.clock.advance(by: 300)
        #expect(await fixture.rejection(token(TestKeys.primary, at: fixture)) == .unknownKeyID)
        #expect(fixture.endpoint.fetches == 2)
    }

    @Test("an unknown kid within the minimum refresh interval of the last fetch is refused without a fetch")
    func refreshIntervalAfterStart() async throws {
        let fixture = try await VerifierFixture.started()
        fixture.endpoint.serve(keys: [TestKeys.primary, TestKeys.rotated])
        fixture.clock.advance(by: 29)
        #expect(await fixture.rejection(token(TestKeys.rotated, at: fixture)) == .unknownKeyID)
        #expect(fixture.endpoint.fetches == 1)
        fixture.clock.advance(by: 1)
        #expect(await fixture.rejection(token(TestKeys.rotated, at: fixture)) == nil)
        #expect(fixture.endpoint.fetches == 2)
    }

    @Test("a burst of tokens with invented kids costs one fetch")
    func burstOfUnknownKeyIDs() async throws {
        let fixture = try await VerifierFixture.started()
        fixture.clock.advance(by: 60)
        let claims = TokenMinter.claims(now: fixture.clock.now)
        let tokens = (0..<50).map { index in
            TokenMinter.token(header: ["alg": "RS256", "kid": "ins_invented_\(index)"], claims: claims)
        }
        let codes = await withTaskGroup(
            of: AuthenticationFailure.Code?.self, returning: [AuthenticationFailure.Code?].self
        ) {
            group in
            for token in tokens { group.addTask { await fixture.rejection(token) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(codes.count == 50)
        #expect(codes.allSatisfy { $0 == .unknownKeyID })
        #expect(fixture.endpoint.fetches == 2)
        for token in tokens.prefix(10) { #expect(await fixture.rejection(token) == .unknownKeyID) }
        #expect(fixture.endpoint.fetches == 2)
    }

    @Test("concurrent verifications that need a refresh share one fetch")
    func singleFlightRefresh() async throws {
        let fixture = try await VerifierFixture.started()
        fixture.endpoint.serve(keys: [TestKeys.primary, TestKeys.rotated])
        fixture.clock.advance(by: 30)
        fixture.endpoint.closeGate()
        let rotatedToken = token(TestKeys.rotated, at: fixture)
        let codes = await withTaskGroup(
            of: AuthenticationFailure.Code?.self, returning: [AuthenticationFailure.Code?].self
        ) {
            group in
            for _ in 0..<20 { group.addTask { await fixture.rejection(rotatedToken) } }
            // Let the first caller reach the gate and the others queue up behind its refresh.
            while !fixture.endpoint.isFetchWaitingAtGate { await Task.yield() }
            for _ in 0..<200 { await Task.yield() }
            fixture.endpoint.openGate()
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(codes.count == 20)
        #expect(codes.allSatisfy { $0 == nil })
        #expect(fixture.endpoint.fetches == 2)
    }

    @Test(
        "a caller waiting for another caller's refresh returns when cancelled, without fetching",
        .timeLimit(.minutes(1)))
    func cancelledWaiterReturns() async throws {
        let fixture = try await VerifierFixture.started()
        fixture.clock.advance(by: 30)
        fixture.endpoint.closeGate()
        let unknown = token(TestKeys.rotated, at: fixture)
        await withTaskGroup(of: Void.self) { leaders in
            leaders.addTask { #expect(await fixture.rejection(unknown) == .unknownKeyID) }
            while !fixture.endpoint.isFetchWaitingAtGate { await Task.yield() }
            await withTaskGroup(of: AuthenticationFailure.Code?.self) { waiters in
                waiters.addTask { await fixture.rejection(unknown) }
                for _ in 0..<200 { await Task.yield() }
                waiters.cancelAll()
                #expect(await waiters.next() == .unknownKeyID)
            }
            #expect(fixture.endpoint.isFetchWaitingAtGate)
            #expect(fixture.endpoint.fetches == 2)
            fixture.endpoint.openGate()
        }
        #expect(fixture.endpoint.fetches == 2)
    }

    @Test("the keys are refreshed on the first verification after the cache lifetime")
    func lazyRefreshAfterLifetime() async throws {
        let fixture = try await VerifierFixture.started()
        fixture.clock.advance(by: 299)
        #expect(await fixture.rejection(token(TestKeys.primary, at: fixture)) == nil)
        #expect(fixture.endpoint.fetches == 1)
        fixture.clock.advance(by: 1)
        #expect(await fixture.rejection(token(TestKeys.primary, at: fixture)) == nil)
        #expect(fixture.endpoint.fetches == 2)
        #expect(fixture.verifier.keyStatus().lastRefresh == TokenMinter.epoch.addingTimeInterval(300))
    }

    @Test("while the JWKS is down the cached keys keep working and the failure is reported")
    func outageKeepsCachedKeys() async throws {
        let fixture = try await VerifierFixture.started()
        fixture.endpoint.setDown(true)
        fixture.clock.advance(by: 301)
        #expect(await fixture.rejection(token(TestKeys.primary, at: fixture)) == nil)
        #expect(fixture.endpoint.fetches == 2)
        let status = fixture.verifier.keyStatus()
        #expect(status.keyIDs == ["ins_primary"])
        #expect(status.lastRefresh == TokenMinter.epoch)
        #expect(status.lastFailure?.hasPrefix("fetch_failed") == true)

        // Retries are rate-limited while down, and the next success clears the failure.
        #expect(await fixture.rejection(token(TestKeys.primary, at: fixture)) == nil)
        #expect(fixture.endpoint.fetches == 2)
        fixture.endpoint.setDown(false)
        fixture.clock.advance(by: 30)
        #expect(await fixture.rejection(token(TestKeys.primary, at: fixture)) == nil)
        #expect(fixture.endpoint.fetches == 3)
        #expect(fixture.verifier.keyStatus().lastFailure == nil)
    }

    @Test("a refresh that returns garbage keeps the previous keys")
    func garbageRefreshKeepsKeys() async throws {
        let fixture = try await VerifierFixture.started()
        fixture.endpoint.serve(Array("{\"keys\": []}".utf8))
        fixture.clock.advance(by: 300)
        #expect(await fixture.rejection(token(TestKeys.primary, at: fixture)) == nil)
        #expect(fixture.verifier.keyStatus().lastFailure?.hasPrefix("no_usable_keys") == true)
    }
}
