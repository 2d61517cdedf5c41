/// Encodes Chatwoot contacts, conversations and messages as the REST API does: unix-second integer
/// timestamps, integer `message_type`, the per-account display id as conversation `id`.
struct ChatwootEncoder {
    let data: ClinicData
    let accountID: Int
    let includeContactInboxes: Bool

    func contact(_ index: Int, _ w: inout JSONWriter) {
        let c = data.contacts[index]
        w.beginObject()
        w.key("additional_attributes")
        w.beginObject()
        w.field("city", "")
        w.key("country")
        w.string(
            ["AU": "Australia", "NZ": "New Zealand", "GB": "United Kingdom", "US": "United States"][c.countryCode] ?? ""
        )
        w.field("country_code", c.countryCode)
        w.field("description", "")
        w.endObject()
        w.field("availability_status", "offline")
        w.field("blocked", false)
        if includeContactInboxes {
            w.key("contact_inboxes")
            w.beginArray()
            w.element()
            w.beginObject()
            let channel = c.phoneNumber == nil ? 1 : 0
            w.field("source_id", c.phoneNumber.map { String($0.dropFirst()) } ?? "web-\(c.id)")
            w.key("inbox")
            inbox(channel, &w)
            w.endObject()
            w.endArray()
        }
        w.field("created_at", int: Int64(c.createdAt))
        w.key("custom_attributes")
        if c.hasClinikoAttribute, c.patient >= 0 {
            w.beginObject()
            w.field("cliniko_patient_id", id: data.patients[Int(c.patient)].id)
            w.endObject()
        } else {
            w.raw("{}")
        }
        w.field("email", c.email)
        w.field("id", int: Int64(c.id))
        w.field("identifier", c.identifier)
        w.key("last_activity_at")
        c.lastActivityAt == 0 ? w.null() : w.int(Int64(c.lastActivityAt))
        w.field("name", c.name)
        w.field("phone_number", c.phoneNumber)
        w.field("thumbnail", "")
        w.endObject()
    }

    func inbox(_ channel: Int, _ w: inout JSONWriter) {
        w.beginObject()
        w.field("avatar_url", "")
        w.field("channel_id", int: channel + 1)
        w.field("channel_type", raw: "\"")
        w.raw(ChatwootConversation.channels[channel])
        w.raw("\"")
        w.field("id", int: channel + 1)
        w.field("name", ["WhatsApp", "Website", "API", "SMS"][channel])
        w.key("provider")
        channel == 0 ? w.string("whatsapp_cloud") : w.null()
        w.endObject()
    }

    /// Whether the conversation has an assignee (deterministic from its id and status).
    static func isAssigned(_ conversation: ChatwootConversation) -> Bool {
        conversation.status != 0 || conversation.displayID % 3 == 0
    }

    func conversation(_ index: Int, _ w: inout JSONWriter) {
        let c = data.conversations[index]
        let assigned = Self.isAssigned(c)
        w.beginObject()
        w.field("account_id", int: accountID)
        w.field("additional_attributes", raw: "{}")
        w.field("agent_last_seen_at", int: assigned ? Int64(c.lastActivityAt) : 0)
        w.field("assignee_last_seen_at", int: assigned ? Int64(c.lastActivityAt) : 0)
        w.field("can_reply", true)
        w.field("contact_last_seen_at", int: Int64(c.messages.first?.createdAt ?? 0))
        w.field("created_at", int: Int64(c.createdAt))
        w.field("custom_attributes", raw: "{}")
        w.key("first_reply_created_at")
        if let reply = c.messages.first(where: { $0.messageType == 1 }) {
            w.int(Int64(reply.createdAt))
        } else {
            w.null()
        }
        w.field("id", int: Int64(c.displayID))
        w.field("inbox_id", int: Int(c.channel) + 1)
        w.key("labels")
        w.beginArray()
        for (bit, label) in ChatwootConversation.labelNames.enumerated() where c.labels & (1 << bit) != 0 {
            w.element()
            w.string(label)
        }
        w.endArray()
        w.field("last_activity_at", int: Int64(c.lastActivityAt))
        w.key("last_non_activity_message")
        if let last = c.messages.lastIndex(where: { $0.messageType != 2 }) { message(c, last, &w) } else { w.null() }
        w.key("messages")
        w.beginArray()
        if !c.messages.isEmpty {
            w.element()
            message(c, c.messages.count - 1, &w)
        }
        w.endArray()
        w.key("meta")
        w.beginObject()
        w.key("assignee")
        if assigned { agent(Int(c.displayID) % Catalog.agents.count, &w) } else { w.null() }
        w.field("channel", raw: "\"")
        w.raw(ChatwootConversation.channels[Int(c.channel)])
        w.raw("\"")
        w.field("hmac_verified", false)
        w.key("sender")
        contact(Int(c.contact), &w)
        w.nullField("team")
        w.endObject()
        w.field("muted", false)
        w.nullField("priority")
        w.key("snoozed_until")
        c.status == 3 ? w.int(Int64(c.lastActivityAt) + 86_400 * 3) : w.null()
        w.field("status", raw: "\"")
        w.raw(ChatwootConversation.statuses[Int(c.status)])
        w.raw("\"")
        w.field("timestamp", int: Int64(c.lastActivityAt))
        w.field("unread_count", int: c.status == 0 && c.messages.last?.messageType == 0 ? 1 : 0)
        w.field("uuid", Self.uuid(accountID: accountID, displayID: c.displayID))
        w.field("waiting_since", int: c.status == 0 ? Int64(c.lastActivityAt) : 0)
        w.endObject()
    }

    func agent(_ index: Int, _ w: inout JSONWriter) {
        w.beginObject()
        w.field("availability_status", "online")
        w.field("available_name", Catalog.agents[index])
        w.field("email", "\(Catalog.agents[index].lowercased())@clinic.example.com")
        w.field("id", int: index + 1)
        w.field("name", Catalog.agents[index])
        w.field("role", "agent")
        w.field("thumbnail", "")
        w.field("type", "user")
        w.endObject()
    }

    func message(_ conversation: ChatwootConversation, _ index: Int, _ w: inout JSONWriter) {
        let m = conversation.messages[index]
        let isContact = m.messageType == 0
        w.beginObject()
        w.field("account_id", int: accountID)
        w.field("additional_attributes", raw: "{}")
        w.field("content", content(m, conversation))
        w.field("content_attributes", raw: "{}")
        w.field("content_type", "text")
        w.field("conversation_id", int: Int64(conversation.displayID))
        w.field("created_at", int: Int64(m.createdAt))
        w.field("external_source_ids", raw: "{}")
        w.field("id", int: Int64(m.id))
        w.field("inbox_id", int: Int(conversation.channel) + 1)
        w.field("message_type", int: Int(m.messageType))
        w.field("private", m.isPrivate)
        w.field("processed_message_content", content(m, conversation))
        if m.messageType != 2 {
            w.key("sender")
            if isContact {
                w.beginObject()
                w.field("id", int: Int64(data.contacts[Int(conversation.contact)].id))
                w.field("name", data.contacts[Int(conversation.contact)].name)
                w.field("type", "contact")
                w.endObject()
            } else {
                agent(Int(conversation.displayID) % Catalog.agents.count, &w)
            }
            w.key("sender_id")
            w.int(
                isContact
                    ? Int64(data.contacts[Int(conversation.contact)].id)
                    : Int64(Int(conversation.displayID) % Catalog.agents.count + 1))
            w.field("sender_type", isContact ? "Contact" : "User")
        }
        w.field("sentiment", raw: "{}")
        w.key("source_id")
        m.messageType == 2 ? w.null() : w.string("wamid.\(accountID)x\(m.id)")
        w.field("status", ["sent", "delivered", "read", "failed"][Int(m.status)])
        w.field("updated_at", int: Int64(m.createdAt))
        w.endObject()
    }

    func content(_ m: ChatwootMessage, _ conversation: ChatwootConversation) -> String {
        switch m.messageType {
        case 0: return Catalog.incomingTexts[Int(m.content) % Catalog.incomingTexts.count]
        case 1:
            return m.isPrivate
                ? "Internal note: call back re invoice"
                : Catalog.outgoingTexts[Int(m.content) % Catalog.outgoingTexts.count]
        case 2: return "Conversation was marked resolved by \(Catalog.agents[Int(m.content) % Catalog.agents.count])"
        default:
            return
                "Hi \(data.contacts[Int(conversation.contact)].name), this is a reminder of your appointment tomorrow. Reply YES to confirm."
        }
    }

    /// A deterministic UUID-shaped string for a conversation.
    static func uuid(accountID: Int, displayID: Int32) -> String {
        var rng = SplitMix64(seed: UInt64(accountID), UInt64(displayID))
        let hex = Array("0123456789abcdef")
        let chars = (0..<32).map { _ in hex[rng.below(16)] }
        let s = String(chars)
        let parts = [
            s.prefix(8), s.dropFirst(8).prefix(4), s.dropFirst(12).prefix(4), s.dropFirst(16).prefix(4),
            s.dropFirst(20),
        ]
        return parts.joined(separator: "-")
    }
}
