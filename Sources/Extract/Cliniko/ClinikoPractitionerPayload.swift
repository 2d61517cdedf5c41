import Foundation
import Pipeline

/// A Cliniko practitioner as `GET /practitioners` and `/practitioners/inactive` send it (fact sheet §A.10).
/// Whether it is active comes from the endpoint, which the source sets after decoding.
struct ClinikoPractitionerPayload: RecordPayload {
    var record: Practitioner
    var cursor: Date? { record.updatedAt }

    private enum CodingKeys: String, CodingKey {
        case id, designation, title, label
        case firstName = "first_name", lastName = "last_name", createdAt = "created_at", updatedAt = "updated_at"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        record = Practitioner(
            id: try container.decodeID(forKey: .id),
            firstName: try container.decodeText(forKey: .firstName) ?? "",
            lastName: try container.decodeText(forKey: .lastName) ?? "",
            designation: try container.decodeText(forKey: .designation),
            createdAt: try container.decodeISO8601(forKey: .createdAt),
            updatedAt: try container.decodeISO8601(forKey: .updatedAt),
            title: try container.decodeText(forKey: .title),
            displayName: try container.decodeText(forKey: .label)
        )
    }
}
