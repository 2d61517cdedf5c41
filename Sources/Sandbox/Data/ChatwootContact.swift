/// A Chatwoot contact; `patient` links it to the Cliniko patient it was derived from (or -1).
struct ChatwootContact: Sendable {
    var id: Int32
    var patient: Int32
    var name: String
    var email: String?
    var phoneNumber: String?
    var identifier: String?
    var countryCode: String
    var createdAt: UInt32
    var lastActivityAt: UInt32
    var hasClinikoAttribute: Bool
}
