public import AsyncHTTPClient
public import Foundation
public import Logging
public import Pipeline

/// Reads a Cliniko account: patients, individual appointments, appointment types, practitioners (active and
/// inactive) and businesses, page by page, following the fact sheet (§A).
///
/// - Every list sends `per_page` (100 by default) and follows `links.next` (adding `per_page` back if a link lost
///   it; refusing links to another host so the key never leaves the account's API).
/// - Archived records are requested with `q[]=archived_at:*` (patients, appointments, appointment types) and
///   cancelled appointments with `q[]=cancelled_at:*`, so nothing disappears silently.
/// - Incremental reads (`since` not `nil`) add `q[]=updated_at:>=CURSOR−overlap`.
/// - Lists are walked by id (`sort=id`, then `q[]=id:>LAST`), so records created, deleted or edited mid-walk never
///   shift others onto a page already read; a record the server repeats is dropped, so each id is yielded once.
/// - Each page carries the list's size (records read so far plus the page's `total_entries`) as
///   ``SourcePage/expectedTotal``, for progress displays (not for practitioners, which walk two lists).
///
/// Each method returns a lazy ``SourcePages`` sequence; wrap it in ``withPrefetchedPages(_:prefetch:_:)`` to fetch
/// the next page while the current one is processed.
public struct ClinikoSource: Sendable {
    /// The resources this source can read, as named in pipeline files.
    public static let resources = ClinikoExtractSettings.resources

    let configuration: Configuration
    let apiKey: ClinikoAPIKey
    let baseURL: String
    let client: RESTClient
    let logger: Logger

    /// Creates a source.
    ///
    /// - Parameters:
    ///   - configuration: The key, settings and HTTP settings.
    ///   - httpClient: The run's HTTP client; the source never shuts it down.
    ///   - metrics: Where requests, retries, waits and records are counted.
    ///   - logger: The logger; the source logs at debug and trace only, never secrets or record values.
    /// - Throws: ``ExtractError`` with code ``ExtractError/Code/invalidConfiguration`` for a malformed key, a
    ///   missing contact e-mail, or a base URL that is not `https` (plain `http` only to a loopback host).
    public init(
        configuration: Configuration, httpClient: HTTPClient, metrics: ExtractMetrics, logger: Logger
    ) throws(ExtractError) {
        guard let apiKey = ClinikoAPIKey(configuration.apiKey) else {
            throw ExtractError(
                code: .invalidConfiguration, source: .cliniko, resource: "*",
                organizationID: configuration.organizationID,
                message: "the Cliniko API key is malformed (expected KEY or KEY-SHARD such as …-au2)")
        }
        let userAgent = try UserAgent.make(
            product: configuration.userAgentProduct, contactEmail: configuration.http.contactEmail, source: .cliniko,
            organizationID: configuration.organizationID)
        self.configuration = configuration
        self.apiKey = apiKey
        baseURL =
            configuration.settings.common.baseURL?.replacingOccurrences(of: "{shard}", with: apiKey.shard)
            ?? apiKey.defaultBaseURL
        try BaseURLRule.check(baseURL, source: .cliniko, organizationID: configuration.organizationID)
        var logger = logger
        logger[metadataKey: "routiq.source"] = "cliniko"
        if let organizationID = configuration.organizationID { logger[metadataKey: "routiq.org"] = "\(organizationID)" }
        self.logger = logger
        let rest = RESTClient.Configuration(
            source: .cliniko, organizationID: configuration.organizationID,
            headers: [
                ("Authorization", apiKey.authorization), ("User-Agent", userAgent), ("Accept", "application/json"),
            ],
            http: configuration.http,
            unauthorizedHint:
                "Cliniko refused the API key: the key is wrong or revoked, or it belongs to another shard than "
                + "\(apiKey.shard) (Cliniko answers both with a plain 401)",
            jitterSeed: configuration.options.jitterSeed)
        client = RESTClient(
            httpClient: httpClient, configuration: rest,
            budget: configuration.options.budget
                ?? RequestBudget.perMinute(configuration.settings.common.requestsPerMinute, window: .seconds(60)),
            metrics: metrics)
    }

    /// The account's shard, e.g. `au2`.
    public var shard: String { apiKey.shard }

    /// Patients, archived and merged ones included (`q[]=archived_at:*`).
    ///
    /// - Parameter cursor: The stored high-water mark; `nil` reads everything.
    public func patients(since cursor: Date?) -> SourcePages<Patient> {
        pages(
            ClinikoPatientPayload.self,
            plans: [plan("patients", path: "/patients", since: cursor, including: ["archived_at"])])
    }

    /// Individual appointments, archived and cancelled ones included.
    ///
    /// - Parameter cursor: The stored high-water mark; `nil` reads everything.
    public func appointments(since cursor: Date?) -> SourcePages<Appointment> {
        pages(
            ClinikoAppointmentPayload.self,
            plans: [
                plan(
                    "individual_appointments", path: "/individual_appointments", since: cursor,
                    including: ["archived_at", "cancelled_at"])
            ])
    }

    /// Appointment types, archived ones included.
    ///
    /// - Parameter cursor: The stored high-water mark; `nil` reads everything.
    public func appointmentTypes(since cursor: Date?) -> SourcePages<AppointmentType> {
        pages(
            ClinikoAppointmentTypePayload.self,
            plans: [plan("appointment_types", path: "/appointment_types", since: cursor, including: ["archived_at"])])
    }

    /// Practitioners: every page of `/practitioners` (active), then every page of `/practitioners/inactive`, with
    /// ``Practitioner/isActive`` set from the endpoint.
    ///
    /// - Parameter cursor: The stored high-water mark; `nil` reads everything.
    public func practitioners(since cursor: Date?) -> SourcePages<Practitioner> {
        pages(
            ClinikoPractitionerPayload.self,
            plans: [
                plan("practitioners", path: "/practitioners", since: cursor, including: [], isActive: true),
                plan("practitioners", path: "/practitioners/inactive", since: cursor, including: [], isActive: false),
            ])
    }

    /// Businesses.
    ///
    /// - Parameter cursor: The stored high-water mark; `nil` reads everything.
    public func businesses(since cursor: Date?) -> SourcePages<Business> {
        pages(
            ClinikoBusinessPayload.self, plans: [plan("businesses", path: "/businesses", since: cursor, including: [])])
    }

    /// Checks the key cheaply with `GET /user`.
    ///
    /// - Throws: ``ExtractError`` (``ExtractError/Code/unauthorized`` for a bad key or wrong shard).
    public func checkConnection() async throws {
        _ = try await client.get(URLQuery.url(baseURL, "/user", []), resource: "user", logger: logger) { body in
            _ = try JSONScanner(bytes: body).rootValue()
        }
    }
}
