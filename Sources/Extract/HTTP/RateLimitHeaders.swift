import Foundation

/// Reads how long an API asks us to wait after a 429.
///
/// Cliniko sends `X-RateLimit-Reset: <unix epoch seconds>` (fact sheet §A.7); Clerk sends `Retry-After: <seconds>`
/// (§C.5), which HTTP also allows as an HTTP-date; Chatwoot's Rack::Attack sends neither (§B.6), in which case the
/// caller falls back to exponential backoff.
enum RateLimitHeaders {
    /// The wait the headers ask for, or `nil` when neither header is present and parseable.
    ///
    /// - Parameters:
    ///   - rateLimitReset: The `X-RateLimit-Reset` value.
    ///   - retryAfter: The `Retry-After` value.
    ///   - now: The current wall-clock time.
    static func delay(rateLimitReset: String?, retryAfter: String?, now: Date) -> Duration? {
        if let value = rateLimitReset.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }) {
            // Epoch seconds; small values are taken as "seconds from now", which some APIs send.
            let seconds = value > 1_000_000_000 ? value - now.timeIntervalSince1970 : value
            return .seconds(max(0, seconds))
        }
        if let retryAfter = retryAfter?.trimmingCharacters(in: .whitespaces) {
            if let seconds = Double(retryAfter) { return .seconds(max(0, seconds)) }
            if let date = httpDate(retryAfter) { return .seconds(max(0, date.timeIntervalSince(now))) }
        }
        return nil
    }

    /// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
    static func httpDate(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT",
            let day = Int(parts[1]), let year = Int(parts[3]),
            let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
                .firstIndex(of: String(parts[2]))
        else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3 else { return nil }
        return Timestamp.makeDate(
            year: year, month: month + 1, day: day, hour: clock[0], minute: clock[1], second: clock[2])
    }
}
