public import Foundation

/// A Clerk user (a RoutIQ staff member who can sign in).
public struct ClerkUser: Sendable, Hashable, Codable {
    /// The Clerk id, `user_…`.
    public var id: String
    /// The first name, if any.
    public var firstName: String?
    /// The last name, if any.
    public var lastName: String?
    /// The primary e-mail address (the entry `primary_email_address_id` points at), if any.
    public var primaryEmail: String?
    /// The primary phone number (E.164), if any.
    public var primaryPhoneNumber: String?
    /// Whether the user is banned.
    public var isBanned: Bool
    /// Whether the user is locked out.
    public var isLocked: Bool
    /// When the user last signed in, if ever.
    public var lastSignInAt: Date?
    /// When the user was created.
    public var createdAt: Date
    /// When the user was last updated.
    public var updatedAt: Date

    /// Creates a user.
    ///
    /// - Parameters:
    ///   - id: The Clerk id.
    ///   - firstName: The first name.
    ///   - lastName: The last name.
    ///   - primaryEmail: The primary e-mail address.
    ///   - primaryPhoneNumber: The primary phone number.
    ///   - isBanned: Whether the user is banned. Defaults to `false`.
    ///   - isLocked: Whether the user is locked. Defaults to `false`.
    ///   - lastSignInAt: The last sign-in.
    ///   - createdAt: When the user was created.
    ///   - updatedAt: When the user was last updated.
    public init(
        id: String,
        firstName: String? = nil,
        lastName: String? = nil,
        primaryEmail: String? = nil,
        primaryPhoneNumber: String? = nil,
        isBanned: Bool = false,
        isLocked: Bool = false,
        lastSignInAt: Date? = nil,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.firstName = firstName
        self.lastName = lastName
        self.primaryEmail = primaryEmail
        self.primaryPhoneNumber = primaryPhoneNumber
        self.isBanned = isBanned
        self.isLocked = isLocked
        self.lastSignInAt = lastSignInAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
