import Foundation
import Pipeline

/// A Chatwoot message as `GET /conversations/{id}/messages` sends it (fact sheet §B.4): integer `message_type`
/// (0 incoming, 1 outgoing, 2 activity, 3 template; the webhook's strings are accepted too), unix-second
/// `created_at`. Content is decoded here and dropped by the source unless the pipeline keeps it.
struct ChatwootMessagePayload: RecordPayload {
    var record: Message
    var cursor: Date? { record.createdAt }

    private enum CodingKeys: String, CodingKey {
        case id, content, status
        case conversationID = "conversation_id", messageType = "message_type", createdAt = "created_at"
        case isPrivate = "private", senderType = "sender_type"
    }

    static let messageTypes = ["incoming", "outgoing", "activity", "template"]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let messageType: Int
        if let code = try? container.decode(Int.self, forKey: .messageType) {
            messageType = code
        } else if let name = try? container.decode(String.self, forKey: .messageType),
            let code = Self.messageTypes.firstIndex(of: name.lowercased())
        {
            messageType = code
        } else {
            throw FieldError(reason: "missing or invalid `message_type`")
        }
        guard (0...3).contains(messageType) else { throw FieldError(reason: "unknown value in `message_type`") }
        record = Message(
            id: try container.decodeID(forKey: .id),
            conversationID: try container.decodeID(forKey: .conversationID),
            messageType: messageType,
            createdAt: try container.decodeUnixSeconds(forKey: .createdAt),
            isPrivate: try container.decodeFlag(forKey: .isPrivate),
            content: try? container.decodeText(forKey: .content),
            status: try container.decodeText(forKey: .status),
            senderType: try container.decodeText(forKey: .senderType)?.lowercased()
        )
    }

    private init(record: Message) {
        self.record = record
    }

    /// The same record as ``init(from:)`` reads, straight from the page's bytes: messages are most of a Chatwoot
    /// extract. Anything unusual (a named `message_type`, a fractional or text timestamp, escapes) returns `nil`, and
    /// `init(from:)` decides.
    static func scanned(_ range: Range<Int>, in scanner: JSONScanner) -> Self? {
        guard let object = ScannedObject(range, in: scanner),
            case let messageType?? = object.integerNumber("message_type"), (0...3).contains(messageType),
            case let id?? = object.id("id"),
            case let conversationID?? = object.id("conversation_id"),
            case let createdAt?? = object.unixSeconds("created_at"), let isPrivate = object.flag("private"),
            let content = object.text("content"), let status = object.text("status"),
            let senderType = object.text("sender_type")
        else { return nil }
        return Self(
            record: Message(
                id: id, conversationID: conversationID, messageType: messageType, createdAt: createdAt,
                isPrivate: isPrivate, content: content, status: status, senderType: senderType?.lowercased()))
    }
}
