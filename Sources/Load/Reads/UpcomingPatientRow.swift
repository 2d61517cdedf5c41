public import Foundation

/// A patient with an upcoming appointment, and how soon it is.
///
/// Encodes flat: every key of ``PatientRow`` plus `priority`, `hours_until_next_appointment` and
/// `days_until_next_appointment`, as the original dashboard's `/with-appointments` did.
public struct UpcomingPatientRow: Sendable, Encodable, Equatable {
    /// How soon the next appointment is.
    public enum Priority: String, Sendable, Encodable, CaseIterable {
        /// Within 24 hours.
        case high
        /// Within 72 hours.
        case medium
        /// Later.
        case low

        /// The priority of an appointment `seconds` from now.
        init(secondsUntil seconds: Double) {
            if seconds <= 24 * 3600 {
                self = .high
            } else if seconds <= 72 * 3600 {
                self = .medium
            } else {
                self = .low
            }
        }
    }

    /// The patient; ``PatientRow/nextAppointmentTime`` is the appointment this row is about.
    public var patient: PatientRow
    /// High within 24 hours of the `now` the list was read for, medium within 72 hours, else low.
    public var priority: Priority
    /// Hours from `now` to the next appointment, rounded to two decimals.
    public var hoursUntilNextAppointment: Double
    /// Whole days (24-hour periods, rounded down) from `now` to the next appointment.
    public var daysUntilNextAppointment: Int

    enum CodingKeys: String, CodingKey {
        case priority
        case hoursUntilNextAppointment = "hours_until_next_appointment"
        case daysUntilNextAppointment = "days_until_next_appointment"
    }

    public func encode(to encoder: any Encoder) throws {
        try patient.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(priority, forKey: .priority)
        try container.encode(hoursUntilNextAppointment, forKey: .hoursUntilNextAppointment)
        try container.encode(daysUntilNextAppointment, forKey: .daysUntilNextAppointment)
    }
}
