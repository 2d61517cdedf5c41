import Foundation
import Logging
import PostgresNIO
import TestSupport

/// A warehouse that looks like a real run's, for rendering tests: ``ReportFixture``'s organization grown to a few
/// hundred patients, a dozen appointment types and half a year of weeks, plus more organizations for the index, all
/// with the names that break careless HTML (`<`, `&`, quotes, emoji, Arabic and Hebrew, long names), and one
/// organization with no data at all.
enum DemoLikeFixture {
    /// Organizations besides ``ReportFixture``'s two, by id, with name and time zone.
    static let organizations: [(id: String, name: String, timeZone: String)] = [
        ("org_demoAroha", "Ngā Hau e Whā Physiotherapy & Sports Injury Clinic (Ōtautahi)", "Pacific/Auckland"),
        ("org_demoNoor", "عيادة النور للعلاج الطبيعي", "Asia/Dubai"),
        ("org_demoShalom", "מרפאת שלום – פיזיותרפיה", "Asia/Jerusalem"),
        ("org_demoZoe", "Zoë's <Pilates> \"Studio\" 🧘", "Europe/London"),
        (
            "org_demoHudson", "Hudson Valley Chiropractic, Massage & Wellness Center of Greater Poughkeepsie",
            "America/New_York"
        ),
    ]
    /// An organization that has just signed up: no patients, appointments, conversations or runs.
    static let empty = "org_demoEmpty"

    /// Every organization the fixture holds, ``ReportFixture``'s included.
    static var allOrganizations: [String] {
        [ReportFixture.organization, ReportFixture.other] + organizations.map(\.id) + [empty]
    }

    static func seed(_ client: PostgresClient) async throws {
        try await ReportFixture.seed(client)
        let logger = TestDatabase.logger
        let org = ReportFixture.organization
        let asOf = ReportFixture.asOf
        let run = ReportFixture.runID
        var statements: [PostgresQuery] = []
        for organization in organizations {
            statements.append(
                """
                INSERT INTO organizations (organization_id, name, time_zone)
                VALUES (\(organization.id), \(organization.name), \(organization.timeZone))
                """)
        }
        statements.append(
            "INSERT INTO organizations (organization_id, name, time_zone) VALUES (\(empty), 'Just signed up', 'UTC')")
        statements += [
            """
            INSERT INTO appointment_types (organization_id, appointment_type_id, name)
            SELECT \(org), 'x' || n, name
            FROM unnest(ARRAY[
                'Initial Consultation – Extended (60 min)', 'Subsequent Consultation', 'Remedial Massage 90 min 💆',
                'Pilates & Reformer <Group>', 'Telehealth "Check-in"', 'استشارة أولية', 'ייעוץ המשך', 'Dry Needling',
                'Hydrotherapy (Pool) – Small Group Session, 45 minutes', 'Free 15 minute Online Call'
            ]) WITH ORDINALITY AS t(name, n)
            """,
            """
            INSERT INTO appointment_type_stats (organization_id, appointment_type_id, as_of, run_id, patients, upcoming,
                attended_90d, cancelled_90d, did_not_arrive_90d, total_appointments, share_of_total, most_recent_at)
            SELECT \(org), 'x' || n, \(asOf), \(run), 400 / n, 90 / n, 600 / n, 40 / n, 25 / n, 4000 / n,
                   round((4000.0 / n) / 11716, 4), \(asOf)::timestamptz - make_interval(days => n::int)
            FROM generate_series(1, 10) AS n
            """,
            """
            INSERT INTO patients (organization_id, patient_id, first_name, last_name, email, primary_phone_e164)
            SELECT \(org), 'g' || n,
                   (ARRAY['Olivia', 'Noah', 'Zoë', 'José', 'محمد', 'דוד', 'Aroha', 'Nguyễn', 'Chloé', 'Seán',
                          'Kai 🏄', '<b>Bold</b>', 'Tom & Jerry', '"Quote"', 'Amélie', 'Mei'])[1 + n % 16],
                   (ARRAY['O''Brien', 'García', 'Nguyễn Văn An', 'الأحمد', 'כהן', 'Ngata', 'Smith-Jones',
                          'Müller', 'Łukasiewicz', 'Fitzgerald-Montgomery-Wolstenholme', 'van der Berg'])[1 + n % 11],
                   'patient' || n || '@example.test', '+6149157' || lpad(n::text, 4, '0')
            FROM generate_series(1, 300) AS n
            """,
            """
            INSERT INTO patient_activity (organization_id, patient_id, as_of, run_id, activity_status, engagement,
                risk_level, risk_score, action_priority, recommended_action, attended_recent, attended_90d,
                attended_total, upcoming_count, days_since_last_contact, days_until_next_visit, last_message_at,
                attendance_rate_90d, primary_appointment_type_id, next_appointment_type_id)
            SELECT \(org), 'g' || n, \(asOf), \(run),
                   (ARRAY['active', 'recently_active', 'upcoming_only', 'lapsed', 'lapsed', 'new', 'never_seen'])[1 + n % 7],
                   (ARRAY['active', 'dormant', 'stale'])[1 + n % 3],
                   (ARRAY['high', 'medium', 'low', 'low'])[1 + n % 4],
                   (n * 37) % 101, 1 + n % 4,
                   (ARRAY['Call now: high-risk dormant patient & no upcoming visit', 'Re-engage <this week>',
                          'Send a "we miss you" message', 'Maintain current care plan'])[1 + n % 4],
                   n % 3, n % 5, n % 23, n % 2, n % 400, CASE WHEN n % 2 = 1 THEN n % 30 END,
                   \(asOf)::timestamptz - make_interval(days => (n % 60)::int), round((n % 100) / 100.0, 4),
                   'x' || (1 + n % 10), CASE WHEN n % 2 = 1 THEN 'x' || (1 + n % 3) END
            FROM generate_series(1, 300) AS n
            """,
            """
            INSERT INTO appointments (organization_id, appointment_id, patient_id, appointment_type_id, starts_at,
                cancelled_at, did_not_arrive)
            SELECT \(org), 'ga' || n, 'g' || (1 + n % 300), 'x' || (1 + n % 10), starts,
                   CASE WHEN n % 13 = 0 THEN starts - make_interval(hours => (n % 72)::int) END, n % 29 = 0
            FROM (SELECT n, \(asOf)::timestamptz + interval '30 days' - make_interval(hours => ((n * 7919) % 4320)::int)
                  FROM generate_series(1, 2400) AS n) AS g(n, starts)
            """,
            "DELETE FROM appointment_weekly_stats WHERE organization_id = \(org)",
            """
            INSERT INTO appointment_weekly_stats (organization_id, week_start, iso_year, iso_week, as_of, run_id,
                attended, cancelled, did_not_arrive, booked)
            SELECT \(org), w::date, extract(isoyear FROM w)::int, extract(week FROM w)::int, \(asOf), \(run),
                   CASE WHEN w < '2026-04-13' THEN 140 + (i * 17) % 45 WHEN w = '2026-04-13' THEN 70 ELSE 0 END,
                   CASE WHEN w <= '2026-04-13' THEN 10 + (i * 7) % 15 ELSE 0 END,
                   CASE WHEN w <= '2026-04-13' THEN 3 + (i * 5) % 9 ELSE 0 END,
                   CASE WHEN w >= '2026-04-13' THEN 160 / (1 + extract(day FROM w - '2026-04-13')::int / 7) ELSE 0 END
            FROM generate_series('2025-10-13'::timestamp, '2026-05-04'::timestamp, interval '7 days')
                 WITH ORDINALITY AS s(w, i)
            """,
            """
            INSERT INTO contacts (organization_id, contact_id, name)
            SELECT \(org), 'k' || n, 'Contact ' || n FROM generate_series(1, 150) AS n
            """,
            """
            INSERT INTO contact_matches (organization_id, contact_id, status, method, patient_id)
            SELECT \(org), 'k' || n, (ARRAY['matched', 'matched', 'matched', 'ambiguous', 'unmatched'])[1 + n % 5],
                   CASE WHEN n % 5 < 4 THEN 'phone' END, CASE WHEN n % 5 < 3 THEN 'g' || n END
            FROM generate_series(1, 150) AS n
            """,
            """
            INSERT INTO sync_runs (organization_id, run_id, pipeline, mode, status, started_by, started_at,
                finished_at, records_read, records_inserted, records_updated, records_unchanged, records_quarantined)
            SELECT \(org), ('00000000-0000-0000-0000-0000000001' || lpad(n::text, 2, '0'))::uuid, 'nightly',
                   'incremental', CASE WHEN n % 4 = 0 THEN 'failed' ELSE 'succeeded' END, 'schedule',
                   '2026-04-05T01:00:00Z'::timestamptz + make_interval(days => n::int),
                   '2026-04-05T01:03:10Z'::timestamptz + make_interval(days => n::int),
                   86653 + n, 120 * n, 15, 86000, n % 3
            FROM generate_series(1, 8) AS n
            """,
            """
            INSERT INTO patients (organization_id, patient_id, first_name, last_name)
            SELECT o.organization_id, 'p' || n, 'Pat', 'Ient ' || n
            FROM organizations o CROSS JOIN generate_series(1, 40) AS n
            WHERE o.organization_id LIKE 'org_demo%' AND o.organization_id <> \(empty)
            """,
            """
            INSERT INTO patient_activity (organization_id, patient_id, as_of, run_id, activity_status, engagement,
                risk_level, risk_score, action_priority, recommended_action, upcoming_count, attended_recent)
            SELECT p.organization_id, p.patient_id, \(asOf), NULL,
                   (ARRAY['active', 'lapsed', 'new'])[1 + length(p.patient_id) % 3], 'active',
                   (ARRAY['high', 'low'])[1 + length(p.patient_id) % 2], 50, 2, 'Re-engage', 1, 1
            FROM patients p WHERE p.organization_id LIKE 'org_demo%'
            """,
        ]
        try await client.withTransaction(logger: logger) { connection in
            for statement in statements { try await connection.query(statement, logger: logger) }
        }
    }
}
