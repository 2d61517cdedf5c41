/// The orders the patient list can be read in. Every order ends with the patient id, so it is total.
public enum PatientSort: String, Sendable, CaseIterable {
    /// Most urgent first: `action_priority` ascending, then `risk_score` descending, then patient id.
    case priority
    /// By last name, then first name (case-insensitively; a missing name sorts as empty), then patient id.
    case name
    /// Most recently contacted first, never contacted last: `last_contact_at` descending with nulls last, then
    /// patient id.
    case lastContact = "last_contact"
}
