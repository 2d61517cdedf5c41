import Foundation
import Load
import PostgresNIO
import TestSupport
import Testing

@Suite("Schema migrations and row-level security")
struct SchemaTests {
    static let designTables = [
        "organizations", "users", "organization_members", "businesses", "practitioners", "appointment_types",
        "patients",
        "appointments", "contacts", "conversations", "messages", "contact_matches", "patient_activity",
        "appointment_type_stats", "appointment_weekly_stats", "sync_runs", "sync_state", "quarantine",
        "service_credentials", "audit_log", "schema_migrations", "reports", "reengagement_models",
    ]
    static let tenantTables = designTables.filter { $0 != "schema_migrations" } + ["patient_phones", "batch_claims"]
    /// Tenant tables routiq_reader may not read at all: secrets, the audit trail, and the workers' bookkeeping.
    static let unreadableTables = ["service_credentials", "audit_log", "batch_claims"]

    @Test("migrating twice changes nothing the second time, and every DESIGN §5 table exists")
    func idempotent() async throws {
        try await TestDatabase.withFreshDatabase(migrated: false) { client, _ in
            let logger = TestDatabase.logger
            let migrator = try SchemaMigrator(migrations: SchemaMigration.bundled())
            let first = try await migrator.migrate(client: client, logger: logger)
            #expect(first.applied.map(\.version) == migrator.migrations.map(\.version))
            let second = try await migrator.migrate(client: client, logger: logger)
            #expect(second.applied.isEmpty)
            #expect(second.currentVersion == first.currentVersion)
            for table in Self.designTables {
                let exists = try await TestDatabase.count(
                    "SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public' AND tablename = \(table)",
                    on: client)
                #expect(exists == 1, "missing table \(table)")
            }
        }
    }

    @Test("concurrent migrations serialize under the advisory lock")
    func concurrent() async throws {
        try await TestDatabase.withFreshDatabase(migrated: false) { client, _ in
            let migrator = try SchemaMigrator(migrations: SchemaMigration.bundled())
            let reports = try await withThrowingTaskGroup(of: SchemaMigrator.Report.self) { group in
                for _ in 0..<3 {
                    group.addTask { try await migrator.migrate(client: client, logger: TestDatabase.logger) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(reports.map(\.applied.count).reduce(0, +) == migrator.migrations.count)
            #expect(
                reports.filter { !$0.applied.isEmpty }.count == 1,
                "one migrator applies everything, the others find nothing")
        }
    }

    @Test("an applied migration that was edited stops with a clear error")
    func checksumProtected() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            var migrations = try SchemaMigration.bundled()
            migrations[0] = SchemaMigration(
                version: 1, name: migrations[0].name, sql: migrations[0].sql + "\n-- edited\n")
            let error = await #expect(throws: DatabaseError.self) {
                try await SchemaMigrator(migrations: migrations).migrate(client: client, logger: logger)
            }
            #expect(error?.code == .migrationChecksumMismatch)
            #expect(error?.message.contains("was edited after it was applied") == true)

            try await client.query(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (999, 'future', 'x')", logger: logger)
            let newer = await #expect(throws: DatabaseError.self) {
                try await SchemaMigrator(migrations: SchemaMigration.bundled()).migrate(client: client, logger: logger)
            }
            #expect(newer?.code == .migrationFromNewerVersion)
        }
    }

    @Test("every tenant table has row-level security and a primary key starting with organization_id")
    func tenantTablesShape() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            for table in Self.tenantTables {
                let rls = try await TestDatabase.count(
                    "SELECT count(*)::int FROM pg_class WHERE relname = \(table) AND relrowsecurity", on: client)
                #expect(rls == 1, "\(table) has no row-level security")
                let policies = try await TestDatabase.count(
                    "SELECT count(*)::int FROM pg_policies WHERE tablename = \(table) AND policyname = 'tenant_isolation'",
                    on: client)
                #expect(policies == 1, "\(table) has no tenant_isolation policy")
                let firstKeyColumn = try await TestDatabase.count(
                    """
                    SELECT count(*)::int FROM pg_index i
                    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                    WHERE i.indrelid = \(table)::regclass AND i.indisprimary AND a.attname = 'organization_id'
                    """,
                    on: client
                )
                #expect(firstKeyColumn == 1, "\(table)'s primary key does not start with organization_id")
            }
        }
    }

    /// Citus distributes every tenant table by `organization_id` (docs/scaling.md): that requires every primary key
    /// and unique constraint to include the distribution column, and every foreign key between distributed tables to
    /// join on it, so that each organization's rows and their references stay on one node.
    @Test("every primary key, unique constraint and foreign key includes organization_id, as Citus requires")
    func citusReady() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let rows = try await client.query(
                """
                SELECT c.conrelid::regclass::text, c.conname, c.contype::text,
                       bool_or(a.attname = 'organization_id') AS has_local,
                       coalesce(bool_or(f.attname = 'organization_id'), true) AS has_foreign
                FROM pg_constraint c
                JOIN pg_namespace n ON n.oid = c.connamespace AND n.nspname = 'public'
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
                LEFT JOIN pg_attribute f ON f.attrelid = c.confrelid AND f.attnum = ANY (c.confkey)
                WHERE c.contype IN ('p', 'u', 'f') AND c.conrelid::regclass::text <> 'schema_migrations'
                GROUP BY 1, 2, 3
                ORDER BY 1, 2
                """,
                logger: TestDatabase.logger)
            var checked = 0
            for try await (table, constraint, kind, hasLocal, hasForeign) in rows.decode(
                (String, String, String, Bool, Bool).self)
            {
                checked += 1
                #expect(hasLocal, "\(table).\(constraint) (\(kind)) does not include organization_id")
                #expect(hasForeign, "\(table).\(constraint) references a key without organization_id")
            }
            #expect(checked >= Self.tenantTables.count, "only \(checked) constraints found")
        }
    }

    @Test("as routiq_reader with routiq.org_id = A, no table shows B's rows and credentials are unreadable")
    func rowLevelSecurity() async throws {
        try await TestDatabase.withFreshDatabase { client, endpoint in
            let logger = TestDatabase.logger
            for organization in ["org_alpha", "org_beta"] {
                try await Self.seed(organization, client: client, logger: logger)
            }
            // The owner sees both organizations everywhere it seeded.
            #expect(
                try await TestDatabase.count("SELECT count(DISTINCT organization_id)::int FROM patients", on: client)
                    == 2)

            try await Self.asReader(client: client, endpoint: endpoint) { connection in
                let user = try await connection.query("SELECT current_user::text", logger: logger)
                for try await (name) in user.decode(String.self) { #expect(name == "routiq_reader") }
                try await connection.query("BEGIN", logger: logger)
                try await connection.query("SELECT set_config('routiq.org_id', 'org_alpha', true)", logger: logger)
                for table in Self.tenantTables where !Self.unreadableTables.contains(table) {
                    let rows = try await connection.query(
                        PostgresQuery(
                            unsafeSQL:
                                "SELECT count(*) FILTER (WHERE organization_id = 'org_beta')::int, count(*)::int FROM \(table)"
                        ),
                        logger: logger
                    )
                    for try await (beta, total) in rows.decode((Int, Int).self) {
                        #expect(beta == 0, "routiq_reader sees org_beta rows in \(table)")
                        #expect(total > 0, "seed left \(table) empty for org_alpha")
                    }
                }
                for secretTable in Self.unreadableTables {
                    do {
                        try await connection.query(
                            PostgresQuery(unsafeSQL: "SELECT 1 FROM \(secretTable)"), logger: logger)
                        Issue.record("routiq_reader could read \(secretTable)")
                    } catch let error as PSQLError {
                        #expect(error.serverInfo?[.sqlState] == "42501", "\(secretTable): expected permission denied")
                    }
                    try await connection.query("ROLLBACK", logger: logger)
                    try await connection.query("BEGIN", logger: logger)
                }
                // Without an organization set, nothing at all is visible.
                let rows = try await connection.query("SELECT count(*)::int FROM patients", logger: logger)
                for try await (count) in rows.decode(Int.self) { #expect(count == 0) }
                try await connection.query("ROLLBACK", logger: logger)
            }
        }
    }

    /// Runs `body` on a connection of `routiq_reader`: a real login as that role on the embedded cluster (trust
    /// authentication over its private socket); with `DATABASE_URL`, whose reader password the tests do not know,
    /// the owner's session switches to the role with `SET ROLE`, which row-level security treats the same way.
    static func asReader(
        client: PostgresClient,
        endpoint: DatabaseEndpoint,
        _ body: (PostgresConnection) async throws -> Void
    ) async throws {
        let logger = TestDatabase.logger
        if ProcessInfo.processInfo.environment["DATABASE_URL", default: ""].isEmpty {
            var reader = endpoint
            reader.username = "routiq_reader"
            reader.password = nil
            try await withPostgresClient(endpoint: reader, logger: logger) { readerClient in
                try await readerClient.withConnection { try await body($0) }
            }
        } else {
            try await client.withConnection { connection in
                try await connection.query("SET ROLE routiq_reader", logger: logger)
                try await body(connection)
                try await connection.query("RESET ROLE", logger: logger)
            }
        }
    }

    /// One row in every tenant table for `organization`.
    static func seed(_ organization: String, client: PostgresClient, logger: Logger) async throws {
        let run = UUID()
        let statements: [PostgresQuery] = [
            "INSERT INTO organizations (organization_id, name) VALUES (\(organization), 'Clinic')",
            "INSERT INTO users (organization_id, user_id) VALUES (\(organization), 'user_1')",
            "INSERT INTO organization_members (organization_id, user_id, membership_id, role) VALUES (\(organization), 'user_1', 'orgmem_1', 'org:admin')",
            "INSERT INTO businesses (organization_id, business_id, name) VALUES (\(organization), '1', 'Main')",
            "INSERT INTO practitioners (organization_id, practitioner_id) VALUES (\(organization), '1')",
            "INSERT INTO appointment_types (organization_id, appointment_type_id, name) VALUES (\(organization), '1', 'Initial')",
            "INSERT INTO patients (organization_id, patient_id) VALUES (\(organization), '1300000000000000001')",
            "INSERT INTO patient_phones (organization_id, patient_id, position, raw_number, normalization) VALUES (\(organization), '1300000000000000001', 0, '0491 570 156', 'ok')",
            "INSERT INTO appointments (organization_id, appointment_id, patient_id, starts_at) VALUES (\(organization), '1', '1300000000000000001', now())",
            "INSERT INTO contacts (organization_id, contact_id) VALUES (\(organization), '1')",
            "INSERT INTO conversations (organization_id, conversation_id, contact_id, status) VALUES (\(organization), '1', '1', 'open')",
            "INSERT INTO messages (organization_id, message_id, conversation_id, message_type, source_created_at) VALUES (\(organization), '1', '1', 'incoming', now())",
            "INSERT INTO contact_matches (organization_id, contact_id, status, method, patient_id) VALUES (\(organization), '1', 'matched', 'phone', '1300000000000000001')",
            "INSERT INTO patient_activity (organization_id, patient_id, as_of, activity_status, engagement, risk_level, risk_score, action_priority, recommended_action) VALUES (\(organization), '1300000000000000001', now(), 'active', 'active', 'low', 10, 4, 'Maintain current care plan')",
            "INSERT INTO appointment_type_stats (organization_id, appointment_type_id, as_of) VALUES (\(organization), '1', now())",
            "INSERT INTO appointment_weekly_stats (organization_id, week_start, iso_year, iso_week, as_of) VALUES (\(organization), '2026-11-23', 2026, 48, now())",
            "INSERT INTO sync_runs (organization_id, run_id, pipeline, mode, status, started_by, started_at, finished_at) VALUES (\(organization), \(run), 'demo', 'full', 'succeeded', 'test', now(), now())",
            "INSERT INTO sync_state (organization_id, source, resource, cursor_value) VALUES (\(organization), 'cliniko', 'patients', '2026-01-01T00:00:00Z')",
            "INSERT INTO quarantine (organization_id, run_id, source, resource, reason, raw) VALUES (\(organization), \(run), 'cliniko', 'patients', 'test', '{}')",
            "INSERT INTO service_credentials (organization_id, service, sealed, key_fingerprint, updated_by) VALUES (\(organization), 'cliniko', '\\x00', 'x', 'test')",
            "INSERT INTO audit_log (organization_id, actor, action) VALUES (\(organization), 'test', 'seed')",
            "INSERT INTO reengagement_models (organization_id, as_of, model, fitted, failure_reason, patients, repeat_visitors, visit_patterns, call_list_patients) VALUES (\(organization), now(), 'bgnbd', false, 'too few patients', 1, 0, 1, 0)",
            "INSERT INTO batch_claims (organization_id, batch_id, run_id, worker, status) VALUES (\(organization), 'nightly', \(run), 'test', 'running')",
            "INSERT INTO reports (organization_id, kind, content, content_type, etag, generated_at) VALUES (\(organization), 'summary', '\\x7b7d', 'application/json', '\"x\"', now())",
        ]
        try await client.withTransaction(logger: logger) { connection in
            for statement in statements { try await connection.query(statement, logger: logger) }
        }
    }
}
