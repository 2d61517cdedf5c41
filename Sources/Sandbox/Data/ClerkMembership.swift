/// A Clerk organization membership (`org:admin` or `org:member`).
struct ClerkMembership: Sendable {
    var id: String
    var organization: Int
    var user: Int
    var isAdmin: Bool
    var createdAt: Int64
    var updatedAt: Int64
}
