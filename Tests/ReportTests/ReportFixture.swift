import Foundation
import Logging
import PostgresNIO
import TestSupport

/// A small warehouse for report tests: one organization with awkward names and every kind of appointment outcome,
/// and a second organization whose rows must never show up in the first one's report.
enum ReportFixture {
    static let organization = "org_reportA"
    static let other = "org_reportB"
    /// Wednesday 15 April 2026, 12:00 in Sydney.
    static let asOf = Date(timeIntervalSince1970: 1_776_218_400)
    static let runID = UUID(uuidString: "6F9D2C1E-3B4A-4C5D-8E7F-0A1B2C3D4E5F")!
    static let awkwardName = "<script>alert(\"x\")</script> & 'Zoë' 🦘"
    static let rtlName = "مريم"
    static let hebrewName = "שָׁלוֹם"

    static func seed(_ client: PostgresClient) async throws {
        let logger = TestDatabase.logger
        let org = organization
        let run = runID
        var statements: [PostgresQuery] = [
            "INSERT INTO organizations (organization_id, name, time_zone) VALUES (\(org), 'Bondi <Physio> & Co', 'Australia/Sydney')",
            "INSERT INTO organizations (organization_id, name, time_zone) VALUES (\(other), 'Other clinic', 'UTC')",
            "INSERT INTO appointment_types (organization_id, appointment_type_id, name) VALUES (\(org), 't1', 'Initial <consult>'), (\(org), 't2', 'Follow-up'), (\(other), 't1', 'Other')",
            """
            INSERT INTO patients (organization_id, patient_id, first_name, last_name, preferred_first_name, email, primary_phone_e164)
            VALUES (\(org), 'p1', \(awkwardName), 'O''Brien', NULL, 'p1@example.test', '+61491570156'),
                   (\(org), 'p2', 'Ali', \(rtlName), NULL, NULL, NULL),
                   (\(org), 'p3', 'Noa', \(hebrewName), 'Noa-Lee', NULL, NULL),
                   (\(org), 'p4', 'Sam', 'Smith', NULL, NULL, NULL),
                   (\(org), 'p5', 'Gone', 'Removed', NULL, NULL, NULL),
                   (\(other), 'p1', 'Other', 'Patient', NULL, NULL, NULL)
            """,
            "UPDATE patients SET removed_at = '2026-04-01T00:00:00Z' WHERE organization_id = \(org) AND patient_id = 'p5'",
            """
            INSERT INTO appointments (organization_id, appointment_id, patient_id, appointment_type_id, starts_at, cancelled_at, did_not_arrive, archived_at)
            VALUES (\(org), 'a1', 'p1', 't1', '2026-04-01T00:00:00Z', NULL, false, NULL),
                   (\(org), 'a2', 'p1', 't2', '2026-04-20T00:00:00Z', NULL, false, NULL),
                   (\(org), 'a3', 'p2', 't2', '2026-04-16T00:00:00Z', NULL, false, NULL),
                   (\(org), 'a4', 'p2', 't2', '2026-03-10T00:00:00Z', NULL, true, NULL),
                   (\(org), 'a5', 'p3', 't1', '2026-03-11T00:00:00Z', '2026-03-10T20:00:00Z', false, NULL),
                   (\(org), 'a6', 'p3', 't1', '2026-03-20T00:00:00Z', '2026-03-15T00:00:00Z', false, NULL),
                   (\(org), 'a7', 'p4', 't1', '2025-10-01T00:00:00Z', NULL, false, NULL),
                   (\(org), 'a8', 'p4', 't1', '2026-04-02T00:00:00Z', NULL, false, '2026-04-03T00:00:00Z'),
                   (\(org), 'a9', 'p4', 't2', '2026-06-01T00:00:00Z', NULL, false, NULL),
                   (\(org), 'a10', 'p4', 't2', '2026-04-15T02:00:00Z', NULL, false, NULL),
                   (\(other), 'a1', 'p1', 't1', '2026-04-16T00:00:00Z', NULL, false, NULL)
            """,
            """
            INSERT INTO patient_activity (organization_id, patient_id, as_of, run_id, activity_status, engagement, risk_level,
                risk_score, action_priority, recommended_action, attended_recent, attended_total, upcoming_count,
                days_since_last_contact, days_until_next_visit, last_message_at, attendance_rate_90d, lifetime_value)
            VALUES (\(org), 'p1', \(asOf), \(run), 'active', 'active', 'low', 25, 4, 'Maintain current care plan', 1, 1, 1, 14, 5, '2026-04-10T00:00:00Z', 1.0, 120.50),
                   (\(org), 'p2', \(asOf), \(run), 'upcoming_only', 'active', 'low', 30, 4, 'Maintain current care plan', 0, 0, 1, NULL, 1, NULL, 0.0, NULL),
                   (\(org), 'p3', \(asOf), \(run), 'never_seen', 'stale', 'high', 59, 1, 'Call now: missed visits and never attended', 0, 0, 0, NULL, NULL, '2026-02-01T00:00:00Z', NULL, NULL),
                   (\(org), 'p4', \(asOf), \(run), 'lapsed', 'dormant', 'medium', 70, 2, 'Re-engage', 0, 2, 1, 13, 47, NULL, NULL, NULL),
                   (\(other), 'p1', \(asOf), \(run), 'active', 'active', 'high', 90, 1, 'x', 0, 0, 0, NULL, NULL, NULL, NULL, NULL)
            """,
            """
            UPDATE patient_activity SET probability_alive = 0.83, expected_visits_90d = 1.25, typical_interval_days = 21,
                overdue_ratio = 3.048, rfm_recency = 2, rfm_frequency = 5, rfm_segment = 'at_risk', call_rank = 1,
                call_reason = 'regular every ~21 days, 64 days since last visit, 83 % likely still a patient'
            WHERE organization_id = \(org) AND patient_id = 'p4'
            """,
            """
            UPDATE patient_activity SET probability_alive = 1, expected_visits_90d = 0.4, rfm_recency = 5,
                rfm_frequency = 1, rfm_segment = 'new_patients'
            WHERE organization_id = \(org) AND patient_id = 'p1'
            """,
            """
            UPDATE patient_activity SET rfm_recency = 1, rfm_frequency = 2, rfm_segment = 'hibernating'
            WHERE organization_id = \(org) AND patient_id = 'p3'
            """,
            """
            UPDATE patient_activity SET probability_alive = 0.05, rfm_recency = 1, rfm_frequency = 1, rfm_segment = 'lost',
                call_rank = 1, call_reason = 'other organization'
            WHERE organization_id = \(other)
            """,
            """
            INSERT INTO reengagement_models (organization_id, as_of, run_id, model, fitted, r, alpha, a, b, log_likelihood,
                patients, repeat_visitors, visit_patterns, iterations, call_list_patients)
            VALUES (\(org), \(asOf), \(run), 'bgnbd', true, 0.9, 30, 0.7, 2.5, -1234.56789, 3, 2, 3, 21, 1)
            """,
            """
            INSERT INTO reengagement_models (organization_id, as_of, run_id, model, fitted, failure_reason, patients,
                repeat_visitors, visit_patterns, call_list_patients)
            VALUES (\(other), \(asOf), \(run), 'bgnbd', false, '1 patients with a visit, fewer than the 30 a fit needs',
                1, 0, 1, 0)
            """,
            """
            INSERT INTO appointment_type_stats (organization_id, appointment_type_id, as_of, patients, upcoming, attended_90d,
                cancelled_90d, did_not_arrive_90d, total_appointments, share_of_total, most_recent_at)
            VALUES (\(org), 't1', \(asOf), 3, 0, 1, 2, 0, 4, 0.4444, '2026-04-01T00:00:00Z'),
                   (\(org), 't2', \(asOf), 3, 3, 1, 0, 1, 5, 0.5556, '2026-04-15T02:00:00Z')
            """,
            """
            INSERT INTO appointment_weekly_stats (organization_id, week_start, iso_year, iso_week, as_of, attended, cancelled, did_not_arrive, booked)
            VALUES (\(org), '2026-03-30', 2026, 14, \(asOf), 1, 0, 0, 0),
                   (\(org), '2026-04-13', 2026, 16, \(asOf), 1, 0, 0, 1),
                   (\(org), '2026-03-09', 2026, 11, \(asOf), 0, 1, 1, 0),
                   (\(org), '2026-04-20', 2026, 17, \(asOf), 0, 0, 0, 1)
            """,
            """
            INSERT INTO contacts (organization_id, contact_id, name) VALUES (\(org), 'c1', 'A'), (\(org), 'c2', 'B'),
                (\(org), 'c3', 'C'), (\(org), 'c4', 'D'), (\(other), 'c1', 'X')
            """,
            """
            INSERT INTO contact_matches (organization_id, contact_id, status, method, patient_id)
            VALUES (\(org), 'c1', 'matched', 'phone', 'p1'), (\(org), 'c2', 'ambiguous', 'phone', NULL),
                   (\(org), 'c3', 'unmatched', NULL, NULL), (\(other), 'c1', 'matched', 'email', 'p1')
            """,
            """
            INSERT INTO conversations (organization_id, conversation_id, contact_id, status)
            VALUES (\(org), '1', 'c1', 'open'), (\(org), '2', 'c2', 'resolved'), (\(org), '3', 'c3', 'open'),
                   (\(other), '1', 'c1', 'open')
            """,
            """
            INSERT INTO sync_runs (organization_id, run_id, pipeline, mode, status, started_by, started_at, finished_at,
                records_read, records_inserted, records_updated, records_unchanged, records_quarantined)
            VALUES (\(org), \(run), 'demo', 'full', 'succeeded', 'test', '2026-04-15T01:59:00Z', '2026-04-15T02:00:00Z', 100, 90, 5, 3, 2),
                   (\(org), '00000000-0000-0000-0000-000000000001', 'demo', 'incremental', 'failed', 'test', '2026-04-14T01:00:00Z', '2026-04-14T01:00:30Z', 10, 0, 0, 0, 0)
            """,
            """
            UPDATE sync_runs SET stats = '{"resources": [{"source": "cliniko", "resource": "patients", "read": 60},
                {"source": "cliniko", "resource": "appointments", "read": 30}, {"source": "chatwoot", "resource": "contacts", "read": 10}]}'
            WHERE organization_id = \(org) AND run_id = \(run)
            """,
            """
            INSERT INTO sync_state (organization_id, source, resource, cursor_value, last_success_at, last_full_at, run_id)
            VALUES (\(org), 'cliniko', 'patients', 'x', '2026-04-15T02:00:00Z', '2026-04-15T02:00:00Z', \(run)),
                   (\(org), 'cliniko', 'appointments', 'x', '2026-04-15T01:00:00Z', NULL, \(run)),
                   (\(org), 'chatwoot', 'contacts', 'x', '2026-04-15T02:00:00Z', NULL, \(run))
            """,
            """
            INSERT INTO quarantine (organization_id, run_id, source, resource, reason, raw)
            VALUES (\(org), \(run), 'cliniko', 'patients', 'bad', '{}'), (\(org), \(run), 'cliniko', 'patients', 'bad', '{}'),
                   (\(org), '00000000-0000-0000-0000-000000000001', 'chatwoot', 'contacts', 'bad', '{}')
            """,
        ]
        statements.append("SELECT 1")
        try await client.withTransaction(logger: logger) { connection in
            for statement in statements { try await connection.query(statement, logger: logger) }
        }
    }
}
