/// A Chatwoot message; its text is derived from `content` at encoding time.
struct ChatwootMessage: Sendable {
    var id: Int32
    /// 0 incoming, 1 outgoing, 2 activity, 3 template.
    var messageType: UInt8
    var isPrivate: Bool
    /// 0 sent, 1 delivered, 2 read, 3 failed.
    var status: UInt8
    var content: UInt16
    var createdAt: UInt32
}
