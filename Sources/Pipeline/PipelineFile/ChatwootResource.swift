/// A resource of `extract: chatwoot`.
public enum ChatwootResource: String, ExtractResource {
    /// `contacts`.
    case contacts
    /// `conversations`.
    case conversations
    /// `messages`.
    case messages
}
