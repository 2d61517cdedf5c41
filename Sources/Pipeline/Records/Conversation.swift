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
    /// The inbox id, if known.
    public var inboxID: String?
    /// The channel, e.g. `Channel::Whatsapp`, if known.
    public var channel: String?
    /// The labels, if the API sent them.
    public var labels: [String]?
    /// The id of the conversation's newest message as the conversation list showed it (`messages[0].id`), if it
    /// showed one. Not stored: a full message walk uses it to know it has reached the end.
    public var lastMessageID: String?

    /// Creates a conversation.
    ///
    /// - Parameters:
    ///   - id: The display id.
    ///   - contactID: The contact's id.
    ///   - status: The status.
    ///   - lastActivityAt: The last activity instant.
    ///   - createdAt: When it was created.
    ///   - inboxID: The inbox id.
    ///   - channel: The channel.
    ///   - labels: The labels.
    ///   - lastMessageID: The newest message's id, as the list showed it.
    public init(
        id: String,
        contactID: String,
        status: String,
        lastActivityAt: Date? = nil,
        createdAt: Date,
        inboxID: String? = nil,
        channel: String? = nil,
        labels: [String]? = nil,
        lastMessageID: String? = nil
    ) {
        self.id = id
        self.contactID = contactID
        self.status = status
        self.lastActivityAt = lastActivityAt
        self.createdAt = createdAt
        self.inboxID = inboxID
        self.channel = channel
        self.labels = labels
        self.lastMessageID = lastMessageID
    }
}
