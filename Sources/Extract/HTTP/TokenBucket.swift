/// A token bucket sized so that no rolling window of the API's length ever sees more than its limit.
///
/// A bucket of capacity `C` refilling at `r` per second admits at most `C + r·W` requests in any window of `W`
/// seconds. With `C = max(1, limit/20)` and `r = (limit − 2C)/W` that stays below the limit with a margin for
/// network jitter: Cliniko's 200 per minute becomes a burst of 10 and 3 requests per second, the fact sheet's
/// "about 3 req/s per key"; Clerk's 100 per 10 s becomes a burst of 5 and 9 per second.
///
/// The bucket works on plain seconds from an arbitrary origin so it can be tested without a clock. Tokens may go
/// negative: a reservation takes its token at once and is told how long to wait, which keeps callers in FIFO
/// order.
struct TokenBucket: Sendable, Hashable {
    /// The largest burst.
    let capacity: Double
    /// Tokens added per second.
    let refillPerSecond: Double
    /// Tokens available now (negative when reservations are queued).
    private(set) var tokens: Double
    /// The instant `tokens` was last brought up to date; in the future while paused by a 429.
    private(set) var updatedAt: Double

    /// Creates a full bucket for `limit` requests per `window` seconds.
    ///
    /// - Precondition: `limit > 0` and `window > 0`.
    init(limit: Int, window: Double, now: Double) {
        precondition(limit > 0 && window > 0, "a token bucket needs a positive limit and window")
        let capacity = max(1, Double(limit / 20))
        self.capacity = capacity
        refillPerSecond = max(Double(limit) - 2 * capacity, 1) / window
        tokens = capacity
        updatedAt = now
    }

    /// Takes one token and returns how many seconds the caller must wait before sending.
    mutating func reserve(at now: Double) -> Double {
        refill(at: now)
        tokens -= 1
        let start = max(updatedAt, now)
        let queueDelay = tokens >= 0 ? 0 : -tokens / refillPerSecond
        return start - now + queueDelay
    }

    /// Stops handing out tokens until `until` (a 429 said the window resets then); one token is available at that
    /// instant and the rest refill at the normal rate.
    mutating func pause(until: Double, now: Double) {
        refill(at: now)
        guard until > updatedAt else { return }
        tokens = min(tokens, 1)
        updatedAt = until
    }

    private mutating func refill(at now: Double) {
        guard now > updatedAt else { return }
        tokens = min(capacity, tokens + (now - updatedAt) * refillPerSecond)
        updatedAt = now
    }
}
