import Foundation
import Logging
import PostgresNIO

/// The warehouse rows the API tests read: per organization, 40 patients with varied scores (nulls in sort keys,
/// ties, `%` and `_` in names), two appointment types, four runs and source freshness. Organization B's rows use the
/// same patient ids as A's, so a leak between them would show.
enum APISeed {
    static let now = Date(timeIntervalSince1970: 1_780_272_000)  // 2026-06-01T00:00:00Z
    static let runID = UUID(uuidString: "11111111-2222-3333-4444-555555555555")!
    static let patientsPerOrganization = 40

    static func seed(organizations: [String], client: PostgresClient, logger: Logger) async throws {
        try await client.withConnection { connection in
            for (index, organization) in organizations.enumerated() {
                try await seed(organization, index: index, connection: connection, logger: logger)
            }
        }
    }

    private static func seed(_ organization: String, index: Int, connection: PostgresConnection, logger: Logger)
        async throws
    {
        let now = now
        let count = patientsPerOrganization
        let prefix = index == 0 ? "Alpha" : "Beta"
        try await connection.query(
            "INSERT INTO organizations (organization_id, name, time_zone, phone_region) VALUES (\(organization), \(prefix + " Clinic"), 'Australia/Brisbane', 'AU')",
            logger: logger)
        try await connection.query(
            """
            INSERT INTO appointment_types (organization_id, appointment_type_id, name)
            VALUES (\(organization), 'initial', 'Initial Consultation'), (\(organization), 'standard', 'Standard Consultation')
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO patients (organization_id, patient_id, first_name, last_name, email, primary_phone_e164,
                source_created_at, source_updated_at)
            SELECT \(organization), 'p' || lpad(g::text, 3, '0'), \(prefix) || 'First' || g,
                CASE WHEN g % 7 = 0 THEN NULL WHEN g % 11 = 0 THEN 'Per%cent_' || g ELSE 'Last' || (g % 5) END,
                'patient' || g || '@' || lower(\(prefix)) || '.example',
                '+6141200' || lpad(g::text, 4, '0'),
                \(now) - interval '400 days', \(now) - (g || ' days')::interval
            FROM generate_series(1, \(count)) AS g
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO patient_phones (organization_id, patient_id, position, raw_number, phone_type, e164, number_kind, normalization)
            SELECT \(organization), 'p' || lpad(g::text, 3, '0'), 0, '0412 00' || lpad(g::text, 4, '0'), 'Mobile',
                '+6141200' || lpad(g::text, 4, '0'), 'mobile', 'valid'
            FROM generate_series(1, \(count)) AS g
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO patient_activity (organization_id, patient_id, as_of, run_id, first_visit_at, last_visit_at,
                next_visit_at, next_appointment_type_id, attended_recent, attended_90d, attended_total, upcoming_count,
                primary_appointment_type_id, last_contact_at, days_since_last_contact, activity_status, engagement,
                risk_level, risk_score, action_priority, recommended_action)
            SELECT \(organization), 'p' || lpad(g::text, 3, '0'), \(now), \(runID),
                \(now) - interval '300 days',
                CASE WHEN g % 9 = 0 THEN NULL ELSE \(now) - (g * 3 || ' days')::interval END,
                CASE WHEN g % 4 = 0 THEN \(now) + (g || ' hours')::interval ELSE NULL END,
                CASE WHEN g % 4 = 0 THEN (CASE WHEN g % 8 = 0 THEN 'initial' ELSE 'standard' END) ELSE NULL END,
                g % 3, g % 6, g % 10 + 1, CASE WHEN g % 4 = 0 THEN 1 ELSE 0 END,
                CASE WHEN g % 2 = 0 THEN 'initial' ELSE 'standard' END,
                CASE WHEN g % 9 = 0 THEN NULL ELSE \(now) - (g * 2 || ' days')::interval END,
                CASE WHEN g % 9 = 0 THEN NULL ELSE g * 2 END,
                (ARRAY['active','recently_active','upcoming_only','lapsed','new','never_seen'])[g % 6 + 1],
                (ARRAY['active','dormant','stale'])[g % 3 + 1],
                (ARRAY['low','medium','high'])[g % 3 + 1],
                (g * 7) % 101, g % 4 + 1, 'Call to rebook'
            FROM generate_series(1, \(count)) AS g
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO appointment_type_stats (organization_id, appointment_type_id, as_of, run_id, patients, upcoming,
                attended_90d, total_appointments, share_of_total, most_recent_at)
            VALUES (\(organization), 'initial', \(now), \(runID), 12, 3, 20, 40, 0.4, \(now) - interval '2 days'),
                   (\(organization), 'standard', \(now), \(runID), 30, 7, 45, 60, 0.6, \(now) - interval '1 day')
            """, logger: logger)
        for run in 0..<4 {
            let started = now.addingTimeInterval(Double(-86_400 * (run + 1)))
            let status = run == 1 ? "failed" : "succeeded"
            let error: String? = run == 1 ? "cliniko: HTTP 503 after 5 attempts" : nil
            let id = run == 0 ? runID : UUID()
            try await connection.query(
                """
                INSERT INTO sync_runs (organization_id, run_id, pipeline, mode, status, started_by, started_at,
                    finished_at, as_of, error, records_read, records_inserted, records_updated, records_unchanged,
                    records_quarantined)
                VALUES (\(organization), \(id), 'demo', 'incremental', \(status), 'test', \(started),
                    \(started.addingTimeInterval(90)), \(started), \(error), 500, 10, 20, 470, 2)
                """, logger: logger)
        }
        try await connection.query(
            """
            INSERT INTO sync_state (organization_id, source, resource, cursor_value, last_success_at, last_full_at, run_id)
            VALUES (\(organization), 'cliniko', 'patients', NULL, \(now), \(now) - interval '6 days', \(runID)),
                   (\(organization), 'chatwoot', 'contacts', NULL, \(now), NULL, \(runID))
            """, logger: logger)
    }
}
