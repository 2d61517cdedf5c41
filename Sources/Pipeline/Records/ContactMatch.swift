/// How a Chatwoot contact was matched to a Cliniko patient of the same organization.
public struct ContactMatch: Sendable, Hashable, Codable {
    /// The signal that decided the match.
    public enum Method: String, Sendable, Hashable, Codable, CaseIterable {
        /// One of the patient's E.164 numbers equals the contact's.
        case phone
        /// The patient's e-mail equals the contact's, trimmed and case-insensitively.
        case email
        /// The contact's `identifier` or `cliniko_patient_id` custom attribute is the patient's id.
        case identifier
    }

    /// The outcome of matching.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Exactly one patient was chosen.
        case matched
        /// Several patients fit (a family phone, a shared e-mail) and nothing told them apart: none was chosen.
        case ambiguous
        /// No patient fits.
        case unmatched
    }

    /// The Chatwoot contact id.
    public var contactID: String
    /// The outcome.
    public var status: Status
    /// The chosen patient's id when ``status`` is ``Status/matched``.
    public var patientID: String?
    /// The signal that decided (for ``Status/ambiguous``, the signal that found several patients).
    public var method: Method?
    /// The patients the deciding signal pointed at, sorted by id.
    public var candidatePatientIDs: [String]
    /// Patients that other signals pointed at but were not chosen (conflicting signals), sorted by id.
    public var conflictingPatientIDs: [String]

    /// Creates a contact match.
    ///
    /// - Parameters:
    ///   - contactID: The contact id.
    ///   - status: The outcome.
    ///   - patientID: The chosen patient, if matched.
    ///   - method: The deciding signal.
    ///   - candidatePatientIDs: The candidates of the deciding signal.
    ///   - conflictingPatientIDs: Patients named by other signals and not chosen.
    public init(
        contactID: String,
        status: Status,
        patientID: String? = nil,
        method: Method? = nil,
        candidatePatientIDs: [String] = [],
        conflictingPatientIDs: [String] = []
    ) {
        self.contactID = contactID
        self.status = status
        self.patientID = patientID
        self.method = method
        self.candidatePatientIDs = candidatePatientIDs
        self.conflictingPatientIDs = conflictingPatientIDs
    }
}
