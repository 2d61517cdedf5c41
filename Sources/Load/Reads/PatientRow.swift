public import Foundation

/// One patient as the patient lists show them: contact details, appointment figures and RoutIQ's scores.
///
/// The figures come from `patient_activity`, as of the organization's last run; names and contact details from
/// `patients`. Keys keep the original dashboard's names where the meaning is the same (docs/original-system.md §1);
/// differences are noted per field. Dates encode as ISO 8601 in UTC with fractional seconds; missing values encode
/// as `null`.
public struct PatientRow: Sendable, Encodable, Equatable {
    /// The patient id: Cliniko's patient id (RoutIQ keys patients by their source id).
    public var id: String
    /// The display name: preferred (else first) name and last name; the id when the patient has no name.
    public var name: String
    /// The primary phone number in E.164 (the first of the patient's numbers that normalized), if any.
    public var phone: String?
    /// The e-mail address, if any.
    public var email: String?
    /// Cliniko's patient id: the same value as ``id``, kept because the dashboard reads this key.
    public var clinikoPatientID: String
    /// Whether the patient is active in the dashboard's sense: `activity_status` is `active`, `recently_active`
    /// or `upcoming_only` (the report's `active_patients` counts the same patients). Archived patients can be active.
    public var isActive: Bool
    /// `active`, `recently_active`, `upcoming_only`, `lapsed`, `new` or `never_seen` (docs/scoring.md).
    public var activityStatus: String
    /// `active`, `dormant` or `stale`.
    public var engagement: String
    /// `low`, `medium` or `high`.
    public var riskLevel: String
    /// 0 to 100; higher is more at risk.
    public var riskScore: Int
    /// 1 (act first) to 4.
    public var actionPriority: Int
    /// What to do next, in words.
    public var recommendedAction: String
    /// Attended appointments in the last 90 days (the original counted appointments in the last 30 days).
    public var recentAppointmentCount: Int
    /// Upcoming appointments (booked, not cancelled) as of the last run.
    public var upcomingAppointmentCount: Int
    /// Attended appointments of all time (the original counted every appointment, whatever became of it).
    public var totalAppointmentCount: Int
    /// The first attended visit.
    public var firstAppointmentDate: Date?
    /// The last attended visit.
    public var lastAppointmentDate: Date?
    /// The start of the next upcoming visit, as of the last run.
    public var nextAppointmentTime: Date?
    /// The next visit's appointment type name (its id when the type is unknown).
    public var nextAppointmentType: String?
    /// The name of the appointment type the patient books most (its id when the type is unknown).
    public var primaryAppointmentType: String?
    /// The later of the last attended visit and the last message in a matched conversation.
    public var lastContactAt: Date?
    /// Whole days since ``lastContactAt`` in the organization's time zone, as of the last run.
    public var daysSinceLastContact: Int?
    /// When RoutIQ last wrote the patient's row (`patients.loaded_at`).
    public var lastSyncedAt: Date
    /// When the patient was created at the source.
    public var createdAt: Date?
    /// When the patient was last changed at the source.
    public var updatedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id
        case name
        case phone
        case email
        case clinikoPatientID = "cliniko_patient_id"
        case isActive = "is_active"
        case activityStatus = "activity_status"
        case engagement
        case riskLevel = "risk_level"
        case riskScore = "risk_score"
        case actionPriority = "action_priority"
        case recommendedAction = "recommended_action"
        case recentAppointmentCount = "recent_appointment_count"
        case upcomingAppointmentCount = "upcoming_appointment_count"
        case totalAppointmentCount = "total_appointment_count"
        case firstAppointmentDate = "first_appointment_date"
        case lastAppointmentDate = "last_appointment_date"
        case nextAppointmentTime = "next_appointment_time"
        case nextAppointmentType = "next_appointment_type"
        case primaryAppointmentType = "primary_appointment_type"
        case lastContactAt = "last_contact_at"
        case daysSinceLastContact = "days_since_last_contact"
        case lastSyncedAt = "last_synced_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encodeOrNull(phone, forKey: .phone)
        try container.encodeOrNull(email, forKey: .email)
        try container.encode(clinikoPatientID, forKey: .clinikoPatientID)
        try container.encode(isActive, forKey: .isActive)
        try container.encode(activityStatus, forKey: .activityStatus)
        try container.encode(engagement, forKey: .engagement)
        try container.encode(riskLevel, forKey: .riskLevel)
        try container.encode(riskScore, forKey: .riskScore)
        try container.encode(actionPriority, forKey: .actionPriority)
        try container.encode(recommendedAction, forKey: .recommendedAction)
        try container.encode(recentAppointmentCount, forKey: .recentAppointmentCount)
        try container.encode(upcomingAppointmentCount, forKey: .upcomingAppointmentCount)
        try container.encode(totalAppointmentCount, forKey: .totalAppointmentCount)
        try container.encodeTimestamp(firstAppointmentDate, forKey: .firstAppointmentDate)
        try container.encodeTimestamp(lastAppointmentDate, forKey: .lastAppointmentDate)
        try container.encodeTimestamp(nextAppointmentTime, forKey: .nextAppointmentTime)
        try container.encodeOrNull(nextAppointmentType, forKey: .nextAppointmentType)
        try container.encodeOrNull(primaryAppointmentType, forKey: .primaryAppointmentType)
        try container.encodeTimestamp(lastContactAt, forKey: .lastContactAt)
        try container.encodeOrNull(daysSinceLastContact, forKey: .daysSinceLastContact)
        try container.encodeTimestamp(lastSyncedAt, forKey: .lastSyncedAt)
        try container.encodeTimestamp(createdAt, forKey: .createdAt)
        try container.encodeTimestamp(updatedAt, forKey: .updatedAt)
    }
}
