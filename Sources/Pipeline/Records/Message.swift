public import Foundation

/// A Chatwoot message.
public struct Message: Sendable, Hashable, Codable {
    /// The message id.
    public var id: String
    /// The conversation's display id.
    public var conversationID: String
    /// Chatwoot's `message_type`: 0 incoming, 1 outgoing, 2 activity, 3 template.
    public var messageType: Int
    /// When the message was created.
    public var createdAt: Date
    /// Whether the message is a private note (never seen by the patient).
    public var isPrivate: Bool
    /// The text, kept only when the pipeline asks for message content.
    public var content: String?
    /// The delivery status: `sent`, `delivered`, `read` or `failed`, if known.
    public var status: String?
    /// Who sent it, lower-cased: `contact`, `user` (an agent) or `agentbot`, if known.
    public var senderType: String?

    /// Creates a message.
    ///
    /// - Parameters:
    ///   - id: The message id.
    ///   - conversationID: The conversation's display id.
    ///   - messageType: The message type code.
    ///   - createdAt: When it was created.
    ///   - isPrivate: Whether it is a private note. Defaults to `false`.
    ///   - content: The text, `nil` by default.
    ///   - status: The delivery status.
    ///   - senderType: The sender type.
    public init(
        id: String,
        conversationID: String,
        messageType: Int,
        createdAt: Date,
        isPrivate: Bool = false,
        content: String? = nil,
        status: String? = nil,
        senderType: String? = nil
    ) {
        self.id = id
        self.conversationID = conversationID
        self.messageType = messageType
        self.createdAt = createdAt
        self.isPrivate = isPrivate
        self.content = content
        self.status = status
        self.senderType = senderType
    }

    /// Whether the message was exchanged with the patient: incoming, outgoing or template, and not a private
    /// note. Activity lines ("Conversation was marked resolved by Sam") and internal notes are not contact.
    public var isPatientFacing: Bool {
        !isPrivate && messageType != 2
    }
}
