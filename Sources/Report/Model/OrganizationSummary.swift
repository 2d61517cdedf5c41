public import Foundation

/// Everything `summary.json` holds about one organization, as of one instant.
///
/// Encoded with snake-case keys, sorted, so the same warehouse and `asOf` give byte-identical files. The shape is
/// documented by `docs/summary.schema.json` (``schemaVersion`` 1); fields the original dashboard read keep its names
/// (`docs/reports.md`).
public struct OrganizationSummary: Codable, Sendable, Equatable {
    /// The version of this document's shape; 3 (3 added the re-engagement model, the call list and RFM).
    public static let currentSchemaVersion = 3

    /// The version of this document's shape.
    public var schemaVersion: Int
    /// The organization (Clerk id, name, time zone).
    public var organization: OrganizationInfo
    /// When the document was generated: the run's `as_of`, never the wall clock, so output is reproducible.
    public var generatedAt: Date
    /// The instant the figures are computed as of.
    public var asOf: Date
    /// The run that produced the warehouse state, when known.
    public var runID: UUID?
    /// Patient totals by status.
    public var patients: PatientTotals
    /// Appointment figures.
    public var appointments: AppointmentTotals
    /// Per appointment type, by name.
    public var appointmentTypes: [AppointmentTypeSummary]
    /// Per ISO week, oldest first.
    public var weeklySeries: [WeeklyPoint]
    /// Chatwoot contacts and conversations.
    public var chatwoot: ChatwootSummary
    /// Distributions and the re-engagement priority list.
    public var reEngagement: ReEngagementSummary
    /// Sync health per source and recent runs.
    public var sync: SyncSummary
    /// The original dashboard's organization summary fields, with its names.
    public var dashboard: DashboardSummary

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case organization
        case generatedAt = "generated_at"
        case asOf = "as_of"
        case runID = "run_id"
        case patients
        case appointments
        case appointmentTypes = "appointment_types"
        case weeklySeries = "weekly_series"
        case chatwoot
        case reEngagement = "re_engagement"
        case sync
        case dashboard
    }
}

/// The organization a report is about.
public struct OrganizationInfo: Codable, Sendable, Equatable {
    /// The Clerk organization id (`org_…`).
    public var organizationID: String
    /// The clinic's name.
    public var name: String
    /// The IANA time zone dates are shown and counted in.
    public var timeZone: String

    enum CodingKeys: String, CodingKey {
        case organizationID = "organization_id"
        case name
        case timeZone = "time_zone"
    }
}

/// A count per category, keys sorted; every known category is present, zero when empty.
public typealias Distribution = [String: Int]

/// Patient totals from `patient_activity`.
public struct PatientTotals: Codable, Sendable, Equatable {
    /// Patients scored in this run.
    public var total: Int
    /// By `activity_status`.
    public var byActivityStatus: Distribution
    /// By `engagement`.
    public var byEngagement: Distribution
    /// By `risk_level`.
    public var byRiskLevel: Distribution
    /// By `action_priority` (`"1"` … `"4"`).
    public var byActionPriority: Distribution

    enum CodingKeys: String, CodingKey {
        case total
        case byActivityStatus = "by_activity_status"
        case byEngagement = "by_engagement"
        case byRiskLevel = "by_risk_level"
        case byActionPriority = "by_action_priority"
    }
}

/// Appointment figures as of the report's instant.
public struct AppointmentTotals: Codable, Sendable, Equatable {
    /// Non-archived appointments of all time.
    public var total: Int
    /// Upcoming: not cancelled, not did-not-arrive, starting after `as_of`.
    public var upcoming: Int
    /// Upcoming and starting within 7 days (168 hours) of `as_of`.
    public var next7Days: Int
    /// The look-back window in local calendar days (90 by default).
    public var windowDays: Int
    /// The start of the look-back window: local midnight `window_days` dates before `as_of`.
    public var windowStart: Date
    /// Attended in the window.
    public var attended: Int
    /// Cancelled with enough notice, cancellation made in the window.
    public var cancelled: Int
    /// Cancelled with less notice than the late-cancellation threshold, cancellation made in the window.
    public var lateCancelled: Int
    /// Did not arrive, starting in the window.
    public var didNotArrive: Int
    /// attended / (attended + did not arrive + late cancelled); absent when the denominator is 0.
    public var attendanceRate: Double?

    enum CodingKeys: String, CodingKey {
        case total
        case upcoming
        case next7Days = "next_7_days"
        case windowDays = "window_days"
        case windowStart = "window_start"
        case attended
        case cancelled
        case lateCancelled = "late_cancelled"
        case didNotArrive = "did_not_arrive"
        case attendanceRate = "attendance_rate"
    }
}

/// One appointment type (from `appointment_type_stats`).
public struct AppointmentTypeSummary: Codable, Sendable, Equatable {
    /// Cliniko's id.
    public var appointmentTypeID: String
    /// The type's name (the original's `appointment_type`).
    public var appointmentType: String
    /// Distinct patients with an appointment of this type.
    public var patientCount: Int
    /// Upcoming appointments.
    public var upcoming: Int
    /// Attended in the look-back window.
    public var attended90d: Int
    /// Cancelled in the look-back window.
    public var cancelled90d: Int
    /// Did not arrive in the look-back window.
    public var didNotArrive90d: Int
    /// Non-archived appointments of all time.
    public var totalAppointments: Int
    /// Share of all appointments, in percent (two decimals).
    public var percentageOfTotal: Double
    /// total_appointments / patient_count (two decimals).
    public var avgAppointmentsPerPatient: Double
    /// The latest appointment of this type that has started.
    public var mostRecentAppointment: Date?

    enum CodingKeys: String, CodingKey {
        case appointmentTypeID = "appointment_type_id"
        case appointmentType = "appointment_type"
        case patientCount = "patient_count"
        case upcoming
        case attended90d = "attended_90d"
        case cancelled90d = "cancelled_90d"
        case didNotArrive90d = "did_not_arrive_90d"
        case totalAppointments = "total_appointments"
        case percentageOfTotal = "percentage_of_total"
        case avgAppointmentsPerPatient = "avg_appointments_per_patient"
        case mostRecentAppointment = "most_recent_appointment"
    }
}

/// One ISO week (from `appointment_weekly_stats`).
public struct WeeklyPoint: Codable, Sendable, Equatable {
    /// Monday of the week, `YYYY-MM-DD` in the organization's zone.
    public var weekStart: String
    /// ISO year.
    public var isoYear: Int
    /// ISO week number.
    public var isoWeek: Int
    /// Attended.
    public var attended: Int
    /// Cancelled.
    public var cancelled: Int
    /// Did not arrive.
    public var didNotArrive: Int
    /// Booked (upcoming).
    public var booked: Int

    enum CodingKeys: String, CodingKey {
        case weekStart = "week_start"
        case isoYear = "iso_year"
        case isoWeek = "iso_week"
        case attended
        case cancelled
        case didNotArrive = "did_not_arrive"
        case booked
    }
}

/// Chatwoot figures.
public struct ChatwootSummary: Codable, Sendable, Equatable {
    /// Contacts the source still has.
    public var contacts: Int
    /// Contacts matched to exactly one patient.
    public var matched: Int
    /// Contacts whose phone or e-mail several patients share.
    public var ambiguous: Int
    /// Contacts matched to no patient.
    public var unmatched: Int
    /// Conversations with status `open`.
    public var openConversations: Int
    /// Patients with a patient-facing message in the last 30 local days.
    public var patientsContacted30d: Int

    enum CodingKeys: String, CodingKey {
        case contacts
        case matched
        case ambiguous
        case unmatched
        case openConversations = "open_conversations"
        case patientsContacted30d = "patients_contacted_30d"
    }
}

/// The re-engagement view the original dashboard showed.
public struct ReEngagementSummary: Codable, Sendable, Equatable {
    /// `high`, `medium`, `low`.
    public var riskDistribution: Distribution
    /// `active`, `dormant`, `stale`.
    public var engagementDistribution: Distribution
    /// `urgent` (1), `important` (2), `medium` (3), `low` (4).
    public var actionPriorities: Distribution
    /// The top patients by `action_priority`, then `risk_score` (highest first), then id.
    public var priorityPatients: [PriorityPatient]
    /// The organization's re-engagement model as of the run; `nil` when no run has recorded one.
    public var model: ReengagementModelSummary? = nil
    /// Patients with a visit by probability alive, in tenths: `"0-10"` … `"90-100"` (per cent).
    public var probabilityAliveDistribution: Distribution = ReportQueries.zeroed(ReportQueries.probabilityBuckets)
    /// Patients with a visit by RFM segment.
    public var rfmSegments: Distribution = ReportQueries.zeroed(ReportQueries.rfmSegments)
    /// Patients with a visit by recency quintile × frequency quintile: all 25 cells, recency then frequency.
    public var recencyFrequency: [RecencyFrequencyCell] = []
    /// The call list in order (`docs/scoring.md`): short by construction.
    public var callList: [CallListPatient] = []

    enum CodingKeys: String, CodingKey {
        case riskDistribution = "risk_distribution"
        case engagementDistribution = "engagement_distribution"
        case actionPriorities = "action_priorities"
        case priorityPatients = "priority_patients"
        case model
        case probabilityAliveDistribution = "probability_alive_distribution"
        case rfmSegments = "rfm_segments"
        case recencyFrequency = "recency_frequency"
        case callList = "call_list"
    }
}

extension ReEngagementSummary {
    /// Decodes a summary; the keys schema version 3 added may be missing (an index built over older files).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        riskDistribution = try container.decode(Distribution.self, forKey: .riskDistribution)
        engagementDistribution = try container.decode(Distribution.self, forKey: .engagementDistribution)
        actionPriorities = try container.decode(Distribution.self, forKey: .actionPriorities)
        priorityPatients = try container.decode([PriorityPatient].self, forKey: .priorityPatients)
        model = try container.decodeIfPresent(ReengagementModelSummary.self, forKey: .model)
        probabilityAliveDistribution =
            try container.decodeIfPresent(Distribution.self, forKey: .probabilityAliveDistribution)
            ?? ReportQueries.zeroed(ReportQueries.probabilityBuckets)
        rfmSegments =
            try container.decodeIfPresent(Distribution.self, forKey: .rfmSegments)
            ?? ReportQueries.zeroed(ReportQueries.rfmSegments)
        recencyFrequency = try container.decodeIfPresent([RecencyFrequencyCell].self, forKey: .recencyFrequency) ?? []
        callList = try container.decodeIfPresent([CallListPatient].self, forKey: .callList) ?? []
    }
}

/// One patient of the re-engagement list.
public struct PriorityPatient: Codable, Sendable, Equatable {
    /// Cliniko's id.
    public var patientID: String
    /// Preferred or first name and last name.
    public var patientName: String
    /// `activity_status`.
    public var activityStatus: String
    /// `engagement`.
    public var engagementStatus: String
    /// `risk_level`.
    public var riskLevel: String
    /// 0–100.
    public var riskScore: Int
    /// 1–4.
    public var actionPriority: Int
    /// What to do.
    public var recommendedAction: String
    /// Local days since the last visit or message; absent when never in touch.
    public var daysSinceLastContact: Int?
    /// Local days until the next visit; absent when none is booked.
    public var daysToNextAppointment: Int?
    /// The last contact.
    public var lastContactAt: Date?

    enum CodingKeys: String, CodingKey {
        case patientID = "patient_id"
        case patientName = "patient_name"
        case activityStatus = "activity_status"
        case engagementStatus = "engagement_status"
        case riskLevel = "risk_level"
        case riskScore = "risk_score"
        case actionPriority = "action_priority"
        case recommendedAction = "recommended_action"
        case daysSinceLastContact = "days_since_last_contact"
        case daysToNextAppointment = "days_to_next_appointment"
        case lastContactAt = "last_contact_at"
    }
}

/// Sync health.
public struct SyncSummary: Codable, Sendable, Equatable {
    /// Finished runs of all time.
    public var totalSyncs: Int
    /// Succeeded runs.
    public var successfulSyncs: Int
    /// Failed or cancelled runs.
    public var failedSyncs: Int
    /// The latest finished run.
    public var lastSyncAt: Date?
    /// The latest succeeded run.
    public var lastSuccessfulSyncAt: Date?
    /// Mean duration of finished runs, seconds (one decimal).
    public var averageSyncDurationSeconds: Double?
    /// Up to 10 latest runs, newest first.
    public var recentSyncs: [SyncRunSummary]
    /// Per source, by name.
    public var sources: [SourceHealth]

    enum CodingKeys: String, CodingKey {
        case totalSyncs = "total_syncs"
        case successfulSyncs = "successful_syncs"
        case failedSyncs = "failed_syncs"
        case lastSyncAt = "last_sync_at"
        case lastSuccessfulSyncAt = "last_successful_sync_at"
        case averageSyncDurationSeconds = "average_sync_duration_seconds"
        case recentSyncs = "recent_syncs"
        case sources
    }
}

/// One run.
public struct SyncRunSummary: Codable, Sendable, Equatable {
    /// The run.
    public var runID: UUID
    /// `running`, `succeeded`, `failed`, `cancelled`, `skipped`.
    public var status: String
    /// Start.
    public var startedAt: Date
    /// End.
    public var completedAt: Date?
    /// Records read.
    public var recordsProcessed: Int
    /// Records inserted, updated or unchanged.
    public var recordsSuccess: Int
    /// Records quarantined.
    public var recordsFailed: Int

    enum CodingKeys: String, CodingKey {
        case runID = "run_id"
        case status
        case startedAt = "started_at"
        case completedAt = "completed_at"
        case recordsProcessed = "records_processed"
        case recordsSuccess = "records_success"
        case recordsFailed = "records_failed"
    }
}

/// One source's health.
public struct SourceHealth: Codable, Sendable, Equatable {
    /// `cliniko`, `chatwoot` or `clerk`.
    public var source: String
    /// Resources with a cursor.
    public var resources: Int
    /// The oldest of the resources' last successes: when every resource had last synced.
    public var lastSuccessAt: Date?
    /// The latest full sync of any resource.
    public var lastFullAt: Date?
    /// Quarantined records of all time.
    public var quarantined: Int
    /// Quarantined records in the latest run.
    public var quarantinedLastRun: Int
    /// Quarantined records still open: neither loaded by a later run, nor gone from the source, nor quarantined
    /// again (each record counts once). Re-read by id on every run where the API allows it.
    public var quarantinedOpen: Int
    /// Records read from the source in the latest run (from the run's per-resource statistics).
    public var recordsReadLastRun: Int

    enum CodingKeys: String, CodingKey {
        case source
        case resources
        case lastSuccessAt = "last_success_at"
        case lastFullAt = "last_full_at"
        case quarantined
        case quarantinedLastRun = "quarantined_last_run"
        case quarantinedOpen = "quarantined_open"
        case recordsReadLastRun = "records_read_last_run"
    }
}

/// The original `dashboard_summary` fields, with the original names.
public struct DashboardSummary: Codable, Sendable, Equatable {
    /// The organization.
    public var organizationID: String
    /// Patients scored.
    public var totalPatients: Int
    /// Patients with a recent visit or an upcoming one.
    public var activePatients: Int
    /// Patients with an upcoming visit.
    public var patientsWithUpcoming: Int
    /// Patients with a recent attended visit.
    public var patientsWithRecent: Int
    /// Upcoming appointments of patients.
    public var totalUpcomingAppointments: Int
    /// Recent attended appointments of patients.
    public var totalRecentAppointments: Int
    /// Attended and upcoming appointments of patients, all time.
    public var totalAllAppointments: Int
    /// Per patient, two decimals.
    public var avgUpcomingPerPatient: Double
    /// Per patient, two decimals.
    public var avgRecentPerPatient: Double
    /// Per patient, two decimals.
    public var avgTotalPerPatient: Double
    /// active_patients / total_patients, percent, one decimal.
    public var engagementRate: Double
    /// The latest succeeded run's end.
    public var lastSyncTime: Date?
    /// Patients in the warehouse (not removed at the source).
    public var syncedPatients: Int
    /// Scored / synced patients, percent, one decimal.
    public var syncPercentage: Double
    /// `active` (latest run succeeded), `error` (latest run failed), `never_synced`.
    public var integrationStatus: String
    /// `active` when any patient is active, else `inactive`.
    public var activityStatus: String
    /// As the document's `generated_at`.
    public var generatedAt: Date

    enum CodingKeys: String, CodingKey {
        case organizationID = "organization_id"
        case totalPatients = "total_patients"
        case activePatients = "active_patients"
        case patientsWithUpcoming = "patients_with_upcoming"
        case patientsWithRecent = "patients_with_recent"
        case totalUpcomingAppointments = "total_upcoming_appointments"
        case totalRecentAppointments = "total_recent_appointments"
        case totalAllAppointments = "total_all_appointments"
        case avgUpcomingPerPatient = "avg_upcoming_per_patient"
        case avgRecentPerPatient = "avg_recent_per_patient"
        case avgTotalPerPatient = "avg_total_per_patient"
        case engagementRate = "engagement_rate"
        case lastSyncTime = "last_sync_time"
        case syncedPatients = "synced_patients"
        case syncPercentage = "sync_percentage"
        case integrationStatus = "integration_status"
        case activityStatus = "activity_status"
        case generatedAt = "generated_at"
    }
}
