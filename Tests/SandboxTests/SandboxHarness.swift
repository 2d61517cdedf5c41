import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import Sandbox
import Testing

/// Runs a real sandbox on a free loopback port and talks to it over HTTP.
struct SandboxHarness: Sendable {
    /// A response, fully read.
    struct Reply: Sendable {
        var status: Int
        var headers: HTTPFields
        var body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }

        func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(body)) }
        func object() throws -> [String: Any] { try #require(try json() as? [String: Any]) }
        func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }
    }

    static let userAgent = "RoutIQ tests (dev@routiq.example)"
    static let now = ISO8601DateFormatter().date(from: "2026-03-01T09:00:00Z")!

    let endpoints: SandboxEndpoints
    let port: Int

    /// Starts a sandbox with the test defaults (seed 42, 2 organizations, 300 patients, fixed `now`).
    static func with<T: Sendable>(
        seed: UInt64 = 42, organizations: Int = 2, patients: Int = 300, faults: FaultSpec = FaultSpec(),
        rateLimits: RateLimits = .unlimited, _ body: (SandboxHarness) async throws -> T
    ) async throws -> T {
        let configuration = SandboxServer.Configuration(
            port: 0, seed: seed, organizationCount: organizations, patientsPerOrganization: patients, now: now,
            faults: faults, rateLimits: rateLimits
        )
        var logger = Logger(label: "sandbox-tests")
        logger.logLevel = .warning
        return try await withRunningSandbox(configuration: configuration, logger: logger) { endpoints in
            let port = Int(endpoints.baseURL.split(separator: ":").last ?? "0") ?? 0
            return try await body(SandboxHarness(endpoints: endpoints, port: port))
        }
    }

    var organization: SimulatedOrganization { endpoints.organizations[0] }

    /// Sends one request on a fresh connection; `url` may be absolute (as in pagination links) or a path.
    func request(
        _ url: String, method: HTTPRequest.Method = .get, headers: HTTPFields = [:], body: String? = nil
    ) async throws -> Reply {
        let path = url.hasPrefix("http") ? String(url.dropFirst(endpoints.baseURL.count)) : url
        let request = TestClient.Request(
            path, method: method, authority: "127.0.0.1:\(port)", headers: headers,
            body: body.map { ByteBuffer(string: $0) }
        )
        return try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            let response = try await client.execute(request)
            return Reply(
                status: Int(response.status.code), headers: response.headers,
                body: response.body.map { Array($0.readableBytesView) } ?? []
            )
        }
    }

    /// Cliniko GET with Basic auth and a proper User-Agent for `organization`.
    func cliniko(_ pathOrURL: String, organization: SimulatedOrganization? = nil) async throws -> Reply {
        let org = organization ?? self.organization
        let url = pathOrURL.hasPrefix("http") ? pathOrURL : "\(org.clinikoBaseURL)\(pathOrURL)"
        return try await request(url, headers: Self.clinikoHeaders(key: org.clinikoAPIKey))
    }

    static func clinikoHeaders(key: String, userAgent: String? = SandboxHarness.userAgent) -> HTTPFields {
        var headers: HTTPFields = [
            .authorization: "Basic " + Data("\(key):".utf8).base64EncodedString(), .accept: "application/json",
        ]
        if let userAgent { headers[.userAgent] = userAgent }
        return headers
    }

    /// Follows `links.next` from `path` and returns every record of `key` in order, plus the page count.
    func clinikoAll(_ path: String, key: String) async throws -> (records: [[String: Any]], pages: Int, total: Int) {
        var records: [[String: Any]] = []
        var next: String? = path
        var pages = 0
        var total = 0
        while let url = next {
            let reply = try await cliniko(url)
            guard reply.status == 200 else { throw HarnessError(message: "HTTP \(reply.status): \(reply.text)") }
            let object = try reply.object()
            records += object[key] as? [[String: Any]] ?? []
            total = object["total_entries"] as? Int ?? -1
            next = (object["links"] as? [String: Any])?["next"] as? String
            pages += 1
        }
        return (records, pages, total)
    }

    /// Chatwoot GET with the account's token.
    func chatwoot(_ path: String, organization: SimulatedOrganization? = nil) async throws -> Reply {
        let org = organization ?? self.organization
        return try await request(
            "\(org.chatwootBaseURL)/api/v1/accounts/\(org.chatwootAccountID)\(path)",
            headers: [HTTPField.Name("api_access_token")!: org.chatwootAPIAccessToken]
        )
    }

    /// Clerk Backend API GET with the secret key.
    func clerk(_ path: String) async throws -> Reply {
        try await request(
            "\(endpoints.clerkAPIBaseURL)\(path)", headers: [.authorization: "Bearer \(organization.clerkSecretKey)"])
    }

    /// JSON Lines of `/_sandbox/truth/{org}/{resource}`.
    func truth(_ resource: String, organization: String? = nil) async throws -> [[String: Any]] {
        let reply = try await request("/_sandbox/truth/\(organization ?? self.organization.id)/\(resource)")
        guard reply.status == 200 else { throw HarnessError(message: "truth HTTP \(reply.status)") }
        return try reply.text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// POSTs a JSON body to a control route.
    func control(_ path: String, _ body: String, method: HTTPRequest.Method = .post) async throws -> Reply {
        try await request("/_sandbox/\(path)", method: method, headers: [.contentType: "application/json"], body: body)
    }

    struct HarnessError: Error {
        var message: String
    }
}

extension Array where Element == [String: Any] {
    /// The `id` fields as strings (Cliniko) or integers rendered as strings (Chatwoot).
    var ids: [String] { map { "\($0["id"] ?? "")" } }
}
