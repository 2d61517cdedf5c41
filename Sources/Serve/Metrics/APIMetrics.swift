import Foundation
import Synchronization

/// The server's counters, exposed at `/metrics` in the Prometheus text format: requests by route template and
/// status, a latency histogram per route, authentication failures by reason, and database pool use.
public final class APIMetrics: Sendable {
    /// The latency histogram's upper bounds, in seconds.
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct RouteKey: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    private struct Histogram {
        var counts = [Int](repeating: 0, count: APIMetrics.buckets.count)
        var sum = 0.0
        var total = 0
    }

    private struct State {
        var requests: [RouteKey: Int] = [:]
        var latency: [String: Histogram] = [:]
        var authenticationFailures: [String: Int] = [:]
        var leasesInUse = 0
        var leaseTimeouts = 0
    }

    private let state = Mutex(State())
    private let poolSize: Int

    /// - Parameter poolSize: The database pool's size, reported as `routiq_api_db_pool_size`.
    public init(poolSize: Int) {
        self.poolSize = poolSize
    }

    /// Counts one answered request.
    public func recordRequest(method: String, route: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.requests[RouteKey(method: method, route: route, status: status), default: 0] += 1
            var histogram = state.latency[route] ?? Histogram()
            if let bucket = Self.buckets.firstIndex(where: { seconds <= $0 }) { histogram.counts[bucket] += 1 }
            histogram.sum += seconds
            histogram.total += 1
            state.latency[route] = histogram
        }
    }

    /// Counts one refused token, by reason code.
    public func recordAuthenticationFailure(reason: String) {
        state.withLock { $0.authenticationFailures[reason, default: 0] += 1 }
    }

    /// A database connection was leased (`+1`) or returned (`-1`).
    public func recordLease(_ delta: Int) {
        state.withLock { $0.leasesInUse += delta }
    }

    /// No connection became free within the lease timeout.
    public func recordLeaseTimeout() {
        state.withLock { $0.leaseTimeouts += 1 }
    }

    /// The Prometheus text exposition (version 0.0.4).
    public func exposition() -> String {
        let state = state.withLock { $0 }
        var lines: [String] = []
        lines.append("# HELP routiq_api_requests_total Requests answered, by method, route template and status.")
        lines.append("# TYPE routiq_api_requests_total counter")
        for (key, count) in state.requests.sorted(by: { ($0.key.route, $0.key.status) < ($1.key.route, $1.key.status) })
        {
            lines.append(
                "routiq_api_requests_total{method=\"\(escape(key.method))\",route=\"\(escape(key.route))\",status=\"\(key.status)\"} \(count)"
            )
        }
        lines.append("# HELP routiq_api_request_duration_seconds Time from routing to response, by route template.")
        lines.append("# TYPE routiq_api_request_duration_seconds histogram")
        for (route, histogram) in state.latency.sorted(by: { $0.key < $1.key }) {
            var cumulative = 0
            for (bound, count) in zip(Self.buckets, histogram.counts) {
                cumulative += count
                lines.append(
                    "routiq_api_request_duration_seconds_bucket{route=\"\(escape(route))\",le=\"\(bound)\"} \(cumulative)"
                )
            }
            lines.append(
                "routiq_api_request_duration_seconds_bucket{route=\"\(escape(route))\",le=\"+Inf\"} \(histogram.total)")
            lines.append("routiq_api_request_duration_seconds_sum{route=\"\(escape(route))\"} \(histogram.sum)")
            lines.append("routiq_api_request_duration_seconds_count{route=\"\(escape(route))\"} \(histogram.total)")
        }
        lines.append("# HELP routiq_api_auth_failures_total Refused session tokens, by reason.")
        lines.append("# TYPE routiq_api_auth_failures_total counter")
        for (reason, count) in state.authenticationFailures.sorted(by: { $0.key < $1.key }) {
            lines.append("routiq_api_auth_failures_total{reason=\"\(escape(reason))\"} \(count)")
        }
        lines.append("# HELP routiq_api_db_connections_in_use Database connections leased by requests now.")
        lines.append("# TYPE routiq_api_db_connections_in_use gauge")
        lines.append("routiq_api_db_connections_in_use \(state.leasesInUse)")
        lines.append("# HELP routiq_api_db_pool_size The most database connections the server opens.")
        lines.append("# TYPE routiq_api_db_pool_size gauge")
        lines.append("routiq_api_db_pool_size \(poolSize)")
        lines.append("# HELP routiq_api_db_lease_timeouts_total Requests that found no free connection in time.")
        lines.append("# TYPE routiq_api_db_lease_timeouts_total counter")
        lines.append("routiq_api_db_lease_timeouts_total \(state.leaseTimeouts)")
        return lines.joined(separator: "\n") + "\n"
    }

    private func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
