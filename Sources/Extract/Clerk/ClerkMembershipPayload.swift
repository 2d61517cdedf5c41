import Foundation
import Pipeline

/// A Clerk organization membership (fact sheet §C.4): the organization is a nested object, the user is
/// `public_user_data.user_id`.
struct ClerkMembershipPayload: RecordPayload {
    let record: ClerkMembership
    var cursor: Date? { record.updatedAt }

    private enum CodingKeys: String, CodingKey {
        case id, role, organization
        case publicUserData = "public_user_data", createdAt = "created_at", updatedAt = "updated_at"
    }

    private enum NestedKeys: String, CodingKey {
        case id, userID = "user_id"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let organization = try? container.nestedContainer(keyedBy: NestedKeys.self, forKey: .organization) else {
            throw FieldError(reason: "missing field `organization`")
        }
        guard let user = try? container.nestedContainer(keyedBy: NestedKeys.self, forKey: .publicUserData) else {
            throw FieldError(reason: "missing field `public_user_data`")
        }
        record = ClerkMembership(
            id: try container.decodeID(forKey: .id),
            organizationID: try organization.decodeID(forKey: .id),
            userID: try user.decodeID(forKey: .userID),
            role: try container.decodeRequiredText(forKey: .role),
            createdAt: try container.decodeMilliseconds(forKey: .createdAt),
            updatedAt: try container.decodeMilliseconds(forKey: .updatedAt)
        )
    }
}
