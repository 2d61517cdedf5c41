import Foundation
import Testing

@testable import Extract

@Suite struct RateLimitHeadersTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)
    let maximum = Duration.seconds(900)

    func wait(reset: String? = nil, retryAfter: String? = nil) -> RateLimitHeaders.Wait {
        RateLimitHeaders.wait(rateLimitReset: reset, retryAfter: retryAfter, now: now, maximum: maximum)
    }

    @Test func clinikoResetIsAnEpochInstant() {
        #expect(wait(reset: "1700000042") == .delay(.seconds(42)))
    }

    @Test func aResetInThePastMeansNoWait() {
        #expect(wait(reset: "1699999990") == .delay(.zero))
    }

    @Test func clerkRetryAfterIsSeconds() {
        #expect(wait(retryAfter: "7") == .delay(.seconds(7)))
    }

    @Test func retryAfterMayBeAnHTTPDate() {
        #expect(wait(retryAfter: "Tue, 14 Nov 2023 22:13:30 GMT") == .delay(.seconds(10)))
    }

    @Test func noUsableHeaderMeansBackoff() {
        #expect(wait() == .unspecified)
        #expect(wait(reset: "soon", retryAfter: "later") == .unspecified)
    }

    @Test("absurd values never trap: huge waits are too long, non-finite ones absent, negative ones zero")
    func absurdValues() {
        #expect(wait(retryAfter: "1e30") == .longerThanAllowed)
        #expect(wait(retryAfter: "1e308") == .longerThanAllowed)
        #expect(wait(retryAfter: "901") == .longerThanAllowed)
        #expect(wait(retryAfter: "900") == .delay(.seconds(900)))
        #expect(wait(reset: "1e30") == .longerThanAllowed)
        #expect(wait(reset: "9223372036854775807") == .longerThanAllowed)
        for value in ["inf", "-inf", "infinity", "nan", "NaN", "-nan"] {
            #expect(wait(retryAfter: value) == .unspecified, "Retry-After: \(value)")
            #expect(wait(reset: value) == .unspecified, "X-RateLimit-Reset: \(value)")
        }
        #expect(wait(retryAfter: "-5") == .delay(.zero))
        #expect(wait(reset: "-1e30") == .delay(.zero))
        #expect(wait(retryAfter: "Fri, 31 Dec 9999 23:59:59 GMT") == .longerThanAllowed)
        #expect(RateLimitHeaders.seconds(rateLimitReset: "1e300", retryAfter: nil, now: now) == 1e300)
    }

    @Test(
        "HTTP-dates with out-of-range fields are not dates",
        arguments: [
            "Tue, 14 Nov 99999999999999999 22:13:30 GMT", "Tue, 14 Nov 2023 99999999999999999:13:30 GMT",
            "Tue, 14 Nov 2023 25:13:30 GMT", "Tue, 99 Nov 2023 22:13:30 GMT", "Tue, 14 Nov 2023 22:-1:30 GMT",
            "Tue, 14 Nov 2023 22:13 GMT",
        ])
    func outOfRangeHTTPDates(_ text: String) {
        #expect(RateLimitHeaders.httpDate(text) == nil)
        #expect(wait(retryAfter: text) == .unspecified)
    }
}
