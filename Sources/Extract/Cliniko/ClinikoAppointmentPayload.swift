import Foundation
import Pipeline

/// A Cliniko individual appointment as `GET /individual_appointments` sends it (fact sheet §A.10). The patient,
/// practitioner, type, business and series are link objects resolved to ids.
struct ClinikoAppointmentPayload: RecordPayload {
    let record: Appointment
    var cursor: Date? { record.updatedAt }

    private enum CodingKeys: String, CodingKey {
        case id, patient, practitioner, business
        case appointmentType = "appointment_type", startsAt = "starts_at", endsAt = "ends_at"
        case cancelledAt = "cancelled_at", cancellationReason = "cancellation_reason"
        case cancellationNote = "cancellation_note", didNotArrive = "did_not_arrive"
        case patientArrived = "patient_arrived", archivedAt = "archived_at", deletedAt = "deleted_at"
        case createdAt = "created_at", updatedAt = "updated_at", repeatedFrom = "repeated_from"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let patientID = try container.decodeLinkedID(forKey: .patient) else {
            throw FieldError(reason: "missing field `patient`")
        }
        let id = try container.decodeID(forKey: .id)
        let repeatedFrom = try container.decodeLinkedID(forKey: .repeatedFrom)
        record = Appointment(
            id: id,
            patientID: patientID,
            practitionerID: try container.decodeLinkedID(forKey: .practitioner),
            appointmentTypeID: try container.decodeLinkedID(forKey: .appointmentType),
            businessID: try container.decodeLinkedID(forKey: .business),
            startsAt: try container.decodeISO8601(forKey: .startsAt),
            endsAt: try container.decodeISO8601(forKey: .endsAt),
            cancelledAt: try container.decodeISO8601IfPresent(forKey: .cancelledAt),
            cancellationReason: try container.decodeInteger(forKey: .cancellationReason),
            didNotArrive: try container.decodeFlag(forKey: .didNotArrive),
            patientArrived: try container.decodeFlag(forKey: .patientArrived),
            archivedAt: try container.decodeISO8601IfPresent(forKey: .archivedAt),
            deletedAt: try container.decodeISO8601IfPresent(forKey: .deletedAt),
            createdAt: try container.decodeISO8601(forKey: .createdAt),
            updatedAt: try container.decodeISO8601(forKey: .updatedAt),
            cancellationNote: try container.decodeText(forKey: .cancellationNote),
            repeatedFromID: repeatedFrom == id ? nil : repeatedFrom
        )
        guard record.endsAt >= record.startsAt else { throw FieldError(reason: "`ends_at` before `starts_at`") }
    }
}
