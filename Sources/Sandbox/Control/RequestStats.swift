/// Counts requests per API, route, status code and credential for `GET /_sandbox/stats`.
actor RequestStats {
    /// The counters, as served.
    struct Snapshot: Codable, Sendable {
        var total: Int
        var apis: [String: Int]
        var routes: [String: Int]
        var statuses: [String: Int]
        var credentials: [String: Int]
        var faults: [String: Int]
    }

    private var snapshot = Snapshot(total: 0, apis: [:], routes: [:], statuses: [:], credentials: [:], faults: [:])

    func record(api: String, route: String, status: Int, credential: String, fault: FaultKind?) {
        snapshot.total += 1
        snapshot.apis[api, default: 0] += 1
        snapshot.routes[route, default: 0] += 1
        snapshot.statuses[String(status), default: 0] += 1
        snapshot.credentials[credential, default: 0] += 1
        if let fault { snapshot.faults[fault.rawValue, default: 0] += 1 }
    }

    func current() -> Snapshot { snapshot }

    func reset() {
        snapshot = Snapshot(total: 0, apis: [:], routes: [:], statuses: [:], credentials: [:], faults: [:])
    }
}
