/// One simulated clinic and every credential a client needs to reach it in the sandbox.
///
/// Encoded (snake_case) into the startup document that `routiq sandbox` prints.
public struct SimulatedOrganization: Codable, Sendable, Hashable {
    /// The organization id, which is the Clerk organization id (`org_…`).
    public var id: String
    /// Display name, e.g. "Harbourside Physio".
    public var name: String
    /// Clerk slug derived from the name.
    public var slug: String
    /// The account's IANA time zone (its first business's zone).
    public var timeZone: String
    /// Default phone region (ISO 3166-1 alpha-2), e.g. "AU".
    public var phoneRegion: String
    /// Cliniko shard, e.g. "au2".
    public var clinikoShard: String
    /// Cliniko API key including its `-shard` suffix.
    public var clinikoAPIKey: String
    /// Cliniko base URL for this key (`…/cliniko/{shard}/v1`).
    public var clinikoBaseURL: String
    /// Chatwoot account id.
    public var chatwootAccountID: Int
    /// Chatwoot `api_access_token`.
    public var chatwootAPIAccessToken: String
    /// Chatwoot base URL (append `/api/v1/accounts/{account_id}/…`).
    public var chatwootBaseURL: String
    /// Clerk Backend API secret key (one Clerk instance holds every organization).
    public var clerkSecretKey: String

    enum CodingKeys: String, CodingKey {
        case id, name, slug
        case timeZone = "time_zone"
        case phoneRegion = "phone_region"
        case clinikoShard = "cliniko_shard"
        case clinikoAPIKey = "cliniko_api_key"
        case clinikoBaseURL = "cliniko_base_url"
        case chatwootAccountID = "chatwoot_account_id"
        case chatwootAPIAccessToken = "chatwoot_api_access_token"
        case chatwootBaseURL = "chatwoot_base_url"
        case clerkSecretKey = "clerk_secret_key"
    }
}

extension SimulatedOrganization: CustomStringConvertible {
    /// A log-safe description: identity only, no credentials.
    public var description: String {
        "SimulatedOrganization(id: \(id), name: \(name), shard: \(clinikoShard), chatwoot account: \(chatwootAccountID))"
    }
}
