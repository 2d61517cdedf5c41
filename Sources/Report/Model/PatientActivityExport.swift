public import Foundation

/// `patients.json`: the full patient activity table of one organization, for analysts' tools.
public struct PatientActivityExport: Codable, Sendable, Equatable {
    /// The version of this document's shape; 1.
    public var schemaVersion: Int
    /// The organization's Clerk id.
    public var organizationID: String
    /// The instant the activity was computed as of.
    public var asOf: Date
    /// Every scored patient, by id.
    public var patients: [PatientActivityRow]

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case organizationID = "organization_id"
        case asOf = "as_of"
        case patients
    }
}

/// One patient's row of `patient_activity`, with the patient's name and contact details.
public struct PatientActivityRow: Codable, Sendable, Equatable {
    /// Cliniko's id.
    public var patientID: String
    /// Preferred or first name and last name.
    public var name: String
    /// E-mail.
    public var email: String?
    /// Primary phone, E.164.
    public var phone: String?
    /// First attended visit.
    public var firstVisitAt: Date?
    /// Last attended visit.
    public var lastVisitAt: Date?
    /// Next upcoming visit.
    public var nextVisitAt: Date?
    /// The next visit's type name.
    public var nextAppointmentType: String?
    /// The most attended type's name.
    public var primaryAppointmentType: String?
    /// Attended in the recent window.
    public var attendedRecent: Int
    /// Attended in the look-back window.
    public var attended90d: Int
    /// Attended of all time.
    public var attendedTotal: Int
    /// Upcoming visits.
    public var upcomingCount: Int
    /// Cancellations in the look-back window.
    public var cancelled90d: Int
    /// Late cancellations in the look-back window.
    public var lateCancelled90d: Int
    /// Did not arrive in the look-back window.
    public var didNotArrive90d: Int
    /// Attendance rate over the look-back window.
    public var attendanceRate90d: Double?
    /// Latest matched message.
    public var lastMessageAt: Date?
    /// Latest visit or message.
    public var lastContactAt: Date?
    /// Local days since the last contact.
    public var daysSinceLastContact: Int?
    /// Local days until the next visit.
    public var daysUntilNextVisit: Int?
    /// `activity_status`.
    public var activityStatus: String
    /// `engagement`.
    public var engagement: String
    /// `risk_level`.
    public var riskLevel: String
    /// 0–100.
    public var riskScore: Int
    /// 1–4.
    public var actionPriority: Int
    /// What to do.
    public var recommendedAction: String
    /// Attended visits × the pipeline's average fee.
    public var lifetimeValue: Double?

    enum CodingKeys: String, CodingKey {
        case patientID = "patient_id"
        case name, email, phone
        case firstVisitAt = "first_visit_at"
        case lastVisitAt = "last_visit_at"
        case nextVisitAt = "next_visit_at"
        case nextAppointmentType = "next_appointment_type"
        case primaryAppointmentType = "primary_appointment_type"
        case attendedRecent = "attended_recent"
        case attended90d = "attended_90d"
        case attendedTotal = "attended_total"
        case upcomingCount = "upcoming_count"
        case cancelled90d = "cancelled_90d"
        case lateCancelled90d = "late_cancelled_90d"
        case didNotArrive90d = "did_not_arrive_90d"
        case attendanceRate90d = "attendance_rate_90d"
        case lastMessageAt = "last_message_at"
        case lastContactAt = "last_contact_at"
        case daysSinceLastContact = "days_since_last_contact"
        case daysUntilNextVisit = "days_until_next_visit"
        case activityStatus = "activity_status"
        case engagement
        case riskLevel = "risk_level"
        case riskScore = "risk_score"
        case actionPriority = "action_priority"
        case recommendedAction = "recommended_action"
        case lifetimeValue = "lifetime_value"
    }
}
