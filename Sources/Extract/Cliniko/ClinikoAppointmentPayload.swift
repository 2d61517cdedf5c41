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

    private init(record: Appointment) {
        self.record = record
    }

    /// The same record as ``init(from:)`` reads, straight from the page's bytes: appointments are most of a Cliniko
    /// extract, and `JSONDecoder` was half of its CPU. Anything unusual returns `nil`, and `init(from:)` decides.
    static func scanned(_ range: Range<Int>, in scanner: JSONScanner) -> Self? {
        guard let object = ScannedObject(range, in: scanner),
            case let patientID?? = object.linkedID("patient"), case let id?? = object.id("id"),
            let repeatedFrom = object.linkedID("repeated_from"), let practitionerID = object.linkedID("practitioner"),
            let appointmentTypeID = object.linkedID("appointment_type"), let businessID = object.linkedID("business"),
            case let startsAt?? = object.timestamp("starts_at"), case let endsAt?? = object.timestamp("ends_at"),
            let cancelledAt = object.timestamp("cancelled_at"),
            let cancellationReason = object.integer("cancellation_reason"),
            let didNotArrive = object.flag("did_not_arrive"), let patientArrived = object.flag("patient_arrived"),
            let archivedAt = object.timestamp("archived_at"), let deletedAt = object.timestamp("deleted_at"),
            case let createdAt?? = object.timestamp("created_at"),
            case let updatedAt?? = object.timestamp("updated_at"),
            let cancellationNote = object.text("cancellation_note"), endsAt >= startsAt
        else { return nil }
        return Self(
            record: Appointment(
                id: id, patientID: patientID, practitionerID: practitionerID, appointmentTypeID: appointmentTypeID,
                businessID: businessID, startsAt: startsAt, endsAt: endsAt, cancelledAt: cancelledAt,
                cancellationReason: cancellationReason, didNotArrive: didNotArrive, patientArrived: patientArrived,
                archivedAt: archivedAt, deletedAt: deletedAt, createdAt: createdAt, updatedAt: updatedAt,
                cancellationNote: cancellationNote, repeatedFromID: repeatedFrom == id ? nil : repeatedFrom))
    }
}
