/// A resource of `extract: clerk`.
public enum ClerkResource: String, ExtractResource {
    /// `organizations`: the organization's own name and slug.
    case organizations
    /// `users`: the organization's members' accounts (users are instance-wide in Clerk).
    case users
    /// `memberships`: who belongs to the organization.
    case memberships
}
