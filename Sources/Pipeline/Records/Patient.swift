public import Foundation

/// A Cliniko patient.
public struct Patient: Sendable, Hashable, Codable {
    /// The Cliniko id (a 19-digit integer kept as text).
    public var id: String
    /// The first name.
    public var firstName: String
    /// The last name.
    public var lastName: String
    /// The e-mail address as stored in Cliniko, if any.
    public var email: String?
    /// The date of birth (`YYYY-MM-DD`), if known.
    public var dateOfBirth: String?
    /// The patient's phone numbers, in Cliniko's order.
    public var phones: [PatientPhone]
    /// When the patient was archived, if they were.
    public var archivedAt: Date?
    /// When the patient was merged into another patient, if they were.
    public var mergedAt: Date?
    /// The id of the patient this one was merged into, if any.
    public var mergedIntoPatientID: String?
    /// When the patient was deleted in Cliniko, if they were.
    public var deletedAt: Date?
    /// When the patient was created in Cliniko.
    public var createdAt: Date
    /// When the patient was last updated in Cliniko.
    public var updatedAt: Date
    /// The preferred first name, if any.
    public var preferredFirstName: String?
    /// The title ("Dr", "Ms"…), if any.
    public var title: String?
    /// Cliniko's `sex`, if recorded.
    public var sex: String?

    /// Creates a patient.
    ///
    /// - Parameters:
    ///   - id: The Cliniko id.
    ///   - firstName: The first name.
    ///   - lastName: The last name.
    ///   - email: The e-mail address, if any.
    ///   - dateOfBirth: The date of birth (`YYYY-MM-DD`), if known.
    ///   - phones: The phone numbers.
    ///   - archivedAt: When the patient was archived.
    ///   - mergedAt: When the patient was merged.
    ///   - mergedIntoPatientID: The surviving patient's id after a merge.
    ///   - deletedAt: When the patient was deleted.
    ///   - createdAt: When the patient was created.
    ///   - updatedAt: When the patient was last updated.
    ///   - preferredFirstName: The preferred first name.
    ///   - title: The title.
    ///   - sex: Cliniko's `sex`.
    public init(
        id: String,
        firstName: String,
        lastName: String,
        email: String? = nil,
        dateOfBirth: String? = nil,
        phones: [PatientPhone] = [],
        archivedAt: Date? = nil,
        mergedAt: Date? = nil,
        mergedIntoPatientID: String? = nil,
        deletedAt: Date? = nil,
        createdAt: Date,
        updatedAt: Date,
        preferredFirstName: String? = nil,
        title: String? = nil,
        sex: String? = nil
    ) {
        self.id = id
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.dateOfBirth = dateOfBirth
        self.phones = phones
        self.archivedAt = archivedAt
        self.mergedAt = mergedAt
        self.mergedIntoPatientID = mergedIntoPatientID
        self.deletedAt = deletedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.preferredFirstName = preferredFirstName
        self.title = title
        self.sex = sex
    }
}
