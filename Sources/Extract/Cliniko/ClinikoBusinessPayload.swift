import Foundation
import Pipeline

/// A Cliniko business as `GET /businesses` sends it (fact sheet §A.10).
struct ClinikoBusinessPayload: RecordPayload {
    let record: Business
    var cursor: Date? { record.updatedAt }

    private enum CodingKeys: String, CodingKey {
        case id
        case businessName = "business_name", displayName = "display_name"
        case timeZoneIdentifier = "time_zone_identifier", countryCode = "country_code"
        case archivedAt = "archived_at", createdAt = "created_at", updatedAt = "updated_at"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard
            let name = try container.decodeText(forKey: .businessName)
                ?? container.decodeText(forKey: .displayName)
        else { throw FieldError(reason: "missing field `business_name`") }
        record = Business(
            id: try container.decodeID(forKey: .id),
            name: name,
            timeZoneIdentifier: try container.decodeText(forKey: .timeZoneIdentifier),
            countryCode: try container.decodeText(forKey: .countryCode),
            archivedAt: try container.decodeISO8601IfPresent(forKey: .archivedAt),
            createdAt: try container.decodeISO8601(forKey: .createdAt),
            updatedAt: try container.decodeISO8601(forKey: .updatedAt)
        )
    }
}
