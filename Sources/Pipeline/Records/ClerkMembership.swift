public import Foundation

/// A Clerk organization membership: which user belongs to which organization, with which role.
public struct ClerkMembership: Sendable, Hashable, Codable {
    /// The Clerk id, `orgmem_…`.
    public var id: String
    /// The organization's Clerk id.
    public var organizationID: String
    /// The user's Clerk id.
    public var userID: String
    /// The role key as Clerk sends it, e.g. `org:admin`, `org:member` (very old instances: `admin`).
    public var role: String
    /// When the membership was created.
    public var createdAt: Date
    /// When the membership was last updated.
    public var updatedAt: Date

    /// Creates a membership.
    ///
    /// - Parameters:
    ///   - id: The Clerk id.
    ///   - organizationID: The organization's id.
    ///   - userID: The user's id.
    ///   - role: The role key.
    ///   - createdAt: When it was created.
    ///   - updatedAt: When it was last updated.
    public init(id: String, organizationID: String, userID: String, role: String, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.organizationID = organizationID
        self.userID = userID
        self.role = role
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether the role is an administrator role (`org:admin`, or `admin` on very old instances).
    public var isAdmin: Bool {
        role == "org:admin" || role == "admin"
    }
}
