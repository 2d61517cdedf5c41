// What the verifier logs: the reason for each rejection at debug level, never any part of the token.
import ClerkAuth
import Logging
import Testing

@Suite("Logging of rejected session tokens")
struct VerifierLoggingTests {
    @Test("a rejection is logged at debug level with its reason and without the token")
    func logsReasonNotToken() async throws {
        let store = CapturingLogHandler.Store()
        let logger = Logger(label: "routiq.auth.tests", factory: { _ in CapturingLogHandler(store: store) })
        let fixture = VerifierFixture(logger: logger)
        try await fixture.verifier.start()
        var claims = TokenMinter.claims()
        claims["iss"] = "https://evil.example.com"
        let token = TokenMinter.token(claims: claims)
        _ = await fixture.rejection(authorization: "Bearer " + token)
        _ = await fixture.rejection(authorization: "Basic " + token)

        let rejections = store.all.filter { $0.metadata["routiq.auth.reason"] != nil }
        #expect(rejections.map(\.metadata["routiq.auth.reason"]) == ["wrong_issuer", "not_bearer"])
        #expect(rejections.allSatisfy { $0.level == .debug })
        let segments = token.split(separator: ".").map { String($0.prefix(16)) }
        for record in store.all {
            let text = ([record.message] + record.metadata.keys + record.metadata.values).joined(separator: " ")
            for segment in segments { #expect(!text.contains(segment)) }
            #expect(!text.contains("evil.example.com"))
        }
    }
}
