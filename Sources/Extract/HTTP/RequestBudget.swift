import Synchronization

/// The proactive request budget of one credential: a ``TokenBucket`` that every request waits on, and that a 429
/// pauses until the API's reset time.
///
/// Share one budget between every source that uses the same credential (for example one Clerk secret key used for
/// several organizations), so the sum of their requests stays within the API's limit.
public final class RequestBudget: Sendable {
    private let bucket: Mutex<TokenBucket>
    private let origin: ContinuousClock.Instant
    private let clock = ContinuousClock()

    /// Creates a budget of `limit` requests per rolling window.
    ///
    /// - Parameters:
    ///   - limit: The API's limit per window (e.g. 200 for Cliniko, 100 for Clerk).
    ///   - window: The API's window (60 s for Cliniko, 10 s for Clerk).
    /// - Precondition: `limit > 0` and `window > 0`.
    public init(limit: Int, per window: Duration) {
        origin = clock.now
        bucket = Mutex(TokenBucket(limit: limit, window: window.seconds, now: 0))
    }

    /// Creates the budget for an extract's `requestsPerMinute` setting in the API's native window, or `nil` when
    /// the setting is 0 or less (no proactive limit).
    ///
    /// - Parameters:
    ///   - requestsPerMinute: The configured budget per minute.
    ///   - window: The API's own window: the budget is scaled to it (600 per minute is 100 per 10 s).
    public static func perMinute(_ requestsPerMinute: Int, window: Duration = .seconds(60)) -> RequestBudget? {
        guard requestsPerMinute > 0 else { return nil }
        let limit = max(1, Int((Double(requestsPerMinute) * window.seconds / 60).rounded(.down)))
        return RequestBudget(limit: limit, per: window)
    }

    /// Waits for a token.
    ///
    /// - Returns: How long the caller waited.
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    func acquire() async throws -> Duration {
        let now = (clock.now - origin).seconds
        let delay = bucket.withLock { $0.reserve(at: now) }
        guard delay > 0 else { return .zero }
        let wait = Duration.seconds(delay)
        try await Task.sleep(for: wait)
        return wait
    }

    /// Holds every request back for `delay` (a 429 told us when the API's window resets).
    func pause(for delay: Duration) {
        let now = (clock.now - origin).seconds
        bucket.withLock { $0.pause(until: now + delay.seconds, now: now) }
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The duration in whole milliseconds.
    var milliseconds: Int {
        Int((seconds * 1000).rounded())
    }
}
