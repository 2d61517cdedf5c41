public import Foundation
public import Logging
public import Pipeline
public import PostgresNIO

/// Replaces an organization's derived tables (`patient_activity`, `appointment_type_stats`,
/// `appointment_weekly_stats`, `reengagement_models`) inside the run's transaction.
///
/// ``clear(on:logger:)`` first, then any number of `write…` calls (each one `COPY`); the old rows disappear and the
/// new ones appear atomically at commit.
public struct DerivedTablesWriter: Sendable {
    /// The organization.
    public let organization: String
    /// The run that computed the rows.
    public let runID: UUID
    /// The instant the rows describe.
    public let asOf: Date

    /// Creates a writer.
    public init(organization: String, runID: UUID, asOf: Date) {
        self.organization = organization
        self.runID = runID
        self.asOf = asOf
    }

    /// Deletes the organization's derived rows.
    public func clear(on connection: PostgresConnection, logger: Logger) async throws {
        for table in ["patient_activity", "appointment_type_stats", "appointment_weekly_stats", "reengagement_models"] {
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: "DELETE FROM \(table) WHERE organization_id = $1", binds: Self.bind(organization)),
                logger: logger
            )
        }
    }

    /// Appends patient activity rows.
    public func write(_ activities: [PatientActivity], on connection: PostgresConnection, logger: Logger) async throws {
        guard !activities.isEmpty else { return }
        var encoder = CopyRowEncoder()
        for activity in activities {
            encoder.field(organization)
            encoder.field(activity.patientID)
            encoder.field(asOf)
            encoder.field(runID.uuidString)
            encoder.field(activity.firstVisitAt)
            encoder.field(activity.lastVisitAt)
            encoder.field(activity.nextVisitAt)
            encoder.field(activity.nextVisitAppointmentTypeID)
            encoder.field(activity.recentAttendedCount)
            encoder.field(activity.lookbackAttendedCount)
            encoder.field(activity.totalAttendedCount)
            encoder.field(activity.upcomingCount)
            encoder.field(activity.lookbackCancelledCount)
            encoder.field(activity.lookbackLateCancelledCount)
            encoder.field(activity.lookbackDidNotArriveCount)
            encoder.field(activity.attendanceRate.map { ($0 * 10_000).rounded() / 10_000 })
            encoder.field(activity.primaryAppointmentTypeID)
            encoder.field(activity.lastMessageAt)
            encoder.field(activity.lastContactAt)
            encoder.field(activity.daysSinceLastContact)
            encoder.field(activity.daysUntilNextVisit)
            encoder.field(activity.status.rawValue)
            encoder.field(activity.engagement.rawValue)
            encoder.field(activity.riskLevel.rawValue)
            encoder.field(activity.riskScore)
            encoder.field(activity.actionPriority)
            encoder.field(activity.recommendedAction)
            encoder.field(activity.lifetimeValue)
            try Self.checkReengagement(activity)
            encoder.field(activity.probabilityAlive)
            encoder.field(activity.expectedVisits90d)
            encoder.field(activity.typicalIntervalDays)
            encoder.field(activity.overdueRatio)
            encoder.field(activity.rfm?.recency)
            encoder.field(activity.rfm?.frequency)
            encoder.field(activity.rfm?.monetary)
            encoder.field(activity.rfm?.segment.rawValue)
            encoder.field(activity.callRank)
            encoder.field(activity.callReason)
            try Self.check(encoder.endRow(appendingHash: false), table: "patient_activity", key: activity.patientID)
        }
        try await copy(
            encoder, table: "patient_activity", columns: Self.activityColumns, on: connection, logger: logger)
    }

    /// Appends per-appointment-type rows.
    public func write(_ statistics: [AppointmentTypeStatistics], on connection: PostgresConnection, logger: Logger)
        async throws
    {
        guard !statistics.isEmpty else { return }
        var encoder = CopyRowEncoder()
        for row in statistics {
            encoder.field(organization)
            encoder.field(row.appointmentTypeID)
            encoder.field(asOf)
            encoder.field(runID.uuidString)
            encoder.field(row.patientCount)
            encoder.field(row.upcomingCount)
            encoder.field(row.lookbackAttendedCount)
            encoder.field(row.lookbackCancelledCount)
            encoder.field(row.lookbackDidNotArriveCount)
            encoder.field(row.appointmentCount)
            encoder.field((row.shareOfAppointments * 10_000).rounded() / 10_000)
            encoder.field(row.mostRecentVisitAt)
            try Self.check(
                encoder.endRow(appendingHash: false), table: "appointment_type_stats", key: row.appointmentTypeID)
        }
        try await copy(
            encoder,
            table: "appointment_type_stats",
            columns: [
                "organization_id", "appointment_type_id", "as_of", "run_id", "patients", "upcoming", "attended_90d",
                "cancelled_90d", "did_not_arrive_90d", "total_appointments", "share_of_total", "most_recent_at",
            ],
            on: connection,
            logger: logger
        )
    }

    /// Appends per-ISO-week rows.
    public func write(_ weeks: [WeeklyAppointmentStatistics], on connection: PostgresConnection, logger: Logger)
        async throws
    {
        guard !weeks.isEmpty else { return }
        var encoder = CopyRowEncoder()
        for week in weeks {
            encoder.field(organization)
            encoder.field(week.weekStartDate)
            encoder.field(week.isoYear)
            encoder.field(week.isoWeek)
            encoder.field(asOf)
            encoder.field(runID.uuidString)
            encoder.field(week.attendedCount)
            encoder.field(week.cancelledCount)
            encoder.field(week.didNotArriveCount)
            encoder.field(week.bookedCount)
            try Self.check(
                encoder.endRow(appendingHash: false), table: "appointment_weekly_stats", key: week.weekStartDate)
        }
        try await copy(
            encoder,
            table: "appointment_weekly_stats",
            columns: [
                "organization_id", "week_start", "iso_year", "iso_week", "as_of", "run_id", "attended", "cancelled",
                "did_not_arrive", "booked",
            ],
            on: connection,
            logger: logger
        )
    }

    /// Writes the organization's re-engagement model row (at most one per organization and run).
    public func write(_ model: ReengagementModelRecord, on connection: PostgresConnection, logger: Logger) async throws
    {
        var encoder = CopyRowEncoder()
        encoder.field(organization)
        encoder.field(asOf)
        encoder.field(runID.uuidString)
        encoder.field(model.model.rawValue)
        encoder.field(model.parameters != nil)
        encoder.field(model.failureReason)
        encoder.field(model.parameters?.r)
        encoder.field(model.parameters?.alpha)
        encoder.field(model.parameters?.a)
        encoder.field(model.parameters?.b)
        encoder.field(model.logLikelihood)
        encoder.field(model.patients)
        encoder.field(model.repeatVisitors)
        encoder.field(model.visitPatterns)
        encoder.field(model.iterations)
        encoder.field(model.callListPatients)
        try Self.check(encoder.endRow(appendingHash: false), table: "reengagement_models", key: organization)
        try await copy(
            encoder,
            table: "reengagement_models",
            columns: [
                "organization_id", "as_of", "run_id", "model", "fitted", "failure_reason", "r", "alpha", "a", "b",
                "log_likelihood", "patients", "repeat_visitors", "visit_patterns", "iterations", "call_list_patients",
            ],
            on: connection,
            logger: logger
        )
    }

    private static let activityColumns = [
        "organization_id", "patient_id", "as_of", "run_id", "first_visit_at", "last_visit_at", "next_visit_at",
        "next_appointment_type_id", "attended_recent", "attended_90d", "attended_total", "upcoming_count",
        "cancelled_90d", "late_cancelled_90d", "did_not_arrive_90d", "attendance_rate_90d",
        "primary_appointment_type_id", "last_message_at", "last_contact_at", "days_since_last_contact",
        "days_until_next_visit", "activity_status", "engagement", "risk_level", "risk_score", "action_priority",
        "recommended_action", "lifetime_value", "probability_alive", "expected_visits_90d", "typical_interval_days",
        "overdue_ratio", "rfm_recency", "rfm_frequency", "rfm_monetary", "rfm_segment", "call_rank", "call_reason",
    ]

    /// The re-engagement figures' ranges (migration 8's checks): a value outside them is a scoring bug.
    private static func checkReengagement(_ activity: PatientActivity) throws {
        var problems: [String] = []
        if let value = activity.probabilityAlive, !(0...1).contains(value) { problems.append("probability_alive") }
        if let value = activity.expectedVisits90d, !(value >= 0 && value.isFinite) {
            problems.append("expected_visits_90d")
        }
        if let value = activity.typicalIntervalDays, !(value > 0 && value < 9_999_999) {
            problems.append("typical_interval_days")
        }
        if let value = activity.overdueRatio, !(value >= 0 && value < 999_999_999) { problems.append("overdue_ratio") }
        if let rfm = activity.rfm, ![rfm.recency, rfm.frequency, rfm.monetary ?? 1].allSatisfy((1...5).contains) {
            problems.append("rfm")
        }
        if let rank = activity.callRank, rank < 1 { problems.append("call_rank") }
        guard problems.isEmpty else {
            throw DatabaseError(
                .invalidInput,
                "a patient_activity row (\(activity.patientID)) has out-of-range \(problems.joined(separator: ", "))")
        }
    }

    private func copy(
        _ encoder: CopyRowEncoder,
        table: String,
        columns: [String],
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await connection.copyRows(encoder.buffer, into: table, columns: columns, logger: logger)
    }

    /// Derived rows are computed from the warehouse, so a value that does not fit its column is a bug: fail the run
    /// with the table, key and column rather than send a row PostgreSQL rejects.
    private static func check(_ violation: ColumnViolation?, table: String, key: String) throws {
        guard let violation else { return }
        throw DatabaseError(.invalidInput, "a \(table) row (\(key)) could not be written: \(violation)")
    }

    private static func bind(_ value: String) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(value)
        return bindings
    }
}
