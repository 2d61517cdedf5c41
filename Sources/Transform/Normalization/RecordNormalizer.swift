public import Pipeline

/// The per-record transforms: normalizes phone numbers of patients and contacts, and checks appointments.
///
/// Each method takes a domain record and returns it transformed, or a ``TransformRejection`` that the runner
/// quarantines. A phone number that cannot be read never rejects its record: the phone entry keeps its raw
/// text and carries the failure reason.
public struct RecordNormalizer: Sendable {
    /// The normalization settings.
    public struct Configuration: Sendable, Hashable {
        /// How phone numbers without a country code are read. Defaults to Australian numbers.
        public var phoneNumbers: PhoneNumberParser.Configuration

        /// Creates a configuration.
        ///
        /// - Parameter phoneNumbers: How phone numbers are read; Australian by default.
        public init(phoneNumbers: PhoneNumberParser.Configuration = .init()) {
            self.phoneNumbers = phoneNumbers
        }
    }

    /// The settings.
    public let configuration: Configuration
    private let parser: PhoneNumberParser

    /// Creates a normalizer.
    ///
    /// - Parameter configuration: The settings.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
        self.parser = PhoneNumberParser(configuration: configuration.phoneNumbers)
    }

    /// Normalizes every phone number of a patient.
    ///
    /// - Parameter patient: The patient as extracted.
    /// - Returns: The patient with each phone's ``PatientPhone/normalization`` set, or a rejection when the
    ///   patient has no id.
    public func normalize(_ patient: Patient) -> Result<Patient, TransformRejection> {
        guard !patient.id.isEmpty else {
            return .failure(TransformRejection(code: .missingID, recordID: patient.id))
        }
        var normalized = patient
        for index in normalized.phones.indices {
            normalized.phones[index].normalization = parser.normalize(normalized.phones[index].number)
        }
        return .success(normalized)
    }

    /// Normalizes a Chatwoot contact's phone number (already E.164 in Chatwoot, but checked the same way).
    ///
    /// - Parameter contact: The contact as extracted.
    /// - Returns: The contact with ``Contact/phoneNormalization`` set when it has a phone number, or a
    ///   rejection when the contact has no id.
    public func normalize(_ contact: Contact) -> Result<Contact, TransformRejection> {
        guard !contact.id.isEmpty else {
            return .failure(TransformRejection(code: .missingID, recordID: contact.id))
        }
        var normalized = contact
        if let phoneNumber = contact.phoneNumber {
            normalized.phoneNormalization = parser.normalize(phoneNumber)
        }
        return .success(normalized)
    }

    /// Checks an appointment.
    ///
    /// - Parameter appointment: The appointment as extracted.
    /// - Returns: The appointment unchanged, or a rejection when it has no id, no patient, or ends before it
    ///   starts.
    public func normalize(_ appointment: Appointment) -> Result<Appointment, TransformRejection> {
        guard !appointment.id.isEmpty else {
            return .failure(TransformRejection(code: .missingID, recordID: appointment.id))
        }
        guard !appointment.patientID.isEmpty else {
            return .failure(TransformRejection(code: .missingPatient, recordID: appointment.id))
        }
        guard appointment.endsAt >= appointment.startsAt else {
            return .failure(TransformRejection(code: .endsBeforeStart, recordID: appointment.id))
        }
        return .success(appointment)
    }
}
