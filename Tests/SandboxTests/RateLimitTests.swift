import Foundation
import HTTPTypes
import HummingbirdTesting
import Sandbox
import Testing

@Suite("Rate limits")
struct RateLimitTests {
    // The defaults are the documented limits; the threshold tests below stretch the window so that a slow, shared
    // machine cannot let the window roll over before the requests are counted (the count is what is tested).
    @Test("the default limits are the documented ones")
    func defaults() {
        #expect(RateLimits().cliniko == .init(requests: 200, seconds: 60))
        #expect(RateLimits().clerk == .init(requests: 100, seconds: 10))
    }

    @Test("Cliniko allows 200 requests per window per key, then 429 with X-RateLimit-Reset")
    func clinikoLimit() async throws {
        var limits = RateLimits()
        limits.cliniko = .init(requests: 200, seconds: 3_600)
        try await SandboxHarness.with(rateLimits: limits) { sandbox in
            for _ in 0..<200 {
                let reply = try await sandbox.cliniko("/businesses")
                try #require(reply.status == 200)
            }
            let limited = try await sandbox.cliniko("/businesses")
            #expect(limited.status == 429)
            let reset = try #require(limited.header("X-RateLimit-Reset").flatMap(Double.init))
            let now = Date().timeIntervalSince1970
            #expect(reset > now && reset <= now + 3_601)
            #expect(try limited.object()["message"] is String)
            // Another organization's key has its own window.
            let other = try await sandbox.cliniko("/businesses", organization: sandbox.endpoints.organizations[1])
            #expect(other.status == 200)
        }
    }

    @Test("Clerk allows 100 requests per window, then 429 with Retry-After; JWKS is not limited")
    func clerkLimit() async throws {
        var limits = RateLimits()
        limits.clerk = .init(requests: 100, seconds: 3_600)
        try await SandboxHarness.with(rateLimits: limits) { sandbox in
            for _ in 0..<100 {
                let reply = try await sandbox.clerk("/organizations")
                try #require(reply.status == 200)
            }
            let limited = try await sandbox.clerk("/organizations")
            #expect(limited.status == 429)
            let retryAfter = try #require(limited.header("Retry-After").flatMap(Int.init))
            #expect((1...3_600).contains(retryAfter))
            #expect(
                (try limited.object()["errors"] as? [[String: Any]])?.first?["code"] as? String == "too_many_requests")
            #expect(try await sandbox.clerk("/jwks").status == 200)
        }
    }

    @Test("Overrides change the thresholds")
    func overrides() async throws {
        var limits = RateLimits()
        try limits.apply(overrides: "cliniko=5/60,clerk=off")
        #expect(limits.cliniko == .init(requests: 5, seconds: 60))
        #expect(limits.clerk == nil)
        try await SandboxHarness.with(rateLimits: limits) { sandbox in
            var statuses: [Int] = []
            for _ in 0..<6 { statuses.append(try await sandbox.cliniko("/user").status) }
            #expect(statuses == [200, 200, 200, 200, 200, 429])
        }
    }
}
