public import Pipeline

/// Matches Chatwoot contacts to Cliniko patients of the same organization.
///
/// Signals are tried in the configured order (by default phone, then e-mail, then identifier):
///
/// 1. **Phone**: the contact's E.164 number equals any E.164 number of a patient.
/// 2. **E-mail**: the addresses are equal after trimming white space and ignoring case.
/// 3. **Identifier**: the contact's `identifier` or `cliniko_patient_id` custom attribute is a patient's id.
///
/// The first signal that finds any patient decides. One patient: ``ContactMatch/Status/matched``. Several
/// patients (a family phone, a shared e-mail): a later signal that picks exactly one of those same patients
/// settles it (a family phone narrowed by the child's own e-mail); otherwise the match is
/// ``ContactMatch/Status/ambiguous`` with the candidates recorded and none chosen. Patients other signals point
/// at are recorded as conflicting. Merged and deleted patients are left out of the indexes, so a merge never
/// makes a number look shared.
///
/// The indexes are built once per organization, in time linear in the patients' phones and e-mails; each
/// match is a few hash lookups.
public struct ContactMatcher: Sendable {
    /// The matching settings.
    public struct Configuration: Sendable, Hashable {
        /// The signals to use, in order. Defaults to `[.phone, .email, .identifier]`.
        public var methods: [ContactMatch.Method]

        /// Creates a configuration.
        ///
        /// - Parameter methods: The signals in order; phone, e-mail, identifier by default.
        public init(methods: [ContactMatch.Method] = [.phone, .email, .identifier]) {
            self.methods = methods
        }
    }

    /// The settings.
    public let configuration: Configuration
    private var patientsByPhone: [String: [String]] = [:]
    private var patientsByEmail: [String: [String]] = [:]
    private var knownPatientIDs: Set<String> = []

    /// Builds the indexes for one organization's patients.
    ///
    /// - Parameters:
    ///   - patients: The organization's patients, with phones normalized (``RecordNormalizer``); phones
    ///     without an E.164 form are not indexed.
    ///   - configuration: The settings.
    public init(patients: some Sequence<Patient>, configuration: Configuration = .init()) {
        self.configuration = configuration
        for patient in patients { insert(patient) }
    }

    /// Adds one patient to the indexes, for callers that read patients one at a time; merged and deleted patients
    /// and patients without an id are left out, as ``init(patients:configuration:)`` leaves them out.
    public mutating func insert(_ patient: Patient) {
        guard patient.mergedAt == nil, patient.deletedAt == nil, !patient.id.isEmpty else { return }
        knownPatientIDs.insert(patient.id)
        for phone in patient.phones {
            guard let e164 = phone.normalization?.e164 else { continue }
            Self.add(patient.id, to: &patientsByPhone[e164, default: []])
        }
        if let email = patient.email.flatMap(Self.normalizedEmail) {
            Self.add(patient.id, to: &patientsByEmail[email, default: []])
        }
    }

    /// Matches one contact.
    ///
    /// - Parameter contact: The contact, ideally with ``Contact/phoneNormalization`` set; otherwise its
    ///   `phone_number` is used when it is already in E.164 form.
    /// - Returns: The match, with its method, candidates and conflicting patients.
    public func match(_ contact: Contact) -> ContactMatch {
        let signals = configuration.methods.map { method in
            Signal(method: method, candidates: patientIDs(for: contact, by: method))
        }
        guard let decidingIndex = signals.firstIndex(where: { !$0.candidates.isEmpty }) else {
            return ContactMatch(contactID: contact.id, status: .unmatched)
        }
        let method = signals[decidingIndex].method
        let candidates = signals[decidingIndex].candidates
        var chosen: (patientID: String, method: ContactMatch.Method)?
        if candidates.count == 1 {
            chosen = (candidates[0], method)
        } else {
            for later in signals[(decidingIndex + 1)...] {
                let common = later.candidates.filter { candidates.contains($0) }
                if common.count == 1 {
                    chosen = (common[0], later.method)
                    break
                }
            }
        }
        let others = Set(signals.flatMap { $0.candidates })
        guard let chosen else {
            return ContactMatch(
                contactID: contact.id,
                status: .ambiguous,
                method: method,
                candidatePatientIDs: candidates,
                conflictingPatientIDs: others.subtracting(candidates).sorted()
            )
        }
        return ContactMatch(
            contactID: contact.id,
            status: .matched,
            patientID: chosen.patientID,
            method: chosen.method,
            candidatePatientIDs: candidates,
            conflictingPatientIDs: others.subtracting(candidates).sorted()
        )
    }

    /// The patients one signal points at.
    private struct Signal {
        var method: ContactMatch.Method
        var candidates: [String]
    }

    /// The patients one signal points at, sorted by id.
    private func patientIDs(for contact: Contact, by method: ContactMatch.Method) -> [String] {
        switch method {
        case .phone:
            let e164 = contact.phoneNormalization?.e164 ?? contact.phoneNumber.flatMap(Self.alreadyE164)
            return e164.flatMap { patientsByPhone[$0] }?.sorted() ?? []
        case .email:
            return contact.email.flatMap(Self.normalizedEmail).flatMap { patientsByEmail[$0] }?.sorted() ?? []
        case .identifier:
            let ids = [contact.identifier, contact.clinikoPatientID]
                .compactMap { $0?.trimmingWhiteSpace() }
                .filter { knownPatientIDs.contains($0) }
            return Array(Set(ids)).sorted()
        }
    }

    private static func add(_ patientID: String, to list: inout [String]) {
        if !list.contains(patientID) { list.append(patientID) }
    }

    /// The e-mail address trimmed and lower-cased, or `nil` when nothing is left.
    static func normalizedEmail(_ email: String) -> String? {
        let trimmed = email.trimmingWhiteSpace().lowercased()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The phone number when it is already written in E.164 form (`+` and 2–15 digits).
    static func alreadyE164(_ phoneNumber: String) -> String? {
        let trimmed = phoneNumber.trimmingWhiteSpace()
        let digits = trimmed.utf8.dropFirst()
        guard trimmed.utf8.first == UInt8(ascii: "+"), (2...15).contains(digits.count),
            digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return trimmed
    }
}
