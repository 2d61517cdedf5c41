public import Foundation
public import Pipeline

/// Everything the scorer needs about one patient: the patient, all their appointments, and the latest
/// patient-facing message in any Chatwoot conversation matched to them.
public struct PatientHistory: Sendable, Hashable {
    /// The patient.
    public var patient: Patient
    /// All the patient's appointments, in any order (archived ones included; they count for nothing).
    public var appointments: [Appointment]
    /// The latest patient-facing message of the patient's matched conversations, if any.
    public var lastMessageAt: Date?

    /// Creates a patient history.
    ///
    /// - Parameters:
    ///   - patient: The patient.
    ///   - appointments: All the patient's appointments.
    ///   - lastMessageAt: The latest matched message instant, `nil` when there is none.
    public init(patient: Patient, appointments: [Appointment], lastMessageAt: Date? = nil) {
        self.patient = patient
        self.appointments = appointments
        self.lastMessageAt = lastMessageAt
    }
}
