// A started verifier wired to a fake JWKS endpoint and a hand-moved clock.
import ClerkAuth
import Foundation
import Logging

/// A verifier, its JWKS endpoint and its clock.
struct VerifierFixture {
    let clock: TestClock
    let endpoint: FakeJWKSEndpoint
    let verifier: SessionTokenVerifier

    /// Creates a verifier for ``TokenMinter/issuer`` that allows ``TokenMinter/app``, without starting it.
    init(
        endpoint: FakeJWKSEndpoint = FakeJWKSEndpoint(),
        authorizedParties: Set<String>? = [TokenMinter.app],
        logger: Logger = Logger(label: "routiq.auth.tests", factory: { _ in SwiftLogNoOpLogHandler() }),
        configure: (inout SessionTokenVerifier.Configuration) -> Void = { _ in }
    ) {
        let clock = TestClock()
        var configuration = SessionTokenVerifier.Configuration(
            issuer: TokenMinter.issuer, authorizedParties: authorizedParties)
        configure(&configuration)
        self.clock = clock
        self.endpoint = endpoint
        verifier = SessionTokenVerifier(
            configuration: configuration, fetchJWKS: { try await endpoint.fetch() }, now: { clock.now },
            logger: logger)
    }

    /// A fixture whose verifier has loaded the endpoint's keys.
    static func started(
        keys: [TestKey] = [TestKeys.primary],
        authorizedParties: Set<String>? = [TokenMinter.app],
        configure: (inout SessionTokenVerifier.Configuration) -> Void = { _ in }
    ) async throws -> VerifierFixture {
        let fixture = VerifierFixture(
            endpoint: FakeJWKSEndpoint(keys: keys), authorizedParties: authorizedParties, configure: configure)
        try await fixture.verifier.start()
        return fixture
    }

    /// The failure code `token` is rejected with, or `nil` when it is accepted.
    func rejection(_ token: String) async -> AuthenticationFailure.Code? {
        do {
            _ = try await verifier.verify(token: token)
            return nil
        } catch {
            return error.code
        }
    }

    /// The failure code an `Authorization` header value is rejected with, or `nil` when it is accepted.
    func rejection(authorization: String?) async -> AuthenticationFailure.Code? {
        do {
            _ = try await verifier.verify(authorization: authorization)
            return nil
        } catch {
            return error.code
        }
    }
}
