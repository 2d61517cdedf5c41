import Foundation
import Testing

@testable import Extract

@Suite struct RateLimitHeadersTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func clinikoResetIsAnEpochInstant() {
        let delay = RateLimitHeaders.delay(rateLimitReset: "1700000042", retryAfter: nil, now: now)
        #expect(delay == .seconds(42))
    }

    @Test func aResetInThePastMeansNoWait() {
        #expect(RateLimitHeaders.delay(rateLimitReset: "1699999990", retryAfter: nil, now: now) == .zero)
    }

    @Test func clerkRetryAfterIsSeconds() {
        #expect(RateLimitHeaders.delay(rateLimitReset: nil, retryAfter: "7", now: now) == .seconds(7))
    }

    @Test func retryAfterMayBeAnHTTPDate() {
        let delay = RateLimitHeaders.delay(
            rateLimitReset: nil, retryAfter: "Tue, 14 Nov 2023 22:13:30 GMT", now: now)
        #expect(delay == .seconds(10))
    }

    @Test func noUsableHeaderMeansBackoff() {
        #expect(RateLimitHeaders.delay(rateLimitReset: nil, retryAfter: nil, now: now) == nil)
        #expect(RateLimitHeaders.delay(rateLimitReset: "soon", retryAfter: "later", now: now) == nil)
    }
}
