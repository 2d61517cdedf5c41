/// A Chatwoot conversation and its messages (ascending by id and time).
struct ChatwootConversation: Sendable {
    /// The per-account display id, which the API calls `id`.
    var displayID: Int32
    var contact: Int32
    var status: UInt8
    var channel: UInt8
    var labels: UInt8
    var createdAt: UInt32
    var lastActivityAt: UInt32
    var messages: [ChatwootMessage]

    static let statuses: [StaticString] = ["open", "resolved", "pending", "snoozed"]
    static let channels: [StaticString] = ["Channel::Whatsapp", "Channel::WebWidget", "Channel::Api", "Channel::Sms"]
    static let labelNames: [String] = ["booking", "reactivation", "billing", "new-patient", "follow-up"]
}
