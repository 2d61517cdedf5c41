import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Pipeline
import Sandbox
import TestSupport
import Testing

@testable import Extract

/// The HTTP limits of every request, over real loopback HTTP: a whole-request deadline, a body cap, redirects kept
/// within the API's origin, and 429 headers that cannot trap.
@Suite struct RESTClientTests {
    static let token = "cw-token-SENTINEL-7f3a"
    static let secretKey = "sk_test_SENTINEL_91b2"

    static func settings(timeoutSeconds: Int = 10, maxAttempts: Int = 3, maxBodyMebibytes: Int = 32) -> HTTPSettings {
        SandboxHarness.httpSettings(
            maxAttempts: maxAttempts, timeoutSeconds: timeoutSeconds, maxBodyMebibytes: maxBodyMebibytes)
    }

    static func chatwoot(baseURL: String, http: HTTPSettings = RESTClientTests.settings()) throws -> ChatwootSource {
        try ChatwootSource(
            configuration: .init(
                accountID: 1, apiAccessToken: token,
                settings: ChatwootExtractSettings(
                    common: ExtractSettings(
                        resources: ChatwootExtractSettings.resources, baseURL: baseURL, requestsPerMinute: 0)),
                http: http, organizationID: "org_test", options: ExtractOptions(jitterSeed: 1)),
            httpClient: .sharedForExtract, metrics: ExtractMetrics(), logger: SandboxHarness.logger)
    }

    static func clerk(
        baseURL: String, http: HTTPSettings = RESTClientTests.settings(), metrics: ExtractMetrics = ExtractMetrics()
    ) throws -> ClerkSource {
        try ClerkSource(
            configuration: .init(
                secretKey: secretKey,
                settings: ClerkExtractSettings(
                    common: ExtractSettings(
                        resources: ClerkExtractSettings.resources, baseURL: baseURL, requestsPerMinute: 0)),
                http: http, organizationID: "org_test", pageSize: 20, options: ExtractOptions(jitterSeed: 1)),
            httpClient: .sharedForExtract, metrics: metrics, logger: SandboxHarness.logger)
    }

    /// Reads every page and returns the records, or the `ExtractError` that ended the read.
    static func read<Record: Sendable>(_ pages: SourcePages<Record>) async throws -> Result<[Record], ExtractError> {
        do {
            return .success(try await collect(pages, id: { _ in UUID().uuidString }).records)
        } catch let error as ExtractError {
            return .failure(error)
        }
    }

    // MARK: Deadline

    @Test("a body that trickles forever ends at the deadline with a timeout, on every attempt")
    func trickleTimesOut() async throws {
        try await SandboxHarness.with(patients: 20) { harness in
            try await harness.setFaults("trickle:%1:1000")
            let metrics = ExtractMetrics()
            let cliniko = try harness.cliniko(
                metrics: metrics, http: Self.settings(timeoutSeconds: 1, maxAttempts: 2))
            let outcome = try await withTimeLimit(.seconds(60)) {
                try await Self.read(cliniko.businesses(since: nil))
            }
            guard case .failure(let error) = outcome else {
                Issue.record("a trickling body was read to the end")
                return
            }
            #expect(error.code == .timeout)
            #expect(error.attempts == 2)
            #expect(metrics.snapshot().errorsByKind["timeout"] == 2)
        }
    }

    @Test("a deadline expiry is retried like any timeout")
    func trickleIsRetried() async throws {
        try await SandboxHarness.with(patients: 20) { harness in
            try await harness.setFaults("trickle:@1:1000")
            let metrics = ExtractMetrics()
            let cliniko = try harness.cliniko(metrics: metrics, http: Self.settings(timeoutSeconds: 3))
            let businesses = try await withTimeLimit(.seconds(60)) {
                try await collect(cliniko.businesses(since: nil), id: \.id)
            }
            #expect(!businesses.records.isEmpty)
            #expect(metrics.snapshot().errorsByKind["timeout"] == 1)
            #expect(metrics.snapshot().retries == 1)
        }
    }

    @Test("cancelling the task ends a request whose body is still trickling")
    func cancellationEndsTheRequest() async throws {
        try await SandboxHarness.with(patients: 20) { harness in
            try await harness.setFaults("trickle:%1:1000")
            let cliniko = try harness.cliniko(http: Self.settings(timeoutSeconds: 600))
            let ended = try await withTimeLimit(.seconds(60)) {
                try await withThrowingTaskGroup(of: Bool.self) { group in
                    group.addTask {
                        do {
                            _ = try await collect(cliniko.businesses(since: nil), id: \.id)
                            return false
                        } catch {
                            return error is CancellationError
                        }
                    }
                    // Cancel once the request is in flight, its body trickling.
                    while try await Self.injectedFaults(harness) == 0 {
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    try await Task.sleep(for: .milliseconds(200))
                    group.cancelAll()
                    return try await group.next() ?? false
                }
            }
            #expect(ended)
            #expect(try await Self.injectedFaults(harness) == 1)
        }
    }

    /// How many faults the sandbox injected so far.
    static func injectedFaults(_ harness: SandboxHarness) async throws -> Int {
        let log = try JSONSerialization.jsonObject(with: Data(try await harness.control(.GET, "/faults")))
        return ((log as? [String: Any])?["injected"] as? [[String: Any]])?.count ?? 0
    }

    // MARK: Body cap

    @Test("a body above http.max_body_mib fails at once with responseTooLarge, without a retry")
    func bodyCap() async throws {
        try await LoopbackServer.with { router in
            router.get("/v1/users") { _, _ in
                var body = ByteBuffer(string: "[")
                body.writeRepeatingByte(UInt8(ascii: " "), count: 1 << 20)
                body.writeString("]")
                return Response(
                    status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
            }
        } _: { server in
            let clerk = try Self.clerk(baseURL: server.baseURL + "/v1", http: Self.settings(maxBodyMebibytes: 1))
            guard case .failure(let error) = try await Self.read(clerk.users(since: nil)) else {
                Issue.record("a body above the cap was accepted")
                return
            }
            #expect(error.code == .responseTooLarge)
            #expect(error.attempts == 1)
            #expect(error.description.contains("1 MiB"))
            #expect(server.recorder.received.count == 1)

            let roomy = try Self.clerk(baseURL: server.baseURL + "/v1", http: Self.settings(maxBodyMebibytes: 2))
            guard case .success(let users) = try await Self.read(roomy.users(since: nil)) else {
                Issue.record("a body below the cap was refused")
                return
            }
            #expect(users.isEmpty)
        }
    }

    @Test("max_body_mib is read from the pipeline's http: section, 32 MiB by default")
    func bodyCapSetting() throws {
        func parse(_ http: String) -> PipelineFileParser.Result {
            PipelineFileParser(configuration: .init(environment: [:])).parse(
                text:
                    "version: 1\nname: cap\nhttp:\n  contact_email: ops@example.com\n\(http)stages:\n  - extract: clerk\n",
                file: "cap.yml")
        }
        #expect(parse("").definition?.http.maxBodyMebibytes == 32)
        #expect(parse("  max_body_mib: 100\n").definition?.http.maxBodyMebibytes == 100)
        let tooLarge = parse("  max_body_mib: 2048\n")
        #expect(tooLarge.diagnostics.map(\.message) == ["'max_body_mib' must be between 1 and 1024, got 2048"])
    }

    // MARK: Redirects

    @Test("a redirect to another origin is refused, and that origin never receives the credential")
    func crossOriginRedirect() async throws {
        try await LoopbackServer.with { router in
            router.get("**") { _, _ in Response(status: .ok, headers: [.contentType: "application/json"]) }
        } _: { other in
            try await LoopbackServer.with { router in
                router.get("**") { request, _ in
                    let target = other.baseURL + request.uri.path + "?" + (request.uri.query ?? "") + "&leak=1"
                    return Response(status: .found, headers: [.location: target])
                }
            } _: { origin in
                let chatwoot = try Self.chatwoot(baseURL: origin.baseURL)
                let clerk = try Self.clerk(baseURL: origin.baseURL + "/v1")
                let outcomes: [Result<Void, ExtractError>] = [
                    try await Self.read(chatwoot.contacts(since: nil)).map { _ in },
                    try await Self.read(clerk.users(since: nil)).map { _ in },
                ]
                for outcome in outcomes {
                    guard case .failure(let error) = outcome else {
                        Issue.record("a cross-origin redirect was followed")
                        continue
                    }
                    #expect(error.code == .redirectRefused)
                    #expect(error.attempts == 1)
                    let otherPort = other.baseURL.split(separator: ":").last.map(String.init) ?? ""
                    #expect(error.description.contains("http://127.0.0.1:\(otherPort)"))
                    #expect(!error.description.contains("leak"))
                    #expect(!error.description.contains("SENTINEL"))
                }
                #expect(origin.recorder.received.count == 2)
                #expect(other.recorder.received.isEmpty)
                #expect(
                    other.recorder.received.allSatisfy { request in
                        !request.headers.contains { $0.value.contains("SENTINEL") }
                    })
            }
        }
    }

    @Test("a same-origin redirect is followed, with its credential, up to a limit")
    func sameOriginRedirect() async throws {
        try await LoopbackServer.with { router in
            router.get("/v1/users") { request, _ in
                Response(status: .temporaryRedirect, headers: [.location: "/moved/users?" + (request.uri.query ?? "")])
            }
            router.get("/moved/users") { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: "[]")))
            }
            router.get("/v1/organizations") { _, _ in
                Response(status: .movedPermanently, headers: [.location: "/v1/organizations"])
            }
        } _: { server in
            let clerk = try Self.clerk(baseURL: server.baseURL + "/v1")
            guard case .success(let users) = try await Self.read(clerk.users(since: nil)) else {
                Issue.record("a same-origin redirect was refused")
                return
            }
            #expect(users.isEmpty)
            let received = server.recorder.received
            #expect(received.map(\.path) == ["/v1/users", "/moved/users"])
            #expect(received.allSatisfy { $0.headers[.authorization] == "Bearer \(Self.secretKey)" })
            #expect(received.count == 2 && received[0].query == received[1].query)

            guard case .failure(let error) = try await Self.read(clerk.organizations()) else {
                Issue.record("a redirect loop did not end")
                return
            }
            #expect(error.code == .redirectRefused)
            #expect(error.description.contains("more than 5 redirects"))
            #expect(server.recorder.received.count == 2 + 6)
        }
    }

    @Test("the redirect decision: same origin only, never https to http, never a path or query in the reason")
    func redirectDecision() {
        let from = "https://api.example.com/v1/users?limit=10&token=abc"
        #expect(
            RedirectPolicy.decide(from: from, location: "/v2/users?x=1")
                == .follow("https://api.example.com/v2/users?x=1"))
        #expect(
            RedirectPolicy.decide(from: from, location: "https://API.example.com:443/v2")
                == .follow("https://API.example.com:443/v2"))
        #expect(
            RedirectPolicy.decide(from: "http://127.0.0.1:8089/a", location: "http://127.0.0.1:8089/b")
                == .follow("http://127.0.0.1:8089/b"))
        let refusals = [
            RedirectPolicy.decide(from: from, location: "http://api.example.com/v1/users?key=SECRET"),
            RedirectPolicy.decide(from: from, location: "https://evil.example/p?key=SECRET"),
            RedirectPolicy.decide(from: from, location: "https://api.example.com:8443/v1?key=SECRET"),
            RedirectPolicy.decide(from: from, location: "https://user:SECRET@api.example.com/v1"),
            RedirectPolicy.decide(from: from, location: "ftp://api.example.com/SECRET"),
            RedirectPolicy.decide(from: from, location: nil),
            RedirectPolicy.decide(from: "http://127.0.0.1:8089/a", location: "http://127.0.0.1:8090/b?key=SECRET"),
        ]
        for decision in refusals {
            guard case .refuse(let reason) = decision else {
                Issue.record("followed \(decision)")
                continue
            }
            #expect(!reason.contains("SECRET") && !reason.contains("token") && !reason.contains("/v1"))
        }
        #expect(
            refusals[0]
                == .refuse(
                    "a redirect from https://api.example.com:443 to http://api.example.com:80: from https to http"))
        #expect(
            refusals[1]
                == .refuse(
                    "a redirect from https://api.example.com:443 to https://evil.example:443: another origin, and requests carry credentials"
                ))
    }

    // MARK: Rate-limit headers

    @Test("a 429 asking for 1e30 s fails cleanly; inf and nan fall back to backoff and the request succeeds")
    func absurdRateLimitHeaders() async throws {
        try await LoopbackServer.with { router in
            router.get("/huge/users") { _, _ in
                Response(status: .tooManyRequests, headers: [.retryAfter: "1e30"])
            }
            router.get("/epoch/users") { _, _ in
                Response(status: .tooManyRequests, headers: [HTTPField.Name("X-RateLimit-Reset")!: "1e30"])
            }
            let calls = CallCounter()
            for (path, value) in [("inf", "inf"), ("nan", "nan")] {
                router.get(RouterPath("/\(path)/users")) { _, _ in
                    guard calls.next(path) > 1 else {
                        return Response(status: .tooManyRequests, headers: [.retryAfter: value])
                    }
                    return Response(
                        status: .ok, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: "[]")))
                }
            }
        } _: { server in
            for prefix in ["huge", "epoch"] {
                let clerk = try Self.clerk(baseURL: server.baseURL + "/" + prefix)
                guard case .failure(let error) = try await Self.read(clerk.users(since: nil)) else {
                    Issue.record("\(prefix): a wait of 1e30 s was accepted")
                    continue
                }
                #expect(error.code == .rateLimitedTooLong)
                #expect(error.description.contains("longer than the allowed 900 s"))
            }
            for prefix in ["inf", "nan"] {
                let metrics = ExtractMetrics()
                let clerk = try Self.clerk(baseURL: server.baseURL + "/" + prefix, metrics: metrics)
                guard case .success = try await Self.read(clerk.users(since: nil)) else {
                    Issue.record("\(prefix): the request did not succeed after the 429")
                    continue
                }
                #expect(metrics.snapshot().rateLimitedResponses == 1)
            }
        }
    }

    // MARK: Base URLs

    @Test("a source refuses a plain-http base URL to a public host, wherever it came from")
    func plainHTTPBaseURL() throws {
        let chatwoot = #expect(throws: ExtractError.self) { try Self.chatwoot(baseURL: "http://chatwoot.example.com") }
        #expect(chatwoot?.code == .invalidConfiguration)
        #expect(chatwoot.map { !$0.description.contains("chatwoot.example.com") } == true)
        let clerk = #expect(throws: ExtractError.self) { try Self.clerk(baseURL: "http://api.clerk.com/v1") }
        #expect(clerk?.code == .invalidConfiguration)
        _ = try Self.chatwoot(baseURL: "http://127.0.0.1:9")
        _ = try Self.chatwoot(baseURL: "https://chatwoot.example.com")
    }
}
