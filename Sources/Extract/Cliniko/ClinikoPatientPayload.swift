import Foundation
import Pipeline

/// A Cliniko patient as `GET /patients` sends it (fact sheet §A.10).
struct ClinikoPatientPayload: RecordPayload {
    let record: Patient
    var cursor: Date? { record.updatedAt }

    private enum CodingKeys: String, CodingKey {
        case id, email, title, sex
        case firstName = "first_name", lastName = "last_name", preferredFirstName = "preferred_first_name"
        case dateOfBirth = "date_of_birth", phones = "patient_phone_numbers"
        case archivedAt = "archived_at", mergedAt = "merged_at", mergedWithPatient = "merged_with_patient"
        case deletedAt = "deleted_at", createdAt = "created_at", updatedAt = "updated_at"
    }

    private struct PhoneEntry: Decodable {
        let phone: PatientPhone?

        private enum CodingKeys: String, CodingKey {
            case number, phoneType = "phone_type"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            phone = try container.decodeText(forKey: .number).map {
                PatientPhone(number: $0, phoneType: try container.decodeText(forKey: .phoneType) ?? "Other")
            }
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let phones = try container.decodeIfPresent([PhoneEntry].self, forKey: .phones) ?? []
        record = Patient(
            id: try container.decodeID(forKey: .id),
            firstName: try container.decodeRequiredText(forKey: .firstName),
            lastName: try container.decodeText(forKey: .lastName) ?? "",
            email: try container.decodeText(forKey: .email),
            dateOfBirth: try container.decodeCivilDate(forKey: .dateOfBirth),
            phones: phones.compactMap(\.phone),
            archivedAt: try container.decodeISO8601IfPresent(forKey: .archivedAt),
            mergedAt: try container.decodeISO8601IfPresent(forKey: .mergedAt),
            mergedIntoPatientID: try container.decodeLinkedID(forKey: .mergedWithPatient),
            deletedAt: try container.decodeISO8601IfPresent(forKey: .deletedAt),
            createdAt: try container.decodeISO8601(forKey: .createdAt),
            updatedAt: try container.decodeISO8601(forKey: .updatedAt),
            preferredFirstName: try container.decodeText(forKey: .preferredFirstName),
            title: try container.decodeText(forKey: .title),
            sex: try container.decodeText(forKey: .sex)
        )
    }
}
