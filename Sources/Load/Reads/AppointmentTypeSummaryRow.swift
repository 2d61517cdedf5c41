public import Foundation

/// One appointment type's figures, from `appointment_type_stats` as of the organization's last run.
///
/// Keys are the original dashboard's, plus `appointment_type_id`. Meanings differ from the original where noted.
public struct AppointmentTypeSummaryRow: Sendable, Encodable, Equatable {
    /// The appointment type's id at the source; empty for appointments that have no type.
    public var appointmentTypeID: String
    /// The type's name; its id when the type is not in `appointment_types`.
    public var appointmentType: String
    /// Distinct patients with at least one non-archived appointment of this type.
    public var patientCount: Int
    /// This type's share of all non-archived appointments, in percent with two decimals (0–100). The original
    /// gave the share of patients instead.
    public var percentageOfTotal: Double
    /// Non-archived appointments of this type per patient who has one, two decimals; 0 when no patient has one.
    public var avgAppointmentsPerPatient: Double
    /// The start of the latest attended appointment of this type (the original may have counted any appointment).
    public var mostRecentAppointment: Date?

    enum CodingKeys: String, CodingKey {
        case appointmentTypeID = "appointment_type_id"
        case appointmentType = "appointment_type"
        case patientCount = "patient_count"
        case percentageOfTotal = "percentage_of_total"
        case avgAppointmentsPerPatient = "avg_appointments_per_patient"
        case mostRecentAppointment = "most_recent_appointment"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(appointmentTypeID, forKey: .appointmentTypeID)
        try container.encode(appointmentType, forKey: .appointmentType)
        try container.encode(patientCount, forKey: .patientCount)
        try container.encode(percentageOfTotal, forKey: .percentageOfTotal)
        try container.encode(avgAppointmentsPerPatient, forKey: .avgAppointmentsPerPatient)
        try container.encodeTimestamp(mostRecentAppointment, forKey: .mostRecentAppointment)
    }
}
