public import Foundation

/// Appointment figures for one ISO week in the organization's time zone (the `appointment_weekly_stats` table).
public struct WeeklyAppointmentStatistics: Sendable, Hashable, Codable {
    /// The ISO week-numbering year.
    public var isoYear: Int
    /// The ISO week number, 1–53.
    public var isoWeek: Int
    /// The local date of the week's Monday, `YYYY-MM-DD`.
    public var weekStartDate: String
    /// The instant the week starts (Monday 00:00 local time).
    public var startsAt: Date
    /// Attended appointments that started in the week.
    public var attendedCount: Int
    /// Cancelled appointments (late or not) that were due to start in the week.
    public var cancelledCount: Int
    /// Did-not-arrive appointments in the week.
    public var didNotArriveCount: Int
    /// Upcoming (booked, not cancelled) appointments in the week.
    public var bookedCount: Int

    /// Creates a row.
    ///
    /// - Parameters: One per property; see each property's documentation.
    public init(
        isoYear: Int,
        isoWeek: Int,
        weekStartDate: String,
        startsAt: Date,
        attendedCount: Int,
        cancelledCount: Int,
        didNotArriveCount: Int,
        bookedCount: Int
    ) {
        self.isoYear = isoYear
        self.isoWeek = isoWeek
        self.weekStartDate = weekStartDate
        self.startsAt = startsAt
        self.attendedCount = attendedCount
        self.cancelledCount = cancelledCount
        self.didNotArriveCount = didNotArriveCount
        self.bookedCount = bookedCount
    }
}
