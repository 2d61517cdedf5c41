import AsyncHTTPClient
import Extract
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Pipeline
import Sandbox

/// Runs extract sources against an in-process sandbox over loopback HTTP.
struct SandboxHarness: Sendable {
    static let now = Date(timeIntervalSince1970: 1_772_355_600)  // 2026-03-01T09:00:00Z
    static let logger = Logger(label: "routiq.extract.tests", factory: { _ in SwiftLogNoOpLogHandler() })

    let endpoints: SandboxEndpoints
    var organization: SimulatedOrganization { endpoints.organizations[0] }
    var http: HTTPClient { HTTPClient.sharedForExtract }

    /// Starts a sandbox with one small organization and runs `body`.
    static func with<Result: Sendable>(
        patients: Int = 250, rateLimits: RateLimits = .unlimited, seed: UInt64 = 11,
        injectedRateLimitResetSeconds: Double? = nil,
        _ body: (SandboxHarness) async throws -> Result
    ) async throws -> Result {
        let configuration = SandboxServer.Configuration(
            port: 0, seed: seed, organizationCount: 1, patientsPerOrganization: patients, now: now,
            rateLimits: rateLimits,
            options: .init(injectedRateLimitResetSeconds: injectedRateLimitResetSeconds))
        return try await withRunningSandbox(configuration: configuration, logger: logger) { endpoints in
            try await body(SandboxHarness(endpoints: endpoints))
        }
    }

    static func httpSettings(maxAttempts: Int = 6, timeoutSeconds: Int = 10, maxBodyMebibytes: Int = 32)
        -> HTTPSettings
    {
        HTTPSettings(
            contactEmail: "dev@routiq.example", timeoutSeconds: timeoutSeconds, maxAttempts: maxAttempts,
            initialBackoffMilliseconds: 5, maxBackoffMilliseconds: 50, maxConcurrentRequests: 4,
            maxBodyMebibytes: maxBodyMebibytes)
    }

    func cliniko(
        apiKey: String? = nil, shard: String? = nil, requestsPerMinute: Int = 1_000_000, perPage: Int = 100,
        budget: RequestBudget? = nil, metrics: ExtractMetrics = ExtractMetrics(), http: HTTPSettings = httpSettings()
    ) throws -> ClinikoSource {
        let base = endpoints.clinikoBaseURLTemplate.replacingOccurrences(
            of: "{shard}", with: shard ?? organization.clinikoShard)
        let settings = ClinikoExtractSettings(
            common: ExtractSettings(
                resources: ClinikoExtractSettings.resources, baseURL: base, requestsPerMinute: requestsPerMinute),
            perPage: perPage)
        return try ClinikoSource(
            configuration: .init(
                apiKey: apiKey ?? organization.clinikoAPIKey, settings: settings, http: http,
                organizationID: organization.id, options: ExtractOptions(budget: budget, jitterSeed: 1)),
            httpClient: self.http, metrics: metrics, logger: Self.logger)
    }

    func chatwoot(token: String? = nil, metrics: ExtractMetrics = ExtractMetrics(), keepContent: Bool = false) throws
        -> ChatwootSource
    {
        let settings = ChatwootExtractSettings(
            common: ExtractSettings(
                resources: ChatwootExtractSettings.resources, baseURL: organization.chatwootBaseURL,
                requestsPerMinute: 1_000_000),
            keepMessageContent: keepContent)
        return try ChatwootSource(
            configuration: .init(
                accountID: organization.chatwootAccountID, apiAccessToken: token ?? organization.chatwootAPIAccessToken,
                settings: settings, http: Self.httpSettings(), organizationID: organization.id,
                options: ExtractOptions(jitterSeed: 2)),
            httpClient: http, metrics: metrics, logger: Self.logger)
    }

    func clerk(secretKey: String? = nil, metrics: ExtractMetrics = ExtractMetrics()) throws -> ClerkSource {
        let settings = ClerkExtractSettings(
            common: ExtractSettings(
                resources: ClerkExtractSettings.resources, baseURL: endpoints.clerkAPIBaseURL,
                requestsPerMinute: 1_000_000))
        return try ClerkSource(
            configuration: .init(
                secretKey: secretKey ?? organization.clerkSecretKey, settings: settings, http: Self.httpSettings(),
                organizationID: organization.id, pageSize: 20, options: ExtractOptions(jitterSeed: 3)),
            httpClient: http, metrics: metrics, logger: Self.logger)
    }

    // MARK: Control routes

    func control(_ method: HTTPMethod, _ path: String, body: String? = nil) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: endpoints.controlURL + path)
        request.method = method
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await http.execute(request, timeout: .seconds(30), logger: Self.logger)
        return Array(try await response.body.collect(upTo: 256 << 20).readableBytesView)
    }

    /// The truth of `resource` as JSON objects.
    func truth(_ resource: String, clerk: Bool = false) async throws -> [[String: Any]] {
        let bytes = try await control(.GET, "/truth/\(clerk ? "clerk" : "0")/\(resource)")
        return try String(decoding: bytes, as: UTF8.self).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    func setFaults(_ spec: String) async throws {
        _ = try await control(.POST, "/faults", body: #"{"spec": "\#(spec)"}"#)
    }

    func stats() async throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(try await control(.GET, "/stats"))) as! [String: Any]
    }
}

/// Every record of `pages`, and whether any id came twice.
func collect<Record: Sendable>(
    _ pages: SourcePages<Record>, id: (Record) -> String
) async throws -> (records: [Record], duplicates: Set<String>, rejections: Int, highWaterMark: Date?) {
    var records: [Record] = []
    var seen = Set<String>()
    var duplicates = Set<String>()
    var rejections = 0
    var highWaterMark: Date?
    try await withPrefetchedPages(pages, prefetch: 2) { pages in
        for try await page in pages {
            for record in page.records where !seen.insert(id(record)).inserted { duplicates.insert(id(record)) }
            records += page.records
            rejections += page.rejections.count
            highWaterMark = [highWaterMark, page.highWaterMark].compactMap { $0 }.max()
        }
    }
    return (records, duplicates, rejections, highWaterMark)
}

/// The `id` of a truth object as text.
func truthID(_ object: [String: Any]) -> String {
    switch object["id"] {
    case let text as String: text
    case let number as NSNumber: number.stringValue
    default: ""
    }
}
