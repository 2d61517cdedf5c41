import Foundation
import Logging
import PostgresNIO

/// Fills a migrated warehouse with what a real run leaves behind, quickly: one template organization's rows are
/// generated in SQL (patients, phones, appointments, types, practitioners, contacts, matches, conversations,
/// messages, users, runs, sync state, quarantine, and the derived tables computed from them), then copied into every
/// other organization with `INSERT … SELECT` that only replaces `organization_id`, one organization after the other
/// (as runs load them, so each organization's rows sit together on disk), then vacuumed and analyzed as autovacuum
/// would after a load this size.
///
/// Values come from `hashint8` of row numbers, not `random()`, so every fill is the same.
struct WarehouseFiller {
    /// How many organizations, and patients in each.
    var organizations: Int
    var patientsPerOrganization: Int
    /// The instant the derived tables are computed as of.
    var asOf: Date
    /// The run every organization's derived rows name.
    var runID: UUID

    /// The organization ids, `org_bench001`, `org_bench002`…
    var organizationIDs: [String] {
        (1...organizations).map { "org_bench" + String(format: "%03d", $0) }
    }

    /// Row counts per table after a fill.
    typealias Counts = [(table: String, rows: Int)]

    /// The tables filled, in the order they are copied.
    static let tables = [
        "businesses", "practitioners", "appointment_types", "users", "organization_members", "patients",
        "patient_phones", "appointments", "contacts", "contact_matches", "conversations", "messages",
        "patient_activity", "appointment_type_stats", "appointment_weekly_stats", "sync_runs", "sync_state",
        "quarantine",
    ]

    /// Generates the template organization and copies it into the others in one transaction, then vacuums and analyzes.
    func fill(client: PostgresClient, logger: Logger) async throws -> Counts {
        let ids = organizationIDs
        let template = ids[0]
        let zones = [
            "Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane", "Australia/Perth", "Pacific/Auckland",
        ]
        try await client.withTransaction(logger: logger) { connection in
            for (index, id) in ids.enumerated() {
                try await connection.query(
                    """
                    INSERT INTO organizations (organization_id, name, slug, time_zone)
                    VALUES (\(id), \("Benchmark Clinic \(index + 1) & Physio <\(zones[index % zones.count])>"),
                            \(id), \(zones[index % zones.count]))
                    """, logger: logger)
            }
            for statement in templateStatements(template) {
                try await connection.query(statement, logger: logger)
            }
            try await connection.query(
                "SELECT set_config('routiq.bench_template', \(template), true)", logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: Self.cloneBlock), logger: logger)
        }
        // What autovacuum does after a load this size: statistics and the visibility map.
        try await client.query("VACUUM (ANALYZE)", logger: logger)
        var counts: Counts = []
        for table in Self.tables {
            let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: logger)
            for try await count in rows.decode(Int.self) { counts.append((table, count)) }
        }
        return counts
    }

    /// Copies every table's template rows (the organization in `routiq.bench_template`) into every other
    /// organization. Columns are read from the catalog, so identity columns (`quarantine_id`) take new values.
    static let cloneBlock = """
        DO $$
        DECLARE
            template text := current_setting('routiq.bench_template');
            tenant_table text;
            columns text;
            selected text;
        BEGIN
            FOREACH tenant_table IN ARRAY ARRAY[\(tables.map { "'\($0)'" }.joined(separator: ", "))] LOOP
                SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position),
                       string_agg('t.' || quote_ident(column_name), ', ' ORDER BY ordinal_position)
                INTO columns, selected
                FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = tenant_table
                  AND column_name <> 'organization_id' AND is_identity = 'NO' AND is_generated = 'NEVER';
                EXECUTE format(
                    'INSERT INTO %I (organization_id, %s) SELECT o.organization_id, %s FROM %I t '
                    || 'CROSS JOIN organizations o WHERE t.organization_id = %L AND o.organization_id <> %L '
                    || 'ORDER BY o.organization_id',
                    tenant_table, columns, selected, tenant_table, template, template);
            END LOOP;
        END
        $$
        """

    private func templateStatements(_ org: String) -> [PostgresQuery] {
        let patients = patientsPerOrganization
        let asOf = self.asOf
        let run = runID
        return [
            """
            INSERT INTO businesses (organization_id, business_id, name, time_zone, country)
            VALUES (\(org), '1001', 'Main clinic', 'Australia/Sydney', 'AU')
            """,
            """
            INSERT INTO practitioners (organization_id, practitioner_id, first_name, last_name, display_name)
            SELECT \(org), (2000 + n)::text, 'Practitioner', n::text, 'Practitioner ' || n
            FROM generate_series(1, 6) AS n
            """,
            """
            INSERT INTO appointment_types (organization_id, appointment_type_id, name, duration_minutes)
            SELECT \(org), (3000 + n)::text, name, 30 + 15 * (n % 3)
            FROM unnest(ARRAY['Subsequent Consultation', 'Follow-up', 'Initial Consultation', '5 Session Package',
                              'Massage 60', 'Telehealth', 'Free 15 minute Online Call', 'Online Call', 'Pilates class',
                              'Massage 90', '10 session package']) WITH ORDINALITY AS t(name, n)
            """,
            """
            INSERT INTO users (organization_id, user_id, first_name, last_name, primary_email)
            SELECT \(org), 'user_' || n, 'Staff', n::text, 'staff' || n || '@example.test'
            FROM generate_series(1, 5) AS n
            """,
            """
            INSERT INTO organization_members (organization_id, user_id, membership_id, role)
            SELECT \(org), 'user_' || n, 'orgmem_' || n, CASE n WHEN 1 THEN 'org:admin' ELSE 'org:member' END
            FROM generate_series(1, 5) AS n
            """,
            """
            INSERT INTO patients (organization_id, patient_id, first_name, last_name, email, primary_phone_e164,
                date_of_birth, source_created_at, source_updated_at)
            SELECT \(org), (1581000000000000000 + n)::text,
                   (ARRAY['Olivia', 'Noah', 'Zoë', 'José', 'Mia', 'Liam', 'Aroha', 'Chloé', 'Seán', 'Mei', 'Ava',
                          'Jack', 'Isla', 'Leo', 'Ruby', 'Kai'])[1 + abs(hashint8(n)) % 16],
                   (ARRAY['O''Brien', 'García', 'Nguyen', 'Smith', 'Patel', 'Ngata', 'Müller', 'Kim', 'Li', 'Brown',
                          'Taylor', 'Wilson'])[1 + abs(hashint8(n + 7)) % 12],
                   'patient' || n || '@example.test', '+614' || lpad((abs(hashint8(n)) % 100000000)::text, 8, '0'),
                   date '1950-01-01' + (abs(hashint8(n + 1)) % 25000)::int,
                   \(asOf)::timestamptz - make_interval(days => (abs(hashint8(n + 2)) % 1500)::int),
                   \(asOf)::timestamptz - make_interval(days => (abs(hashint8(n + 3)) % 100)::int)
            FROM generate_series(1, \(patients)) AS n
            """,
            """
            INSERT INTO patient_phones (organization_id, patient_id, position, raw_number, phone_type, e164,
                number_kind, normalization)
            SELECT organization_id, patient_id, 0, '0' || substr(primary_phone_e164, 4), 'Mobile', primary_phone_e164,
                   'mobile', 'parsed'
            FROM patients WHERE organization_id = \(org)
            """,
            // About ten appointments per patient over three years, up to 60 days ahead; 8 % cancelled (some
            // late), 3 % did not arrive, 1 % archived.
            """
            INSERT INTO appointments (organization_id, appointment_id, patient_id, practitioner_id, appointment_type_id,
                business_id, starts_at, ends_at, cancelled_at, did_not_arrive, patient_arrived, archived_at,
                source_created_at, source_updated_at)
            SELECT \(org), (1590000000000000000 + p * 100 + k)::text, (1581000000000000000 + p)::text,
                   (2001 + h % 6)::text, (3001 + (h / 7) % 11)::text, '1001', starts, starts + interval '30 minutes',
                   CASE WHEN h % 100 < 8 THEN starts - make_interval(hours => ((h / 100) % 96)::int) END,
                   h % 100 BETWEEN 8 AND 10, h % 100 > 10 AND starts < \(asOf),
                   CASE WHEN h % 100 = 99 THEN starts + interval '1 day' END, starts - interval '14 days', starts
            FROM generate_series(1, \(patients)) AS p
            CROSS JOIN LATERAL generate_series(1, 1 + (abs(hashint8(p)) % 20)::int) AS k
            CROSS JOIN LATERAL (SELECT abs(hashint8(p * 100 + k)) AS h) AS r
            CROSS JOIN LATERAL (
                SELECT date_trunc('hour', \(asOf)::timestamptz + interval '60 days'
                       - make_interval(hours => (h % (1155 * 24))::int)) AS starts) AS s
            """,
            // Seven in ten patients wrote on Chatwoot, plus contacts that match nobody.
            """
            INSERT INTO contacts (organization_id, contact_id, name, email, phone_number, phone_e164,
                source_created_at, last_activity_at)
            SELECT \(org), (5000 + n)::text, first_name || ' ' || last_name, email, primary_phone_e164,
                   primary_phone_e164, source_created_at, \(asOf)::timestamptz - make_interval(days => n % 200)
            FROM (SELECT row_number() OVER (ORDER BY patient_id)::int AS n, * FROM patients
                  WHERE organization_id = \(org)) AS p
            WHERE abs(hashint8(n + 11)) % 10 < 7
            UNION ALL
            SELECT \(org), (900000 + n)::text, 'Visitor ' || n, NULL, NULL, NULL, \(asOf), \(asOf)
            FROM generate_series(1, \(patients / 20)) AS n
            """,
            """
            INSERT INTO contact_matches (organization_id, contact_id, status, method, patient_id, confidence)
            SELECT c.organization_id, c.contact_id,
                   CASE WHEN p.patient_id IS NULL THEN 'unmatched'
                        WHEN abs(hashint8(c.contact_id::int8)) % 30 = 0 THEN 'ambiguous' ELSE 'matched' END,
                   CASE WHEN p.patient_id IS NOT NULL THEN 'phone' END,
                   CASE WHEN p.patient_id IS NOT NULL AND abs(hashint8(c.contact_id::int8)) % 30 <> 0
                        THEN p.patient_id END,
                   CASE WHEN p.patient_id IS NOT NULL THEN 1 END
            FROM contacts c
            LEFT JOIN patients p ON p.organization_id = c.organization_id AND p.primary_phone_e164 = c.phone_e164
            WHERE c.organization_id = \(org)
            """,
            """
            INSERT INTO conversations (organization_id, conversation_id, contact_id, inbox_id, status, channel,
                source_created_at, last_activity_at)
            SELECT organization_id, (contact_id::int8 * 2 + k)::text, contact_id, '1',
                   (ARRAY['open', 'resolved', 'resolved', 'pending'])[1 + (abs(hashint8(contact_id::int8 + k)) % 4)::int],
                   'Channel::Whatsapp', last_activity_at - interval '3 days', last_activity_at
            FROM contacts CROSS JOIN generate_series(0, 1) AS k
            WHERE organization_id = \(org) AND (k = 0 OR abs(hashint8(contact_id::int8)) % 10 = 0)
            """,
            """
            INSERT INTO messages (organization_id, message_id, conversation_id, message_type, content,
                source_created_at)
            SELECT organization_id, (conversation_id::int8 * 10 + m)::text, conversation_id,
                   CASE WHEN m % 2 = 0 THEN 'incoming' ELSE 'outgoing' END, 'Message ' || m,
                   last_activity_at - make_interval(hours => (m * 5)::int)
            FROM conversations CROSS JOIN LATERAL generate_series(1, 1 + (abs(hashint8(conversation_id::int8)) % 9)::int) AS m
            WHERE organization_id = \(org)
            """,
            // The derived tables, computed from the rows above with the scorer's rules simplified.
            """
            INSERT INTO patient_activity (organization_id, patient_id, as_of, run_id, first_visit_at, last_visit_at,
                next_visit_at, next_appointment_type_id, attended_recent, attended_90d, attended_total,
                upcoming_count, cancelled_90d, late_cancelled_90d, did_not_arrive_90d, attendance_rate_90d,
                primary_appointment_type_id, last_message_at, last_contact_at, days_since_last_contact,
                days_until_next_visit, activity_status, engagement, risk_level, risk_score, action_priority,
                recommended_action, lifetime_value)
            WITH a AS (
                SELECT *, cancelled_at IS NULL AND NOT did_not_arrive AND starts_at <= \(asOf) AS attended,
                       cancelled_at IS NULL AND NOT did_not_arrive AND starts_at > \(asOf) AS upcoming,
                       starts_at > \(asOf)::timestamptz - interval '90 days' AND starts_at <= \(asOf) AS in90
                FROM appointments WHERE organization_id = \(org) AND archived_at IS NULL
            ),
            messaged AS (
                SELECT m.patient_id, max(g.source_created_at) AS last_message_at
                FROM contact_matches m
                JOIN conversations v ON v.organization_id = m.organization_id AND v.contact_id = m.contact_id
                JOIN messages g ON g.organization_id = v.organization_id AND g.conversation_id = v.conversation_id
                WHERE m.organization_id = \(org) AND m.status = 'matched'
                GROUP BY m.patient_id
            ),
            s AS (
                SELECT p.patient_id,
                       min(a.starts_at) FILTER (WHERE a.attended) AS first_visit,
                       max(a.starts_at) FILTER (WHERE a.attended) AS last_visit,
                       min(a.starts_at) FILTER (WHERE a.upcoming) AS next_visit,
                       (array_agg(a.appointment_type_id ORDER BY a.starts_at) FILTER (WHERE a.upcoming))[1] AS next_type,
                       count(*) FILTER (WHERE a.attended AND a.starts_at > \(asOf)::timestamptz - interval '30 days')::int AS recent,
                       count(*) FILTER (WHERE a.attended AND a.in90)::int AS attended90,
                       count(*) FILTER (WHERE a.attended)::int AS attended,
                       count(*) FILTER (WHERE a.upcoming)::int AS upcoming,
                       count(*) FILTER (WHERE a.cancelled_at IS NOT NULL AND a.in90
                                          AND a.starts_at - a.cancelled_at >= interval '24 hours')::int AS cancelled90,
                       count(*) FILTER (WHERE a.cancelled_at IS NOT NULL AND a.in90
                                          AND a.starts_at - a.cancelled_at < interval '24 hours')::int AS late90,
                       count(*) FILTER (WHERE a.did_not_arrive AND a.cancelled_at IS NULL AND a.in90)::int AS dna90,
                       mode() WITHIN GROUP (ORDER BY a.appointment_type_id) FILTER (WHERE a.attended) AS primary_type,
                       max(m.last_message_at) AS last_message,
                       p.source_created_at
                FROM patients p
                LEFT JOIN a ON a.patient_id = p.patient_id
                LEFT JOIN messaged m ON m.patient_id = p.patient_id
                WHERE p.organization_id = \(org)
                GROUP BY p.patient_id, p.source_created_at
            ),
            c AS (
                SELECT *, greatest(last_visit, last_message) AS last_contact,
                       CASE WHEN recent > 0 AND upcoming > 0 THEN 'active'
                            WHEN recent > 0 THEN 'recently_active'
                            WHEN upcoming > 0 AND attended = 0 THEN 'upcoming_only'
                            WHEN upcoming > 0 THEN 'active'
                            WHEN attended > 0 THEN 'lapsed'
                            WHEN source_created_at > \(asOf)::timestamptz - interval '30 days' THEN 'new'
                            ELSE 'never_seen' END AS status
                FROM s
            ),
            d AS (
                SELECT *, (\(asOf)::date - last_contact::date) AS since,
                       CASE WHEN upcoming > 0 THEN 20 + 5 * dna90
                            ELSE least(100, 40 + coalesce((\(asOf)::date - last_contact::date) / 10, 45)
                                            + 10 * dna90 + 5 * late90) END AS score
                FROM c
            )
            SELECT \(org), patient_id, \(asOf), \(run), first_visit, last_visit, next_visit, next_type, recent,
                   attended90, attended, upcoming, cancelled90, late90, dna90,
                   CASE WHEN attended90 + dna90 + late90 > 0
                        THEN round(attended90::numeric / (attended90 + dna90 + late90), 4) END,
                   primary_type, last_message, last_contact, since,
                   CASE WHEN next_visit IS NOT NULL THEN next_visit::date - \(asOf)::date END,
                   status,
                   CASE WHEN since <= 30 THEN 'active' WHEN since <= 90 THEN 'dormant' ELSE 'stale' END,
                   CASE WHEN score >= 70 THEN 'high' WHEN score >= 40 THEN 'medium' ELSE 'low' END, score,
                   CASE WHEN score >= 70 THEN 1 WHEN score >= 55 THEN 2 WHEN score >= 40 THEN 3 ELSE 4 END,
                   CASE WHEN score >= 70 THEN 'Call now: high-risk dormant patient'
                        WHEN score >= 40 THEN 'Send a check-in message' ELSE 'Maintain current care plan' END,
                   attended * 95.00
            FROM d
            """,
            """
            INSERT INTO appointment_type_stats (organization_id, appointment_type_id, as_of, run_id, patients,
                upcoming, attended_90d, cancelled_90d, did_not_arrive_90d, total_appointments, share_of_total,
                most_recent_at)
            SELECT \(org), appointment_type_id, \(asOf), \(run), count(DISTINCT patient_id),
                   count(*) FILTER (WHERE cancelled_at IS NULL AND NOT did_not_arrive AND starts_at > \(asOf)),
                   count(*) FILTER (WHERE cancelled_at IS NULL AND NOT did_not_arrive AND starts_at <= \(asOf)
                                      AND starts_at > \(asOf)::timestamptz - interval '90 days'),
                   count(*) FILTER (WHERE cancelled_at IS NOT NULL
                                      AND starts_at > \(asOf)::timestamptz - interval '90 days'),
                   count(*) FILTER (WHERE did_not_arrive AND starts_at > \(asOf)::timestamptz - interval '90 days'),
                   count(*), round(count(*)::numeric / sum(count(*)) OVER (), 4),
                   max(starts_at) FILTER (WHERE starts_at <= \(asOf))
            FROM appointments WHERE organization_id = \(org) AND archived_at IS NULL
            GROUP BY appointment_type_id
            """,
            """
            INSERT INTO appointment_weekly_stats (organization_id, week_start, iso_year, iso_week, as_of, run_id,
                attended, cancelled, did_not_arrive, booked)
            SELECT \(org), w::date, extract(isoyear FROM w)::int, extract(week FROM w)::int, \(asOf), \(run),
                   count(a.*) FILTER (WHERE a.cancelled_at IS NULL AND NOT a.did_not_arrive AND a.starts_at <= \(asOf)),
                   count(a.*) FILTER (WHERE a.cancelled_at IS NOT NULL),
                   count(a.*) FILTER (WHERE a.did_not_arrive AND a.cancelled_at IS NULL),
                   count(a.*) FILTER (WHERE a.cancelled_at IS NULL AND NOT a.did_not_arrive AND a.starts_at > \(asOf))
            FROM generate_series(date_trunc('week', \(asOf)::timestamp) - interval '26 weeks',
                                 date_trunc('week', \(asOf)::timestamp) + interval '4 weeks', interval '1 week') AS w
            LEFT JOIN appointments a
                   ON a.organization_id = \(org) AND a.archived_at IS NULL
                  AND a.starts_at >= w AT TIME ZONE 'Australia/Sydney'
                  AND a.starts_at < (w + interval '1 week') AT TIME ZONE 'Australia/Sydney'
            GROUP BY w
            """,
            // A month of nightly runs, the last one being the run above; a few failed.
            """
            INSERT INTO sync_runs (organization_id, run_id, pipeline, mode, status, started_by, started_at,
                finished_at, as_of, records_read, records_inserted, records_updated, records_unchanged,
                records_quarantined, stats)
            SELECT \(org), CASE WHEN n = 0 THEN \(run) ELSE md5(n::text)::uuid END, 'nightly',
                   CASE WHEN n % 7 = 6 THEN 'full' ELSE 'incremental' END,
                   CASE WHEN n % 9 = 4 THEN 'failed' ELSE 'succeeded' END, 'schedule',
                   \(asOf)::timestamptz - make_interval(days => n) - interval '5 minutes',
                   \(asOf)::timestamptz - make_interval(days => n) - interval '1 minute', \(asOf)::timestamptz - make_interval(days => n),
                   3000 + n, 40 + n, 2900, 60, n % 3,
                   jsonb_build_object('resources', jsonb_build_array(
                       jsonb_build_object('source', 'cliniko', 'resource', 'patients', 'read', 1200 + n),
                       jsonb_build_object('source', 'cliniko', 'resource', 'appointments', 'read', 1500 + n),
                       jsonb_build_object('source', 'chatwoot', 'resource', 'messages', 'read', 300),
                       jsonb_build_object('source', 'clerk', 'resource', 'users', 'read', 5)))
            FROM generate_series(0, 29) AS n
            """,
            """
            INSERT INTO sync_state (organization_id, source, resource, cursor_value, last_success_at, last_full_at,
                run_id)
            SELECT \(org), source, resource, \(asOf)::text, \(asOf)::timestamptz - interval '1 minute',
                   \(asOf)::timestamptz - interval '6 days', \(run)
            FROM (VALUES ('cliniko', 'patients'), ('cliniko', 'individual_appointments'),
                         ('cliniko', 'appointment_types'), ('cliniko', 'practitioners'), ('cliniko', 'businesses'),
                         ('chatwoot', 'contacts'), ('chatwoot', 'conversations'), ('chatwoot', 'messages'),
                         ('clerk', 'organizations'), ('clerk', 'users'), ('clerk', 'memberships'))
                 AS r(source, resource)
            """,
            """
            INSERT INTO quarantine (organization_id, run_id, source, resource, source_id, reason, raw)
            SELECT \(org), CASE WHEN n % 5 = 0 THEN \(run) ELSE md5((n % 29 + 1)::text)::uuid END,
                   (ARRAY['cliniko', 'chatwoot'])[1 + n % 2], 'patients', n::text, 'date_of_birth is not a date',
                   '{"id": ' || n || '}'
            FROM generate_series(1, 40) AS n
            """,
        ]
    }
}
