/// Exponential backoff with full jitter: before retry `n` (1-based) wait a uniformly random time in
/// `0...min(maximum, initial · 2^(n−1))`.
struct BackoffPolicy: Sendable, Hashable {
    /// The first retry's ceiling.
    var initial: Duration
    /// The largest ceiling.
    var maximum: Duration

    /// The ceiling of the wait before retry `retry` (1-based).
    func ceiling(forRetry retry: Int) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        let ceiling = initial.seconds * Double(1 << exponent)
        return .seconds(min(ceiling, maximum.seconds))
    }

    /// The wait before retry `retry`: `fraction` (in `0..<1`) of its ceiling.
    func delay(forRetry retry: Int, fraction: Double) -> Duration {
        .seconds(ceiling(forRetry: retry).seconds * min(max(fraction, 0), 1))
    }
}
