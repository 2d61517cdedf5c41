import Foundation
import Pipeline

/// A Clerk user as `GET /users` sends it (fact sheet §C.3): millisecond timestamps; the primary e-mail is the
/// entry whose id is `primary_email_address_id` (never simply the first).
struct ClerkUserPayload: RecordPayload {
    let record: ClerkUser
    var cursor: Date? { record.updatedAt }

    private enum CodingKeys: String, CodingKey {
        case id, banned, locked
        case firstName = "first_name", lastName = "last_name"
        case primaryEmailID = "primary_email_address_id", emailAddresses = "email_addresses"
        case primaryPhoneID = "primary_phone_number_id", phoneNumbers = "phone_numbers"
        case lastSignInAt = "last_sign_in_at", createdAt = "created_at", updatedAt = "updated_at"
    }

    private struct Entry: Decodable {
        var id: String?
        var emailAddress: String?
        var phoneNumber: String?

        private enum CodingKeys: String, CodingKey {
            case id, emailAddress = "email_address", phoneNumber = "phone_number"
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let emails = try container.decodeIfPresent([Entry].self, forKey: .emailAddresses) ?? []
        let phones = try container.decodeIfPresent([Entry].self, forKey: .phoneNumbers) ?? []
        let primaryEmailID = try container.decodeIDIfPresent(forKey: .primaryEmailID)
        let primaryPhoneID = try container.decodeIDIfPresent(forKey: .primaryPhoneID)
        record = ClerkUser(
            id: try container.decodeID(forKey: .id),
            firstName: try container.decodeText(forKey: .firstName),
            lastName: try container.decodeText(forKey: .lastName),
            primaryEmail: primaryEmailID.flatMap { id in emails.first { $0.id == id }?.emailAddress },
            primaryPhoneNumber: primaryPhoneID.flatMap { id in phones.first { $0.id == id }?.phoneNumber },
            isBanned: try container.decodeFlag(forKey: .banned),
            isLocked: try container.decodeFlag(forKey: .locked),
            lastSignInAt: try container.decodeMillisecondsIfPresent(forKey: .lastSignInAt),
            createdAt: try container.decodeMilliseconds(forKey: .createdAt),
            updatedAt: try container.decodeMilliseconds(forKey: .updatedAt)
        )
    }
}
