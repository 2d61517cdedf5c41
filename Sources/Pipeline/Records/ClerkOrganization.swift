public import Foundation

/// A Clerk organization: one clinic, which becomes a RoutIQ organization (name and slug).
public struct ClerkOrganization: Sendable, Hashable, Codable {
    /// The Clerk id, `org_…` (also the RoutIQ organization id).
    public var id: String
    /// The display name.
    public var name: String
    /// The slug, if any.
    public var slug: String?
    /// The number of members, when the API reported it.
    public var membersCount: Int?
    /// `public_metadata.time_zone`, when the organization carries one (an IANA identifier).
    public var timeZoneIdentifier: String?
    /// `public_metadata.phone_region`, when the organization carries one (ISO 3166-1 alpha-2).
    public var phoneRegion: String?
    /// When the organization was created.
    public var createdAt: Date
    /// When the organization was last updated.
    public var updatedAt: Date

    /// Creates an organization.
    ///
    /// - Parameters:
    ///   - id: The Clerk id.
    ///   - name: The display name.
    ///   - slug: The slug.
    ///   - membersCount: The number of members.
    ///   - timeZoneIdentifier: The IANA time zone from the public metadata.
    ///   - phoneRegion: The phone region from the public metadata.
    ///   - createdAt: When it was created.
    ///   - updatedAt: When it was last updated.
    public init(
        id: String,
        name: String,
        slug: String? = nil,
        membersCount: Int? = nil,
        timeZoneIdentifier: String? = nil,
        phoneRegion: String? = nil,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.slug = slug
        self.membersCount = membersCount
        self.timeZoneIdentifier = timeZoneIdentifier
        self.phoneRegion = phoneRegion
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
