/// Where a running sandbox listens and what it simulates; also the startup document `routiq sandbox` prints.
public struct SandboxEndpoints: Codable, Sendable, Hashable {
    /// `http://host:port`.
    public var baseURL: String
    /// Cliniko base URL with a `{shard}` placeholder (`…/cliniko/{shard}/v1`).
    public var clinikoBaseURLTemplate: String
    /// Chatwoot base URL (`…/chatwoot`).
    public var chatwootBaseURL: String
    /// Clerk Backend API base URL (`…/clerk/v1`).
    public var clerkAPIBaseURL: String
    /// Clerk Frontend API URL, the session tokens' `iss` (`…/clerk`).
    public var clerkFrontendAPIURL: String
    /// Public JWKS URL (`…/clerk/.well-known/jwks.json`).
    public var clerkJWKSURL: String
    /// Control routes (`…/_sandbox`).
    public var controlURL: String
    /// The seed the data was generated from.
    public var seed: UInt64
    /// The simulated present at start (ISO-8601 UTC).
    public var now: String
    /// Patients generated per organization (before any time travel).
    public var patientsPerOrganization: Int
    /// Every simulated organization with its credentials.
    public var organizations: [SimulatedOrganization]

    /// The organization with Clerk id `id`, if any.
    public func organization(id: String) -> SimulatedOrganization? {
        organizations.first { $0.id == id }
    }

    enum CodingKeys: String, CodingKey {
        case baseURL = "base_url"
        case clinikoBaseURLTemplate = "cliniko_base_url_template"
        case chatwootBaseURL = "chatwoot_base_url"
        case clerkAPIBaseURL = "clerk_api_base_url"
        case clerkFrontendAPIURL = "clerk_frontend_api_url"
        case clerkJWKSURL = "clerk_jwks_url"
        case controlURL = "control_url"
        case seed, now
        case patientsPerOrganization = "patients_per_organization"
        case organizations
    }

    /// The document as pretty, key-sorted JSON (what `routiq sandbox` prints).
    public func jsonDocument() -> String {
        String(decoding: SandboxJSON.encode(self, pretty: true), as: UTF8.self)
    }
}

extension SandboxEndpoints: CustomStringConvertible {
    /// A log-safe description: the base URL and organization ids, no credentials.
    public var description: String {
        "SandboxEndpoints(base: \(baseURL), seed: \(seed), now: \(now), organizations: \(organizations.map(\.id)))"
    }
}
