/// A Clerk user (timestamps in milliseconds).
struct ClerkUser: Sendable {
    var id: String
    var emailID: String
    var secondEmailID: String?
    var phoneID: String?
    var firstName: String
    var lastName: String
    var email: String
    var secondEmail: String?
    var phone: String?
    var createdAt: Int64
    var updatedAt: Int64
    var lastSignInAt: Int64?
    var isBanned: Bool
    var isLocked: Bool
}
