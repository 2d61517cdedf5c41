import Foundation

/// Rolling-window request limiter keyed by credential, on the wall clock (not the simulated one), so
/// `X-RateLimit-Reset` and `Retry-After` are directly usable by clients.
actor RateLimiter {
    private var windows: [String: [Double]] = [:]

    /// Records a request for `key` under `limit`; returns `nil` when allowed, or the unix time (seconds) at
    /// which the oldest counted request leaves the window.
    func admit(_ key: String, limit: RateLimits.Limit?) -> Double? {
        guard let limit else { return nil }
        let now = Date().timeIntervalSince1970
        var window = windows[key, default: []]
        let cutoff = now - Double(limit.seconds)
        if let firstKept = window.firstIndex(where: { $0 > cutoff }) {
            if firstKept > 0 { window.removeFirst(firstKept) }
        } else {
            window.removeAll(keepingCapacity: true)
        }
        if window.count >= limit.requests {
            windows[key] = window
            return window[0] + Double(limit.seconds)
        }
        window.append(now)
        windows[key] = window
        return nil
    }

    /// Forgets every window.
    func reset() {
        windows = [:]
    }
}
