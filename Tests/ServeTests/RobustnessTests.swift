import Foundation
import PostgresNIO
import Testing

/// The bounds a request lives within, and the headers every answer carries.
@Suite("Robustness: request ids, limits, timeouts, CORS and security headers")
struct RobustnessTests {
    @Test("a safe X-Request-Id is echoed; an unsafe one is replaced; every answer has one")
    func requestIDs() async throws {
        try await APIHarness.withAPI { api in
            let echoed = try await api.get("/health", headers: [("X-Request-Id", "dashboard-42.a_b")])
            #expect(echoed.headers["X-Request-Id"].first == "dashboard-42.a_b")
            let unsafe = try await api.get("/health", headers: [("X-Request-Id", "bad id\" <script>")])
            let replaced = try #require(unsafe.headers["X-Request-Id"].first)
            #expect(replaced.count == 32 && replaced.allSatisfy(\.isHexDigit))
            let long = try await api.get("/health", headers: [("X-Request-Id", String(repeating: "a", count: 129))])
            #expect(long.headers["X-Request-Id"].first?.count == 32)
            let problem = try await api.get("/\(api.organizationA)/summary", headers: [("X-Request-Id", "trace-1")])
            #expect(try problem.json()["request_id"] as? String == "trace-1")
        }
    }

    @Test("unknown routes and methods other than GET/HEAD are 404, bodies 413 — all problem documents")
    func methodsAndBodies() async throws {
        try await APIHarness.withAPI { api in
            let token = try await api.token(for: api.organizationA)
            let missing = try await api.get("/nowhere/at/all", token: token)
            #expect(missing.status == 404)
            #expect(missing.headers["Content-Type"].first == "application/problem+json")
            let post = try await api.request("/\(api.organizationA)/summary", method: .POST, token: token)
            #expect(post.status == 404)
            #expect(post.headers["Content-Type"].first == "application/problem+json")
            let body = try await api.request(
                "/\(api.organizationA)/summary", method: .GET, token: token, body: Array("{}".utf8))
            #expect(body.status == 413)
            #expect(body.headers["Content-Type"].first == "application/problem+json")
            let head = try await api.request("/\(api.organizationA)/summary", method: .HEAD, token: token)
            #expect(head.status == 200)
        }
    }

    @Test("with the pool's only connection busy, a request gets a 503 with Retry-After within the lease timeout")
    func leaseTimeout() async throws {
        try await APIHarness.withAPI(
            configure: { configuration in
                configuration.leaseTimeout = .milliseconds(300)
            }, poolSize: 1
        ) { api in
            let token = try await api.token(for: api.organizationA)
            let hold = try await ConnectionHold.take(from: api.client)
            let started = ContinuousClock.now
            let reply = try await api.get("/\(api.organizationA)/patients", token: token)
            let waited = ContinuousClock.now - started
            try await hold.release()
            #expect(reply.status == 503)
            #expect(reply.headers["Retry-After"].first != nil)
            // The connection is held until after the reply, so without the lease timeout the request would never be
            // answered; the bound is loose because the test shares two cores with the rest of the suite.
            #expect(waited < .seconds(30))
            let metrics = try await api.get("/metrics").text
            #expect(metrics.contains("routiq_api_db_lease_timeouts_total 1"))
            #expect(try await api.get("/\(api.organizationA)/patients", token: token).status == 200)
        }
    }

    @Test("a request past its deadline is answered with 503 at the deadline, not when the read ends")
    func requestDeadline() async throws {
        try await APIHarness.withAPI(
            configure: { configuration in
                configuration.requestDeadline = .milliseconds(500)
                configuration.leaseTimeout = .seconds(30)
            }, poolSize: 1
        ) { api in
            let token = try await api.token(for: api.organizationA)
            let hold = try await ConnectionHold.take(from: api.client)
            let started = ContinuousClock.now
            let reply = try await api.get("/\(api.organizationA)/summary", token: token)
            let waited = ContinuousClock.now - started
            try await hold.release()
            #expect(reply.status == 503)
            // The connection is held until after the reply, so without the lease timeout the request would never be
            // answered; the bound is loose because the test shares two cores with the rest of the suite.
            #expect(waited < .seconds(30))
        }
    }

    @Test("CORS: nothing by default; an allowed origin gets its headers and a preflight answer")
    func cors() async throws {
        try await APIHarness.withAPI { api in
            let reply = try await api.get("/health", headers: [("Origin", "https://evil.example")])
            #expect(reply.headers["Access-Control-Allow-Origin"].isEmpty)
        }
        try await APIHarness.withAPI(configure: { $0.corsOrigins = ["https://dash.example"] }) { api in
            let allowed = try await api.get("/health", headers: [("Origin", "https://dash.example")])
            #expect(allowed.headers["Access-Control-Allow-Origin"].first == "https://dash.example")
            let other = try await api.get("/health", headers: [("Origin", "https://evil.example")])
            #expect(other.headers["Access-Control-Allow-Origin"].isEmpty)
            let preflight = try await api.request(
                "/\(api.organizationA)/patients", method: .OPTIONS,
                headers: [("Origin", "https://dash.example"), ("Access-Control-Request-Method", "GET")])
            #expect(preflight.status == 204)
            #expect(preflight.headers["Access-Control-Allow-Headers"].first?.contains("Authorization") == true)
        }
    }

    @Test("health, readiness, metrics and the OpenAPI document need no token")
    func operationalRoutes() async throws {
        try await APIHarness.withAPI { api in
            #expect(try await api.get("/health").status == 200)
            #expect(try await api.get("/ready").text == #"{"status":"ready"}"#)
            #expect(try await api.get("/openapi.json").status == 200)
            let token = try await api.token(for: api.organizationA)
            _ = try await api.get("/\(api.organizationA)/patients", token: token)
            let metrics = try await api.get("/metrics")
            #expect(metrics.headers["Content-Type"].first?.hasPrefix("text/plain") == true)
            #expect(
                metrics.text.contains(
                    #"routiq_api_requests_total{method="GET",route="/{org_id}/patients",status="200"} 1"#))
            #expect(metrics.text.contains("routiq_api_request_duration_seconds_bucket"))
            #expect(!metrics.text.contains(api.organizationA))
        }
        try await APIHarness.withAPI(configure: { $0.metricsPort = 0 }) { api in
            let reply = try await api.get("/metrics")
            #expect(reply.status == 404)
        }
    }
}
