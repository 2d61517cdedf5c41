public import Foundation

/// `index.json`: every organization with its headline numbers and the paths of its files.
public struct ReportIndex: Codable, Sendable, Equatable {
    /// The version of this document's shape; 1.
    public var schemaVersion: Int
    /// The instant the index was generated as of.
    public var generatedAt: Date
    /// Organizations, by id.
    public var organizations: [Entry]

    /// One organization's headline numbers.
    public struct Entry: Codable, Sendable, Equatable {
        /// The Clerk id.
        public var organizationID: String
        /// The clinic's name.
        public var name: String
        /// The instant the organization's figures are as of.
        public var asOf: Date
        /// Patients scored.
        public var totalPatients: Int
        /// Patients with a recent or upcoming visit.
        public var activePatients: Int
        /// High-risk patients.
        public var highRiskPatients: Int
        /// Upcoming appointments.
        public var upcomingAppointments: Int
        /// Attendance rate over the look-back window.
        public var attendanceRate: Double?
        /// The latest succeeded run's end.
        public var lastSyncTime: Date?
        /// `active`, `error` or `never_synced`.
        public var integrationStatus: String
        /// `summary.json`, relative to the index.
        public var summaryPath: String
        /// `report.html`, relative to the index.
        public var reportPath: String

        enum CodingKeys: String, CodingKey {
            case organizationID = "organization_id"
            case name
            case asOf = "as_of"
            case totalPatients = "total_patients"
            case activePatients = "active_patients"
            case highRiskPatients = "high_risk_patients"
            case upcomingAppointments = "upcoming_appointments"
            case attendanceRate = "attendance_rate"
            case lastSyncTime = "last_sync_time"
            case integrationStatus = "integration_status"
            case summaryPath = "summary_path"
            case reportPath = "report_path"
        }
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case generatedAt = "generated_at"
        case organizations
    }
}
