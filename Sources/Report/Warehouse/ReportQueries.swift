import Foundation
import Logging
import PostgresNIO

/// The SQL that reads one organization's figures out of the warehouse.
///
/// Every query filters by `organization_id` and runs inside one reader transaction
/// (``ReportWarehouse/withReaderTransaction(organization:statementTimeout:logger:_:)``): read-only, repeatable read, as
/// `routiq_reader` with `routiq.org_id` set, so the figures come from one snapshot and row-level security holds them to
/// the organization even where a filter were missing. Values always go through `PostgresQuery` interpolation (bind
/// parameters).
struct ReportQueries {
    let connection: PostgresConnection
    let organization: String
    let asOf: Date
    let options: ReportGenerator.Configuration.Options
    let logger: Logger

    static let activityStatuses = ["active", "recently_active", "upcoming_only", "lapsed", "new", "never_seen"]
    static let engagements = ["active", "dormant", "stale"]
    static let riskLevels = ["high", "medium", "low"]
    static let priorityNames = [1: "urgent", 2: "important", 3: "medium", 4: "low"]

    func organizationInfo() async throws -> OrganizationInfo? {
        let rows = try await connection.query(
            "SELECT name, time_zone FROM organizations WHERE organization_id = \(organization)", logger: logger)
        for try await (name, timeZone) in rows.decode((String, String).self) {
            return OrganizationInfo(organizationID: organization, name: name, timeZone: timeZone)
        }
        return nil
    }

    /// Patient totals per status, plus the dashboard's per-patient sums.
    func patientTotals() async throws -> PatientTotals {
        var totals = PatientTotals(
            total: 0,
            byActivityStatus: Self.zeroed(Self.activityStatuses),
            byEngagement: Self.zeroed(Self.engagements),
            byRiskLevel: Self.zeroed(Self.riskLevels),
            byActionPriority: Self.zeroed(["1", "2", "3", "4"])
        )
        let rows = try await connection.query(
            """
            SELECT activity_status, engagement, risk_level, action_priority::int8, count(*)
            FROM patient_activity WHERE organization_id = \(organization)
            GROUP BY 1, 2, 3, 4
            """,
            logger: logger
        )
        for try await (status, engagement, risk, priority, count) in rows.decode(
            (String, String, String, Int, Int).self)
        {
            totals.total += count
            totals.byActivityStatus[status, default: 0] += count
            totals.byEngagement[engagement, default: 0] += count
            totals.byRiskLevel[risk, default: 0] += count
            totals.byActionPriority[String(priority), default: 0] += count
        }
        return totals
    }

    struct PatientSums {
        var activePatients = 0
        var patientsWithUpcoming = 0
        var patientsWithRecent = 0
        var upcoming = 0
        var recent = 0
        var all = 0
        var contacted30d = 0
        var synced = 0
    }

    func patientSums() async throws -> PatientSums {
        // MATERIALIZED: the local-midnight bound is computed once, not once per row that compares with it.
        let rows = try await connection.query(
            """
            WITH o AS MATERIALIZED (
                SELECT (((\(asOf)::timestamptz AT TIME ZONE time_zone)::date - 30)::timestamp AT TIME ZONE time_zone)
                       AS since
                FROM organizations WHERE organization_id = \(organization)
            )
            SELECT count(a.patient_id) FILTER (
                       WHERE a.activity_status IN ('active', 'recently_active', 'upcoming_only')),
                   count(a.patient_id) FILTER (WHERE a.upcoming_count > 0),
                   count(a.patient_id) FILTER (WHERE a.attended_recent > 0),
                   coalesce(sum(a.upcoming_count), 0)::int8,
                   coalesce(sum(a.attended_recent), 0)::int8,
                   coalesce(sum(a.attended_total + a.upcoming_count), 0)::int8,
                   count(a.patient_id) FILTER (
                       WHERE a.last_message_at >= o.since AND a.last_message_at <= \(asOf)),
                   (SELECT count(*) FROM patients p
                    WHERE p.organization_id = \(organization) AND p.removed_at IS NULL)
            FROM o LEFT JOIN patient_activity a ON a.organization_id = \(organization)
            GROUP BY o.since
            """,
            logger: logger
        )
        var sums = PatientSums()
        for try await row in rows.decode((Int, Int, Int, Int, Int, Int, Int, Int).self) {
            (
                sums.activePatients, sums.patientsWithUpcoming, sums.patientsWithRecent, sums.upcoming, sums.recent,
                sums.all, sums.contacted30d, sums.synced
            ) = row
        }
        return sums
    }

    func appointmentTotals() async throws -> AppointmentTotals {
        let days = options.windowDays
        let hours = options.lateCancellationHours
        // The bounds are computed once in a MATERIALIZED CTE: inlined, the time-zone conversion would run for every
        // appointment and every figure, which made this the report's slowest query.
        let rows = try await connection.query(
            """
            WITH o AS MATERIALIZED (
                SELECT (((\(asOf)::timestamptz AT TIME ZONE time_zone)::date - \(days)::int)::timestamp
                       AT TIME ZONE time_zone) AS since,
                       \(asOf)::timestamptz AS at,
                       make_interval(hours => \(hours)::int) AS late
                FROM organizations WHERE organization_id = \(organization)
            )
            SELECT count(a.appointment_id),
                   count(*) FILTER (WHERE a.cancelled_at IS NULL AND NOT a.did_not_arrive AND a.starts_at > o.at),
                   count(*) FILTER (WHERE a.cancelled_at IS NULL AND NOT a.did_not_arrive AND a.starts_at > o.at
                                      AND a.starts_at <= o.at + interval '7 days'),
                   count(*) FILTER (WHERE a.cancelled_at IS NULL AND NOT a.did_not_arrive
                                      AND a.starts_at >= o.since AND a.starts_at <= o.at),
                   count(*) FILTER (WHERE a.cancelled_at >= o.since AND a.cancelled_at <= o.at
                                      AND a.starts_at - a.cancelled_at >= o.late),
                   count(*) FILTER (WHERE a.cancelled_at >= o.since AND a.cancelled_at <= o.at
                                      AND a.starts_at - a.cancelled_at < o.late),
                   count(*) FILTER (WHERE a.cancelled_at IS NULL AND a.did_not_arrive
                                      AND a.starts_at >= o.since AND a.starts_at <= o.at),
                   o.since
            FROM o
            LEFT JOIN appointments a
                   ON a.organization_id = \(organization)
                  AND a.archived_at IS NULL AND a.deleted_at IS NULL AND a.removed_at IS NULL
            GROUP BY o.since
            """,
            logger: logger
        )
        for try await (total, upcoming, next7, attended, cancelled, late, dna, since) in rows.decode(
            (Int, Int, Int, Int, Int, Int, Int, Date).self)
        {
            let booked = attended + dna + late
            return AppointmentTotals(
                total: total, upcoming: upcoming, next7Days: next7, windowDays: days, windowStart: since,
                attended: attended, cancelled: cancelled, lateCancelled: late, didNotArrive: dna,
                attendanceRate: booked == 0 ? nil : Self.rounded(Double(attended) / Double(booked), places: 4)
            )
        }
        throw ReportError(.organizationNotFound, "organization \(organization) is not in the warehouse")
    }

    func appointmentTypes() async throws -> [AppointmentTypeSummary] {
        let rows = try await connection.query(
            """
            SELECT s.appointment_type_id, coalesce(t.name, s.appointment_type_id), s.patients::int8,
                   s.upcoming::int8, s.attended_90d::int8, s.cancelled_90d::int8, s.did_not_arrive_90d::int8,
                   s.total_appointments::int8, coalesce(s.share_of_total, 0)::float8, s.most_recent_at
            FROM appointment_type_stats s
            LEFT JOIN appointment_types t
                   ON t.organization_id = s.organization_id AND t.appointment_type_id = s.appointment_type_id
            WHERE s.organization_id = \(organization)
            ORDER BY s.total_appointments DESC, 2, 1
            """,
            logger: logger
        )
        var types: [AppointmentTypeSummary] = []
        for try await (id, name, patients, upcoming, attended, cancelled, dna, total, share, recent) in rows.decode(
            (String, String, Int, Int, Int, Int, Int, Int, Double, Date?).self)
        {
            types.append(
                AppointmentTypeSummary(
                    appointmentTypeID: id, appointmentType: name, patientCount: patients, upcoming: upcoming,
                    attended90d: attended, cancelled90d: cancelled, didNotArrive90d: dna, totalAppointments: total,
                    percentageOfTotal: Self.rounded(share * 100, places: 2),
                    avgAppointmentsPerPatient: patients == 0
                        ? 0 : Self.rounded(Double(total) / Double(patients), places: 2),
                    mostRecentAppointment: recent
                )
            )
        }
        return types
    }

    func weeklySeries() async throws -> [WeeklyPoint] {
        let rows = try await connection.query(
            """
            SELECT to_char(week_start, 'YYYY-MM-DD'), iso_year::int8, iso_week::int8, attended::int8,
                   cancelled::int8, did_not_arrive::int8, booked::int8
            FROM appointment_weekly_stats WHERE organization_id = \(organization)
            ORDER BY week_start
            """,
            logger: logger
        )
        var points: [WeeklyPoint] = []
        for try await (start, year, week, attended, cancelled, dna, booked) in rows.decode(
            (String, Int, Int, Int, Int, Int, Int).self)
        {
            points.append(
                WeeklyPoint(
                    weekStart: start, isoYear: year, isoWeek: week, attended: attended, cancelled: cancelled,
                    didNotArrive: dna, booked: booked))
        }
        return points
    }

    func chatwoot(contacted30d: Int) async throws -> ChatwootSummary {
        let rows = try await connection.query(
            """
            SELECT count(*),
                   count(*) FILTER (WHERE m.status = 'matched'),
                   count(*) FILTER (WHERE m.status = 'ambiguous'),
                   count(*) FILTER (WHERE m.status IS NULL OR m.status = 'unmatched'),
                   (SELECT count(*) FROM conversations v
                    WHERE v.organization_id = \(organization) AND v.removed_at IS NULL AND v.status = 'open')
            FROM contacts c
            LEFT JOIN contact_matches m ON m.organization_id = c.organization_id AND m.contact_id = c.contact_id
            WHERE c.organization_id = \(organization) AND c.removed_at IS NULL
            """,
            logger: logger
        )
        for try await (contacts, matched, ambiguous, unmatched, open) in rows.decode((Int, Int, Int, Int, Int).self) {
            return ChatwootSummary(
                contacts: contacts, matched: matched, ambiguous: ambiguous, unmatched: unmatched,
                openConversations: open, patientsContacted30d: contacted30d)
        }
        return ChatwootSummary(
            contacts: 0, matched: 0, ambiguous: 0, unmatched: 0, openConversations: 0,
            patientsContacted30d: contacted30d)
    }

    func priorityPatients(limit: Int) async throws -> [PriorityPatient] {
        let rows = try await connection.query(
            """
            SELECT a.patient_id, \(unescaped: Self.patientName), a.activity_status, a.engagement, a.risk_level,
                   a.risk_score::int8, a.action_priority::int8, a.recommended_action,
                   a.days_since_last_contact::int8, a.days_until_next_visit::int8, a.last_contact_at
            FROM patient_activity a
            JOIN patients p ON p.organization_id = a.organization_id AND p.patient_id = a.patient_id
            WHERE a.organization_id = \(organization)
            ORDER BY a.action_priority, a.risk_score DESC, a.patient_id
            LIMIT \(limit)
            """,
            logger: logger
        )
        var patients: [PriorityPatient] = []
        for try await (id, name, status, engagement, risk, score, priority, action, since, until, contact)
            in rows.decode((String, String, String, String, String, Int, Int, String, Int?, Int?, Date?).self)
        {
            patients.append(
                PriorityPatient(
                    patientID: id, patientName: name, activityStatus: status, engagementStatus: engagement,
                    riskLevel: risk, riskScore: score, actionPriority: priority, recommendedAction: action,
                    daysSinceLastContact: since, daysToNextAppointment: until, lastContactAt: contact))
        }
        return patients
    }

    func sync(runID: UUID?) async throws -> SyncSummary {
        var summary = SyncSummary(
            totalSyncs: 0, successfulSyncs: 0, failedSyncs: 0, recentSyncs: [], sources: [])
        let totals = try await connection.query(
            """
            SELECT count(*) FILTER (WHERE finished_at IS NOT NULL),
                   count(*) FILTER (WHERE status = 'succeeded'),
                   count(*) FILTER (WHERE status IN ('failed', 'cancelled')),
                   max(finished_at),
                   max(finished_at) FILTER (WHERE status = 'succeeded'),
                   avg(extract(epoch FROM finished_at - started_at))::float8
            FROM sync_runs WHERE organization_id = \(organization)
            """,
            logger: logger
        )
        for try await (total, succeeded, failed, last, lastSuccess, average) in totals.decode(
            (Int, Int, Int, Date?, Date?, Double?).self)
        {
            summary.totalSyncs = total
            summary.successfulSyncs = succeeded
            summary.failedSyncs = failed
            summary.lastSyncAt = last
            summary.lastSuccessfulSyncAt = lastSuccess
            summary.averageSyncDurationSeconds = average.map { Self.rounded($0, places: 1) }
        }
        let recent = try await connection.query(
            """
            SELECT run_id, status, started_at, finished_at, records_read,
                   records_inserted + records_updated + records_unchanged, records_quarantined
            FROM sync_runs WHERE organization_id = \(organization)
            ORDER BY started_at DESC, run_id LIMIT 10
            """,
            logger: logger
        )
        for try await (id, status, started, finished, read, success, failed) in recent.decode(
            (UUID, String, Date, Date?, Int, Int, Int).self)
        {
            summary.recentSyncs.append(
                SyncRunSummary(
                    runID: id, status: status, startedAt: started, completedAt: finished, recordsProcessed: read,
                    recordsSuccess: success, recordsFailed: failed))
        }
        let latestRun = runID ?? summary.recentSyncs.first?.runID
        let sources = try await connection.query(
            """
            WITH s AS (SELECT * FROM (VALUES ('chatwoot'), ('clerk'), ('cliniko')) v(source))
            SELECT s.source,
                   (SELECT count(*) FROM sync_state t WHERE t.organization_id = \(organization) AND t.source = s.source),
                   (SELECT CASE WHEN bool_and(t.last_success_at IS NOT NULL) THEN min(t.last_success_at) END
                    FROM sync_state t WHERE t.organization_id = \(organization) AND t.source = s.source),
                   (SELECT max(t.last_full_at)
                    FROM sync_state t WHERE t.organization_id = \(organization) AND t.source = s.source),
                   (SELECT count(*) FROM quarantine q WHERE q.organization_id = \(organization) AND q.source = s.source),
                   (SELECT count(*) FROM quarantine q WHERE q.organization_id = \(organization) AND q.source = s.source
                      AND q.run_id = \(latestRun)),
                   (SELECT count(DISTINCT (q.resource, coalesce(q.source_id, q.quarantine_id::text)))
                    FROM quarantine q WHERE q.organization_id = \(organization) AND q.source = s.source
                      AND q.resolved_at IS NULL),
                   (SELECT coalesce(sum((r ->> 'read')::int8), 0)::int8
                    FROM sync_runs sr
                    CROSS JOIN LATERAL jsonb_array_elements(
                        CASE jsonb_typeof(sr.stats -> 'resources') WHEN 'array' THEN sr.stats -> 'resources' END) r
                    WHERE sr.organization_id = \(organization) AND sr.run_id = \(latestRun)
                      AND r ->> 'source' = s.source)
            FROM s ORDER BY s.source
            """,
            logger: logger
        )
        for try await (source, resources, lastSuccess, lastFull, quarantined, lastRun, open, read) in sources.decode(
            (String, Int, Date?, Date?, Int, Int, Int, Int).self)
        {
            summary.sources.append(
                SourceHealth(
                    source: source, resources: resources, lastSuccessAt: lastSuccess, lastFullAt: lastFull,
                    quarantined: quarantined, quarantinedLastRun: lastRun, quarantinedOpen: open,
                    recordsReadLastRun: read))
        }
        return summary
    }

    /// Reads `patient_activity` with names and contact details, by patient id, one row at a time (the rows are never
    /// all in memory).
    func forEachPatientRow(_ body: (PatientActivityRow) throws -> Void) async throws {
        let rows = try await connection.query(
            """
            SELECT a.patient_id, \(unescaped: Self.patientName), p.email, p.primary_phone_e164,
                   a.first_visit_at, a.last_visit_at, a.next_visit_at, nt.name, pt.name,
                   a.attended_recent::int8, a.attended_90d::int8, a.attended_total::int8, a.upcoming_count::int8,
                   a.cancelled_90d::int8, a.late_cancelled_90d::int8, a.did_not_arrive_90d::int8,
                   a.attendance_rate_90d::float8, a.last_message_at, a.last_contact_at,
                   a.days_since_last_contact::int8, a.days_until_next_visit::int8, a.activity_status, a.engagement,
                   a.risk_level, a.risk_score::int8, a.action_priority::int8, a.recommended_action,
                   a.lifetime_value::float8
            FROM patient_activity a
            JOIN patients p ON p.organization_id = a.organization_id AND p.patient_id = a.patient_id
            LEFT JOIN appointment_types nt
                   ON nt.organization_id = a.organization_id AND nt.appointment_type_id = a.next_appointment_type_id
            LEFT JOIN appointment_types pt
                   ON pt.organization_id = a.organization_id AND pt.appointment_type_id = a.primary_appointment_type_id
            WHERE a.organization_id = \(organization)
            ORDER BY a.patient_id
            """,
            logger: logger
        )
        for try await row in rows {
            let c = row.makeRandomAccess()
            try body(
                PatientActivityRow(
                    patientID: try c[0].decode(String.self), name: try c[1].decode(String.self),
                    email: try c[2].decode(String?.self), phone: try c[3].decode(String?.self),
                    firstVisitAt: try c[4].decode(Date?.self), lastVisitAt: try c[5].decode(Date?.self),
                    nextVisitAt: try c[6].decode(Date?.self), nextAppointmentType: try c[7].decode(String?.self),
                    primaryAppointmentType: try c[8].decode(String?.self), attendedRecent: try c[9].decode(Int.self),
                    attended90d: try c[10].decode(Int.self), attendedTotal: try c[11].decode(Int.self),
                    upcomingCount: try c[12].decode(Int.self), cancelled90d: try c[13].decode(Int.self),
                    lateCancelled90d: try c[14].decode(Int.self), didNotArrive90d: try c[15].decode(Int.self),
                    attendanceRate90d: try c[16].decode(Double?.self), lastMessageAt: try c[17].decode(Date?.self),
                    lastContactAt: try c[18].decode(Date?.self), daysSinceLastContact: try c[19].decode(Int?.self),
                    daysUntilNextVisit: try c[20].decode(Int?.self), activityStatus: try c[21].decode(String.self),
                    engagement: try c[22].decode(String.self), riskLevel: try c[23].decode(String.self),
                    riskScore: try c[24].decode(Int.self), actionPriority: try c[25].decode(Int.self),
                    recommendedAction: try c[26].decode(String.self), lifetimeValue: try c[27].decode(Double?.self)
                )
            )
        }
    }

    /// A patient's display name: preferred (else first) name and last name, else the id. Columns of `p` and `a`.
    static let patientName = """
        coalesce(nullif(trim(concat_ws(' ', coalesce(nullif(trim(p.preferred_first_name), ''), p.first_name),
            p.last_name)), ''), a.patient_id)
        """

    static func zeroed(_ keys: [String]) -> Distribution {
        Dictionary(uniqueKeysWithValues: keys.map { ($0, 0) })
    }

    static func rounded(_ value: Double, places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (value * scale).rounded() / scale
    }
}
