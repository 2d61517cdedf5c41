import Foundation
import Pipeline

/// A Cliniko appointment type as `GET /appointment_types` sends it (fact sheet §A.10).
struct ClinikoAppointmentTypePayload: RecordPayload {
    let record: AppointmentType
    var cursor: Date? { record.updatedAt }

    private enum CodingKeys: String, CodingKey {
        case id, name, category
        case durationInMinutes = "duration_in_minutes", telehealthEnabled = "telehealth_enabled"
        case maxAttendees = "max_attendees", archivedAt = "archived_at", createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        record = AppointmentType(
            id: try container.decodeID(forKey: .id),
            name: try container.decodeRequiredText(forKey: .name),
            category: try container.decodeText(forKey: .category),
            durationInMinutes: try container.decodeInteger(forKey: .durationInMinutes),
            isTelehealthEnabled: try container.decodeFlag(forKey: .telehealthEnabled),
            archivedAt: try container.decodeISO8601IfPresent(forKey: .archivedAt),
            createdAt: try container.decodeISO8601(forKey: .createdAt),
            updatedAt: try container.decodeISO8601(forKey: .updatedAt),
            maxAttendees: try container.decodeInteger(forKey: .maxAttendees)
        )
    }
}
