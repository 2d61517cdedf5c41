public import AsyncHTTPClient
public import Foundation
public import Logging
public import Pipeline

/// Reads a Clerk instance's organizations, users and organization memberships through the Backend API, following
/// the fact sheet (§C).
///
/// - Auth: `Authorization: Bearer SECRET_KEY`, with a pinned `Clerk-API-Version`.
/// - Paging: `limit`/`offset`, stopping at a short page or at `total_count`. Both envelope shapes are accepted on
///   every list: a bare array (`/users`) and `{"data": […], "total_count": N}` (organizations, memberships).
/// - Full reads sort `+created_at` (stable while paging). Incremental users are read `-updated_at` and stop at the
///   first user older than `cursor − overlap`; organizations and memberships cannot be ordered by update time and
///   are always read in full (they are small).
/// - The request budget uses Clerk's 10-second window: the default 600 per minute becomes 100 per 10 s.
public struct ClerkSource: Sendable {
    /// The resources this source can read, as named in pipeline files.
    public static let resources = ClerkExtractSettings.resources

    let configuration: Configuration
    let baseURL: String
    let client: RESTClient
    let logger: Logger

    /// Creates a source.
    ///
    /// - Parameters:
    ///   - configuration: The secret key and settings.
    ///   - httpClient: The run's HTTP client; the source never shuts it down.
    ///   - metrics: Where requests, retries, waits and records are counted.
    ///   - logger: The logger; the source logs at debug and trace only, never secrets or record values.
    /// - Throws: ``ExtractError`` with ``ExtractError/Code/invalidConfiguration`` for a missing key or e-mail, or a
    ///   base URL that is not `https` (plain `http` only to a loopback host).
    public init(
        configuration: Configuration, httpClient: HTTPClient, metrics: ExtractMetrics, logger: Logger
    ) throws(ExtractError) {
        guard !configuration.secretKey.isEmpty else {
            throw ExtractError(
                code: .invalidConfiguration, source: .clerk, resource: "*",
                organizationID: configuration.organizationID, message: "the Clerk secret key must be set")
        }
        let userAgent = try UserAgent.make(
            product: configuration.userAgentProduct, contactEmail: configuration.http.contactEmail, source: .clerk,
            organizationID: configuration.organizationID)
        self.configuration = configuration
        baseURL = configuration.settings.common.baseURL ?? "https://api.clerk.com/v1"
        try BaseURLRule.check(baseURL, source: .clerk, organizationID: configuration.organizationID)
        var logger = logger
        logger[metadataKey: "routiq.source"] = "clerk"
        if let organizationID = configuration.organizationID { logger[metadataKey: "routiq.org"] = "\(organizationID)" }
        self.logger = logger
        let rest = RESTClient.Configuration(
            source: .clerk, organizationID: configuration.organizationID,
            headers: [
                ("Authorization", "Bearer \(configuration.secretKey)"), ("Clerk-API-Version", configuration.apiVersion),
                ("User-Agent", userAgent), ("Accept", "application/json"),
            ],
            http: configuration.http,
            unauthorizedHint: "Clerk refused the secret key: it is wrong, revoked, or belongs to another instance",
            jitterSeed: configuration.options.jitterSeed)
        client = RESTClient(
            httpClient: httpClient, configuration: rest,
            budget: configuration.options.budget
                ?? RequestBudget.perMinute(configuration.settings.common.requestsPerMinute, window: .seconds(10)),
            metrics: metrics)
    }

    /// Where an offset walk is.
    struct OffsetState: Sendable {
        var offset = 0
    }

    /// Organizations (with `members_count`); always read in full.
    ///
    /// - Parameter cursor: Ignored: Clerk cannot order organizations by update time.
    public func organizations(since cursor: Date? = nil) -> SourcePages<ClerkOrganization> {
        SourcePages(initial: OffsetState()) { state, pageNumber in
            let (page, next) = try await offsetPage(
                ClerkOrganizationPayload.self, resource: "organizations", path: "/organizations",
                query: [("order_by", "+created_at"), ("include_members_count", "true")], state: state,
                threshold: nil, pageNumber: pageNumber)
            client.metrics.count(page)
            return (page, next)
        }
    }

    /// Users.
    ///
    /// - Parameter cursor: The stored high-water mark (largest `updated_at`); `nil` reads everything.
    public func users(since cursor: Date?) -> SourcePages<ClerkUser> {
        let threshold = cursor.map { $0.addingTimeInterval(-configuration.options.overlap.seconds) }
        return SourcePages(initial: OffsetState()) { state, pageNumber in
            let (page, next) = try await offsetPage(
                ClerkUserPayload.self, resource: "users", path: "/users",
                query: [("order_by", threshold == nil ? "+created_at" : "-updated_at")], state: state,
                threshold: threshold, pageNumber: pageNumber)
            client.metrics.count(page)
            return (page, next)
        }
    }

    /// The memberships of one organization; always read in full.
    ///
    /// - Parameter organizationID: The Clerk organization id.
    public func memberships(organizationID: String) -> SourcePages<ClerkMembership> {
        SourcePages(initial: OffsetState()) { state, pageNumber in
            let (page, next) = try await membershipPage(organizationID, state: state, pageNumber: pageNumber)
            client.metrics.count(page)
            return (page, next)
        }
    }

    /// The memberships of every organization: walks the organizations and, per organizations page, reads their
    /// memberships with at most `max_concurrent_requests` organizations in flight; one page per organizations
    /// page. Always read in full.
    ///
    /// - Parameter cursor: Ignored: memberships cannot be ordered by update time.
    public func memberships(since cursor: Date? = nil) -> SourcePages<ClerkMembership> {
        SourcePages(initial: OffsetState()) { state, pageNumber in
            let (organizations, next) = try await offsetPage(
                ClerkOrganizationPayload.self, resource: "organizations", path: "/organizations",
                query: [("order_by", "+created_at")], state: state, threshold: nil, pageNumber: pageNumber)
            let page = try await membershipsOf(organizations.records.map(\.id), pageNumber: pageNumber)
            client.metrics.count(page)
            return (page, next)
        }
    }
}
