import Foundation
import Pipeline

/// A Chatwoot conversation as `GET /conversations` sends it (fact sheet §B.4): `id` is the per-account display
/// id, the contact is `meta.sender`, timestamps are unix seconds.
struct ChatwootConversationPayload: RecordPayload {
    let record: Conversation
    var cursor: Date? { record.lastActivityAt ?? record.createdAt }

    private enum CodingKeys: String, CodingKey {
        case id, status, labels, meta, timestamp, messages
        case lastActivityAt = "last_activity_at", createdAt = "created_at", inboxID = "inbox_id"
    }

    private enum MetaKeys: String, CodingKey {
        case sender, channel
    }

    private enum SenderKeys: String, CodingKey {
        case id
    }

    /// An element of `messages`, which holds the conversation's newest message; only its id is read.
    private struct LastMessage: Decodable {
        let id: String

        init(from decoder: any Decoder) throws {
            id = try decoder.container(keyedBy: SenderKeys.self).decodeID(forKey: .id)
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard container.contains(.meta),
            let meta = try? container.nestedContainer(keyedBy: MetaKeys.self, forKey: .meta),
            meta.contains(.sender), let sender = try? meta.nestedContainer(keyedBy: SenderKeys.self, forKey: .sender)
        else { throw FieldError(reason: "missing field `meta.sender`") }
        let status = try container.decodeRequiredText(forKey: .status)
        guard ["open", "resolved", "pending", "snoozed"].contains(status) else {
            throw FieldError(reason: "unknown value in `status`")
        }
        record = Conversation(
            id: try container.decodeID(forKey: .id),
            contactID: try sender.decodeID(forKey: .id),
            status: status,
            lastActivityAt: try container.decodeUnixSecondsIfPresent(forKey: .lastActivityAt)
                ?? container.decodeUnixSecondsIfPresent(forKey: .timestamp),
            createdAt: try container.decodeUnixSeconds(forKey: .createdAt),
            inboxID: try container.decodeIDIfPresent(forKey: .inboxID),
            channel: try meta.decodeText(forKey: .channel),
            labels: try container.decodeIfPresent([String].self, forKey: .labels),
            // Only a hint for the message walk: a conversation is never rejected for it.
            lastMessageID: (try? container.decodeIfPresent([LastMessage].self, forKey: .messages))?.last?.id
        )
    }
}
