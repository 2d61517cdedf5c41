import AsyncHTTPClient
import ClerkAuth
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Pipeline
import PostgresNIO
import Report
import Runner
import Sandbox
import Serve
import TestSupport

/// A running `routiq serve` for one test: a fresh migrated database seeded with the sandbox's two organizations
/// (patients, activity, runs, and the report stage's real documents), the sandbox as the Clerk instance, and the
/// API on a loopback port, all over real sockets.
struct APIHarness: Sendable {
    /// An HTTP answer.
    struct Reply: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }

        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
                throw HarnessError("not a JSON object: \(text.prefix(200))")
            }
            return object
        }

        /// The problem document without its request id (which differs per request).
        func problemWithoutRequestID() throws -> [String: String] {
            var object = try json()
            object.removeValue(forKey: "request_id")
            return object.mapValues { "\($0)" }
        }
    }

    let client: PostgresClient
    let sandbox: SandboxEndpoints
    let baseURL: String
    let server: APIServer
    let outputDirectory: URL
    let port: Int

    /// A client that leaves `Accept-Encoding` and compressed bodies alone, so the tests see what the server sends.
    static let httpClient = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: .init(decompression: .disabled))
    /// The sandbox's organizations, both seeded.
    var organizationA: String { sandbox.organizations[0].id }
    var organizationB: String { sandbox.organizations[1].id }

    /// Runs `body` against a running API.
    static func withAPI<Result: Sendable>(
        configure: (inout APIServer.Configuration) -> Void = { _ in },
        poolSize: Int? = nil,
        _ body: (APIHarness) async throws -> Result
    ) async throws -> Result {
        var logger = Logger(label: "routiq.serve.test")
        logger.logLevel = .warning
        let sandboxConfiguration = SandboxServer.Configuration(
            port: 0, seed: 7, organizationCount: 2, patientsPerOrganization: 5, now: APISeed.now,
            rateLimits: .unlimited)
        return try await withRunningSandbox(configuration: sandboxConfiguration, logger: logger) { endpoints in
            try await TestDatabase.withFreshDatabase(maximumConnections: poolSize) { client, _ in
                let organizations = endpoints.organizations.map(\.id)
                try await APISeed.seed(organizations: organizations, client: client, logger: logger)
                let output = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "routiq-serve-\(UUID().uuidString)", isDirectory: true)
                defer { try? FileManager.default.removeItem(at: output) }
                let generator = ReportGenerator(configuration: .init(outputDirectory: output))
                for organization in organizations {
                    try await generator.generate(
                        organization: organization, asOf: APISeed.now, runID: APISeed.runID,
                        warehouse: WarehouseReportAccess(client: client), logger: logger)
                }
                let fetcher = try JWKSHTTPFetcher(url: endpoints.clerkJWKSURL, httpClient: HTTPClient.shared)
                let verifier = SessionTokenVerifier(
                    configuration: .init(
                        issuer: endpoints.clerkFrontendAPIURL, authorizedParties: ["http://localhost:3000"]),
                    fetchJWKS: { try await fetcher.fetch() })
                try await verifier.start()
                var configuration = APIServer.Configuration()
                configuration.port = 0
                if let poolSize { configuration.poolSize = poolSize }
                configure(&configuration)
                let server = APIServer(
                    configuration: configuration, client: client, verifier: verifier, now: { APISeed.now })
                return try await server.serve(logger: logger) { addresses, _ in
                    let harness = APIHarness(
                        client: client, sandbox: endpoints, baseURL: "http://127.0.0.1:\(addresses.port)",
                        server: server, outputDirectory: output, port: addresses.port)
                    return try await body(harness)
                }
            }
        }
    }

    /// GET `path` (with its query) with a bearer `token` when given, and `headers`.
    func get(_ path: String, token: String? = nil, headers: [(String, String)] = []) async throws -> Reply {
        try await request(path, method: .GET, token: token, headers: headers)
    }

    func request(
        _ path: String, method: HTTPMethod, token: String? = nil, headers: [(String, String)] = [],
        body: [UInt8]? = nil
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await Self.httpClient.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Array(buffer: bytes))
    }

    /// A token minted by the sandbox's Clerk (`POST /_sandbox/token`); `request` holds its overrides
    /// (`organization_id`, `version`, `expires_in`, `azp`, `kid`, `algorithm`, `session_status`, `issuer`, …).
    func token(_ request: [String: Any]) async throws -> String {
        var http = HTTPClientRequest(url: sandbox.controlURL + "/token")
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json")
        http.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: request)))
        let response = try await HTTPClient.shared.execute(http, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok,
            let object = try JSONSerialization.jsonObject(with: Data(buffer: bytes)) as? [String: Any],
            let token = object["token"] as? String
        else {
            throw HarnessError("the sandbox minted no token: \(String(buffer: bytes))")
        }
        return token
    }

    /// A valid v2 token for `organization`.
    func token(for organization: String) async throws -> String {
        try await token(["organization_id": organization, "expires_in": 600])
    }

    /// The organization-scoped routes, with `organization` in place.
    static func organizationRoutes(_ organization: String) -> [String] {
        [
            "/\(organization)/summary", "/\(organization)/report.html", "/\(organization)/patients",
            "/\(organization)/patients/with-appointments", "/\(organization)/patients/by-appointment-type/initial",
            "/\(organization)/patients/appointment-types/summary", "/sync/\(organization)/status",
            "/sync/\(organization)/logs",
        ]
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
