import Foundation

/// Reads how long an API asks us to wait after a 429.
///
/// Cliniko sends `X-RateLimit-Reset: <unix epoch seconds>` (fact sheet §A.7); Clerk sends `Retry-After: <seconds>`
/// (§C.5), which HTTP also allows as an HTTP-date; Chatwoot's Rack::Attack sends neither (§B.6), in which case the
/// caller falls back to exponential backoff.
///
/// The values come from the network, so nothing here trusts them: a value that is not a finite number (`inf`,
/// `nan`) counts as absent, a negative wait as none, and a wait beyond the caller's maximum (`1e30`) is reported as
/// too long without ever being turned into a `Duration` (which would trap).
enum RateLimitHeaders {
    /// What a 429's headers ask for.
    enum Wait: Sendable, Hashable {
        /// Neither header is present and usable: back off instead.
        case unspecified
        /// Wait this long; zero when the reset is already past. Never more than the maximum asked about.
        case delay(Duration)
        /// The headers ask for a wait longer than the maximum.
        case longerThanAllowed
    }

    /// The wait the headers ask for, checked against `maximum`.
    ///
    /// - Parameters:
    ///   - rateLimitReset: The `X-RateLimit-Reset` value.
    ///   - retryAfter: The `Retry-After` value.
    ///   - now: The current wall-clock time.
    ///   - maximum: The longest wait the caller accepts.
    static func wait(rateLimitReset: String?, retryAfter: String?, now: Date, maximum: Duration) -> Wait {
        guard let seconds = seconds(rateLimitReset: rateLimitReset, retryAfter: retryAfter, now: now) else {
            return .unspecified
        }
        guard seconds <= maximum.seconds else { return .longerThanAllowed }
        return .delay(.seconds(seconds))
    }

    /// The wait the headers ask for in seconds: finite and at least zero, but unbounded; `nil` when neither header is
    /// present and usable.
    ///
    /// - Parameters:
    ///   - rateLimitReset: The `X-RateLimit-Reset` value.
    ///   - retryAfter: The `Retry-After` value.
    ///   - now: The current wall-clock time.
    static func seconds(rateLimitReset: String?, retryAfter: String?, now: Date) -> Double? {
        if let value = rateLimitReset.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }), value.isFinite {
            // Epoch seconds; small values are taken as "seconds from now", which some APIs send.
            let seconds = value > 1_000_000_000 ? value - now.timeIntervalSince1970 : value
            return seconds.isFinite ? max(0, seconds) : nil
        }
        if let retryAfter = retryAfter?.trimmingCharacters(in: .whitespaces) {
            if let seconds = Double(retryAfter) { return seconds.isFinite ? max(0, seconds) : nil }
            if let date = httpDate(retryAfter) {
                let seconds = date.timeIntervalSince(now)
                return seconds.isFinite ? max(0, seconds) : nil
            }
        }
        return nil
    }

    /// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`); `nil` for anything else, including out-of-range
    /// fields.
    static func httpDate(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", parts[1].count <= 2, parts[3].count == 4,
            let day = Int(parts[1]), let year = Int(parts[3]),
            let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
                .firstIndex(of: String(parts[2]))
        else { return nil }
        let clock = parts[4].split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 3, clock.allSatisfy({ $0.count == 2 }) else { return nil }
        let fields = clock.compactMap { Int($0) }
        guard fields.count == 3, fields[0] < 24, fields[1] < 60, fields[2] < 61, fields.allSatisfy({ $0 >= 0 }) else {
            return nil
        }
        return Timestamp.makeDate(
            year: year, month: month + 1, day: day, hour: fields[0], minute: fields[1], second: fields[2])
    }
}
