public import Foundation

/// A patient's activity, engagement and risk as of one instant (the `patient_activity` table).
///
/// `docs/scoring.md` defines every field; windows are counted in calendar days of the organization's time zone.
public struct PatientActivity: Sendable, Hashable, Codable {
    /// Where the patient stands in their care.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Attended recently and has an upcoming visit.
        case active
        /// Attended recently, nothing upcoming.
        case recentlyActive = "recently_active"
        /// Has an upcoming visit but no recent attended visit.
        case upcomingOnly = "upcoming_only"
        /// Attended before, nothing recent and nothing upcoming.
        case lapsed
        /// Never attended, nothing upcoming, created recently.
        case new
        /// Never attended, nothing upcoming, not created recently.
        case neverSeen = "never_seen"
    }

    /// How recently the clinic and the patient were in touch.
    public enum Engagement: String, Sendable, Hashable, Codable, CaseIterable {
        /// Upcoming visit, or last contact within the dormancy threshold.
        case active
        /// In touch before, but not within the dormancy threshold and nothing upcoming.
        case dormant
        /// Never in touch (no attended visit, no message) and nothing upcoming.
        case stale
    }

    /// The risk of losing the patient.
    public enum RiskLevel: String, Sendable, Hashable, Codable, CaseIterable {
        /// Low risk.
        case low
        /// Medium risk.
        case medium
        /// High risk.
        case high
    }

    /// The patient's Cliniko id.
    public var patientID: String
    /// The instant the activity was computed for.
    public var asOf: Date
    /// The start of the first attended visit.
    public var firstVisitAt: Date?
    /// The start of the last attended visit (never in the future).
    public var lastVisitAt: Date?
    /// The start of the next upcoming visit.
    public var nextVisitAt: Date?
    /// The appointment type of the next upcoming visit.
    public var nextVisitAppointmentTypeID: String?
    /// Attended visits in the recent window (30 days by default).
    public var recentAttendedCount: Int
    /// Attended visits in the look-back window (90 days by default).
    public var lookbackAttendedCount: Int
    /// Attended visits of all time.
    public var totalAttendedCount: Int
    /// Upcoming visits.
    public var upcomingCount: Int
    /// Cancellations (late or not) of visits that started in the look-back window.
    public var lookbackCancelledCount: Int
    /// Late cancellations of visits that started in the look-back window.
    public var lookbackLateCancelledCount: Int
    /// Did-not-arrive visits in the look-back window.
    public var lookbackDidNotArriveCount: Int
    /// attended / (attended + did not arrive + late cancelled) over the look-back window; `nil` when the
    /// denominator is 0.
    public var attendanceRate: Double?
    /// The most attended appointment type of all time (ties: the most recently attended of them).
    public var primaryAppointmentTypeID: String?
    /// The latest patient-facing message of a matched conversation, at or before ``asOf``.
    public var lastMessageAt: Date?
    /// The later of ``lastVisitAt`` and ``lastMessageAt``.
    public var lastContactAt: Date?
    /// Calendar days from ``lastContactAt`` to ``asOf`` in the organization's time zone.
    public var daysSinceLastContact: Int?
    /// Calendar days from ``asOf`` to ``nextVisitAt`` in the organization's time zone.
    public var daysUntilNextVisit: Int?
    /// The activity status.
    public var status: Status
    /// The engagement.
    public var engagement: Engagement
    /// The risk level.
    public var riskLevel: RiskLevel
    /// The risk score, 0–100.
    public var riskScore: Int
    /// The action priority, 1 (urgent) to 4 (low).
    public var actionPriority: Int
    /// The recommended action, in words for the clinic's staff.
    public var recommendedAction: String
    /// Attended visits of all time × the configured average fee; `nil` when no fee is configured.
    public var lifetimeValue: Double?
    /// The probability that the patient is still a patient, from the organization's BG/NBD fit; `nil` without a fit
    /// or an attended visit.
    public var probabilityAlive: Double?
    /// The visits the BG/NBD fit expects from the patient in the next 90 days; `nil` without a fit or a visit.
    public var expectedVisits90d: Double?
    /// The median number of days between the patient's attended visit days; `nil` with fewer than two.
    public var typicalIntervalDays: Double?
    /// Days since the last attended visit ÷ ``typicalIntervalDays``; above 1 the patient is later than usual.
    public var overdueRatio: Double?
    /// The patient's recency, frequency and monetary quintiles among the organization's patients with a visit.
    public var rfm: RFM?
    /// The patient's place on the call list (1 = call first; patients with identical histories share a place);
    /// `nil` when not on the list.
    public var callRank: Int?
    /// Why the patient is on the call list, in words for the clinic's staff (no names or contact details).
    public var callReason: String?

    /// Creates a patient activity row; the scorer is the usual way to make one.
    ///
    /// - Parameters: One per property; see each property's documentation.
    public init(
        patientID: String,
        asOf: Date,
        firstVisitAt: Date?,
        lastVisitAt: Date?,
        nextVisitAt: Date?,
        nextVisitAppointmentTypeID: String?,
        recentAttendedCount: Int,
        lookbackAttendedCount: Int,
        totalAttendedCount: Int,
        upcomingCount: Int,
        lookbackCancelledCount: Int,
        lookbackLateCancelledCount: Int,
        lookbackDidNotArriveCount: Int,
        attendanceRate: Double?,
        primaryAppointmentTypeID: String?,
        lastMessageAt: Date?,
        lastContactAt: Date?,
        daysSinceLastContact: Int?,
        daysUntilNextVisit: Int?,
        status: Status,
        engagement: Engagement,
        riskLevel: RiskLevel,
        riskScore: Int,
        actionPriority: Int,
        recommendedAction: String,
        lifetimeValue: Double? = nil,
        probabilityAlive: Double? = nil,
        expectedVisits90d: Double? = nil,
        typicalIntervalDays: Double? = nil,
        overdueRatio: Double? = nil,
        rfm: RFM? = nil,
        callRank: Int? = nil,
        callReason: String? = nil
    ) {
        self.patientID = patientID
        self.asOf = asOf
        self.firstVisitAt = firstVisitAt
        self.lastVisitAt = lastVisitAt
        self.nextVisitAt = nextVisitAt
        self.nextVisitAppointmentTypeID = nextVisitAppointmentTypeID
        self.recentAttendedCount = recentAttendedCount
        self.lookbackAttendedCount = lookbackAttendedCount
        self.totalAttendedCount = totalAttendedCount
        self.upcomingCount = upcomingCount
        self.lookbackCancelledCount = lookbackCancelledCount
        self.lookbackLateCancelledCount = lookbackLateCancelledCount
        self.lookbackDidNotArriveCount = lookbackDidNotArriveCount
        self.attendanceRate = attendanceRate
        self.primaryAppointmentTypeID = primaryAppointmentTypeID
        self.lastMessageAt = lastMessageAt
        self.lastContactAt = lastContactAt
        self.daysSinceLastContact = daysSinceLastContact
        self.daysUntilNextVisit = daysUntilNextVisit
        self.status = status
        self.engagement = engagement
        self.riskLevel = riskLevel
        self.riskScore = riskScore
        self.actionPriority = actionPriority
        self.recommendedAction = recommendedAction
        self.lifetimeValue = lifetimeValue
        self.probabilityAlive = probabilityAlive
        self.expectedVisits90d = expectedVisits90d
        self.typicalIntervalDays = typicalIntervalDays
        self.overdueRatio = overdueRatio
        self.rfm = rfm
        self.callRank = callRank
        self.callReason = callReason
    }
}
