import Foundation
import Pipeline

/// A Clerk organization as `GET /organizations` sends it (fact sheet §C.4).
struct ClerkOrganizationPayload: RecordPayload {
    let record: ClerkOrganization
    var cursor: Date? { record.updatedAt }

    private enum CodingKeys: String, CodingKey {
        case id, name, slug
        case membersCount = "members_count", publicMetadata = "public_metadata", createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    private enum MetadataKeys: String, CodingKey {
        case timeZone = "time_zone", phoneRegion = "phone_region"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let metadata = try? container.nestedContainer(keyedBy: MetadataKeys.self, forKey: .publicMetadata)
        record = ClerkOrganization(
            id: try container.decodeID(forKey: .id),
            name: try container.decodeRequiredText(forKey: .name),
            slug: try container.decodeText(forKey: .slug),
            membersCount: try container.decodeInteger(forKey: .membersCount),
            timeZoneIdentifier: (try? metadata?.decodeText(forKey: .timeZone)) ?? nil,
            phoneRegion: (try? metadata?.decodeText(forKey: .phoneRegion)) ?? nil,
            createdAt: try container.decodeMilliseconds(forKey: .createdAt),
            updatedAt: try container.decodeMilliseconds(forKey: .updatedAt)
        )
    }
}
