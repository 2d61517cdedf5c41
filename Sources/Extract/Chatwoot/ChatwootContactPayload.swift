import Foundation
import Pipeline

/// A Chatwoot contact as `GET /contacts` sends it (fact sheet §B.4): integer id, unix-second timestamps.
struct ChatwootContactPayload: RecordPayload {
    let record: Contact
    let lastActivityAt: Date?
    var cursor: Date? { lastActivityAt ?? record.createdAt }

    private enum CodingKeys: String, CodingKey {
        case id, name, email, identifier
        case phoneNumber = "phone_number", customAttributes = "custom_attributes", createdAt = "created_at"
        case lastActivityAt = "last_activity_at"
    }

    private enum CustomAttributeKeys: String, CodingKey {
        case clinikoPatientID = "cliniko_patient_id"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var clinikoPatientID: String?
        if container.contains(.customAttributes), try !container.decodeNil(forKey: .customAttributes),
            let attributes = try? container.nestedContainer(
                keyedBy: CustomAttributeKeys.self, forKey: .customAttributes)
        {
            clinikoPatientID = try? attributes.decodeIDIfPresent(forKey: .clinikoPatientID)
        }
        lastActivityAt = try container.decodeUnixSecondsIfPresent(forKey: .lastActivityAt)
        record = Contact(
            id: try container.decodeID(forKey: .id),
            name: try container.decodeText(forKey: .name),
            email: try container.decodeText(forKey: .email),
            phoneNumber: try container.decodeText(forKey: .phoneNumber),
            identifier: try container.decodeText(forKey: .identifier),
            clinikoPatientID: clinikoPatientID,
            createdAt: try container.decodeUnixSecondsIfPresent(forKey: .createdAt)
        )
    }
}
