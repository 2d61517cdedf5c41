import AsyncHTTPClient
import Foundation
import Pipeline
import Testing

@testable import Extract

@Suite struct ClinikoSourceTests {
    static func source(baseURL: String? = nil, perPage: Int = 100) throws -> ClinikoSource {
        let settings = ClinikoExtractSettings(
            common: ExtractSettings(
                resources: ClinikoExtractSettings.resources, baseURL: baseURL, requestsPerMinute: 200),
            perPage: perPage)
        return try ClinikoSource(
            configuration: .init(
                apiKey: "MxJrZXkiOiI1Njd1amJmZTQ1NyJ9-au2", settings: settings,
                http: HTTPSettings(contactEmail: "dev@routiq.example")),
            httpClient: .sharedForExtract, metrics: ExtractMetrics(), logger: SandboxHarness.logger)
    }

    @Test func theBaseURLComesFromTheKeysShard() throws {
        #expect(try Self.source().baseURL == "https://api.au2.cliniko.com/v1")
        #expect(
            try Self.source(baseURL: "http://127.0.0.1:9/cliniko/au2/v1").baseURL == "http://127.0.0.1:9/cliniko/au2/v1"
        )
        #expect(
            try Self.source(baseURL: "http://127.0.0.1:9/cliniko/{shard}/v1").baseURL
                == "http://127.0.0.1:9/cliniko/au2/v1"
        )
    }

    @Test func fullReadsIncludeArchivedAndCancelledRowsWalkingByID() throws {
        let plan = try Self.source().plan(
            "individual_appointments", path: "/individual_appointments", since: nil,
            including: ["archived_at", "cancelled_at"])
        let first =
            "https://api.au2.cliniko.com/v1/individual_appointments?per_page=100&q%5B%5D=archived_at%3A%2A"
            + "&q%5B%5D=cancelled_at%3A%2A&sort=id"
        #expect(plan.url(base: try Self.source().baseURL, after: nil) == first)
        #expect(
            plan.url(base: try Self.source().baseURL, after: 1_234_567_890_123_456_789)
                == first + "&q%5B%5D=id%3A%3E1234567890123456789")
    }

    @Test func incrementalReadsFilterFromTheCursorMinusTheOverlap() throws {
        let cursor = try #require(Timestamp.parseISO8601("2026-03-01T09:00:00Z"))
        let source = try Self.source(perPage: 50)
        let plan = source.plan("patients", path: "/patients", since: cursor, including: ["archived_at"])
        #expect(
            plan.url(base: source.baseURL, after: nil)
                == "https://api.au2.cliniko.com/v1/patients?per_page=50&q%5B%5D=updated_at%3A%3E%3D2026-03-01T08%3A55%3A00Z"
                + "&q%5B%5D=archived_at%3A%2A&sort=id")
    }

    @Test func errorDescriptionsAreSafeToLog() {
        let error = ExtractError(
            code: .unauthorized, source: .cliniko, resource: "patients", organizationID: "org_1", statusCode: 401,
            attempts: 1, message: "Cliniko refused the API key")
        #expect(
            error.description
                == "cliniko patients (organization org_1): unauthorized, HTTP 401 after 1 attempt: "
                + "Cliniko refused the API key")
    }

    @Test func metricsSnapshotsAreCodable() throws {
        let metrics = ExtractMetrics()
        metrics.count(SourcePage(records: [1, 2], pageNumber: 1))
        metrics.recordError("timeout")
        let data = try JSONEncoder().encode(metrics.snapshot())
        let decoded = try JSONDecoder().decode(ExtractMetrics.Snapshot.self, from: data)
        #expect(decoded.pages == 1 && decoded.records == 2 && decoded.errorsByKind == ["timeout": 1])
    }
}
