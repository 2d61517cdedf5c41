public import Foundation

/// A Chatwoot conversation.
public struct Conversation: Sendable, Hashable, Codable {
    /// The conversation's per-account display id.
    public var id: String
    /// The contact's Chatwoot id.
    public var contactID: String
    /// The status: `open`, `resolved`, `pending` or `snoozed`.
    public var status: String
    /// The last activity instant, if any.
    public var lastActivityAt: Date?
    /// When the conversation was created.
    public var createdAt: Date

    /// Creates a conversation.
    ///
    /// - Parameters:
    ///   - id: The display id.
    ///   - contactID: The contact's id.
    ///   - status: The status.
    ///   - lastActivityAt: The last activity instant.
    ///   - createdAt: When it was created.
    public init(id: String, contactID: String, status: String, lastActivityAt: Date? = nil, createdAt: Date) {
        self.id = id
        self.contactID = contactID
        self.status = status
        self.lastActivityAt = lastActivityAt
        self.createdAt = createdAt
    }
}
