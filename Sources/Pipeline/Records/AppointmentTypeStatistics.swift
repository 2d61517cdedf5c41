public import Foundation

/// Appointment figures for one appointment type (the `appointment_type_stats` table).
public struct AppointmentTypeStatistics: Sendable, Hashable, Codable {
    /// The appointment type's Cliniko id (empty for appointments without a type).
    public var appointmentTypeID: String
    /// Distinct patients with at least one non-archived appointment of this type.
    public var patientCount: Int
    /// Non-archived appointments of this type, all time.
    public var appointmentCount: Int
    /// Upcoming appointments of this type.
    public var upcomingCount: Int
    /// Attended appointments of this type in the look-back window (90 days by default).
    public var lookbackAttendedCount: Int
    /// Cancelled (late or not) appointments of this type in the look-back window.
    public var lookbackCancelledCount: Int
    /// Did-not-arrive appointments of this type in the look-back window.
    public var lookbackDidNotArriveCount: Int
    /// This type's share of all non-archived appointments, 0–1.
    public var shareOfAppointments: Double
    /// When the most recent attended appointment of this type started (`nil` when none was attended yet).
    public var mostRecentVisitAt: Date?

    /// Creates a row.
    ///
    /// - Parameters: One per property; see each property's documentation.
    public init(
        appointmentTypeID: String,
        patientCount: Int,
        appointmentCount: Int,
        upcomingCount: Int,
        lookbackAttendedCount: Int,
        lookbackCancelledCount: Int,
        lookbackDidNotArriveCount: Int,
        shareOfAppointments: Double,
        mostRecentVisitAt: Date? = nil
    ) {
        self.appointmentTypeID = appointmentTypeID
        self.patientCount = patientCount
        self.appointmentCount = appointmentCount
        self.upcomingCount = upcomingCount
        self.lookbackAttendedCount = lookbackAttendedCount
        self.lookbackCancelledCount = lookbackCancelledCount
        self.lookbackDidNotArriveCount = lookbackDidNotArriveCount
        self.shareOfAppointments = shareOfAppointments
        self.mostRecentVisitAt = mostRecentVisitAt
    }
}
