public import Foundation

/// A RoutIQ organization (tenant): one clinic, identified by its Clerk organization id.
public struct Organization: Sendable, Hashable, Codable {
    /// The Clerk organization id, e.g. `org_2Zx…`.
    public var id: String
    /// The display name.
    public var name: String
    /// The Clerk slug, if any.
    public var slug: String?
    /// The IANA time zone days are counted in, e.g. `Australia/Sydney`.
    public var timeZone: String
    /// The ISO region phone numbers without a country code are read in, e.g. `AU`.
    public var phoneRegion: String
    /// When the organization was registered in RoutIQ.
    public var createdAt: Date?

    /// Creates an organization.
    public init(
        id: String, name: String, slug: String? = nil, timeZone: String, phoneRegion: String, createdAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.slug = slug
        self.timeZone = timeZone
        self.phoneRegion = phoneRegion
        self.createdAt = createdAt
    }
}
