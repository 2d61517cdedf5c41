import Foundation
import Logging
import Pipeline
import PostgresNIO
import TestSupport
import Testing

@testable import Load

@Suite("Isolation twice: reader transactions, forced row-level security and the reader role check")
struct ReaderIsolationTests {
    static let organizationA = OrganizationID("org_isolationA")!
    static let organizationB = OrganizationID("org_isolationB")!

    /// Tenant tables routiq_reader may not select from at all.
    static let unreadableTables: Set<String> = ["service_credentials", "audit_log", "batch_claims"]

    // MARK: The proof

    @Test("under A's setting, queries without an organization filter, and queries for B, see only A's rows")
    func forgottenFilterSeesOneOrganization() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            try await Self.seed(client: client, logger: logger)
            let a = Self.organizationA.rawValue
            let b = Self.organizationB.rawValue

            try await client.withConnection { connection in
                let (patients, forB) = try await connection.withReaderTransaction(
                    organization: Self.organizationA, logger: logger
                ) { connection -> ([String], [String]) in
                    let all = try await Self.strings("SELECT organization_id FROM patients", on: connection)
                    let forB = try await Self.strings(
                        "SELECT organization_id FROM patients WHERE organization_id = \(b)", on: connection)
                    return (all, forB)
                }
                #expect(!patients.isEmpty)
                #expect(Set(patients) == [a])
                #expect(forB.isEmpty)

                for table in ["patient_activity", "sync_runs", "reports"] {
                    let (all, forB) = try await connection.withReaderTransaction(
                        organization: Self.organizationA, logger: logger
                    ) { connection -> ([String], [String]) in
                        let all = try await Self.strings(
                            PostgresQuery(unsafeSQL: "SELECT organization_id FROM \(table)"), on: connection)
                        var binds = PostgresBindings()
                        binds.append(b)
                        let forB = try await Self.strings(
                            PostgresQuery(
                                unsafeSQL: "SELECT organization_id FROM \(table) WHERE organization_id = $1",
                                binds: binds),
                            on: connection)
                        return (all, forB)
                    }
                    #expect(Set(all) == [a], "\(table) under A's setting")
                    #expect(forB.isEmpty, "\(table) shows B's rows under A's setting")
                }
            }
        }
    }

    @Test("every tenant table (found through its tenant_isolation policy) is forced, seeded for both, and shows A only")
    func everyTenantTable() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            try await Self.seed(client: client, logger: logger)
            let tables = try await Self.tenantTables(client: client)
            #expect(tables.count >= 22, "expected migration 1's 21 tenant tables and reports")
            #expect(tables.contains("reports"))

            for table in tables {
                let forced = try await TestDatabase.count(
                    """
                    SELECT count(*)::int FROM pg_class
                    WHERE oid = \(table)::regclass AND relrowsecurity AND relforcerowsecurity
                    """,
                    on: client)
                #expect(forced == 1, "\(table): row-level security is not enabled and forced")
                let owner = try await TestDatabase.count(
                    """
                    SELECT count(*)::int FROM pg_policies p JOIN pg_class c ON c.oid = \(table)::regclass
                    WHERE p.tablename = \(table) AND p.policyname = 'owner_access'
                      AND p.roles = ARRAY[pg_get_userbyid(c.relowner)]::name[] AND p.permissive = 'PERMISSIVE'
                    """,
                    on: client)
                #expect(owner == 1, "\(table): no owner_access policy for the table's owner")
                let perOrganization = try await TestDatabase.count(
                    PostgresQuery(unsafeSQL: "SELECT count(DISTINCT organization_id)::int FROM \(table)"), on: client)
                #expect(perOrganization == 2, "\(table): seed both organizations so the check below means something")
            }

            try await client.withConnection { connection in
                for table in tables where !Self.unreadableTables.contains(table) {
                    let seen = try await connection.withReaderTransaction(
                        organization: Self.organizationA, logger: logger
                    ) { connection -> [String] in
                        try await Self.strings(
                            PostgresQuery(unsafeSQL: "SELECT DISTINCT organization_id FROM \(table)"), on: connection)
                    }
                    #expect(seen == [Self.organizationA.rawValue], "\(table) under A's setting")
                }
                for table in Self.unreadableTables {
                    let error = await #expect(throws: DatabaseError.self, "\(table) is readable") {
                        try await connection.withReaderTransaction(organization: Self.organizationA, logger: logger) {
                            try await Self.strings(
                                PostgresQuery(unsafeSQL: "SELECT organization_id FROM \(table)"), on: $0)
                        }
                    }
                    #expect(error?.message.contains("SQLSTATE 42501") == true, "\(table): not a permission error")
                }
            }
        }
    }

    @Test("the reader sees why a record was quarantined but never its raw payload")
    func quarantineRawIsHidden() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            try await Self.seed(client: client, logger: logger)
            try await client.withConnection { connection in
                let reasons = try await connection.withReaderTransaction(
                    organization: Self.organizationA, logger: logger
                ) { try await Self.strings("SELECT reason FROM quarantine", on: $0) }
                #expect(reasons == ["test"])
                let error = await #expect(throws: DatabaseError.self) {
                    try await connection.withReaderTransaction(organization: Self.organizationA, logger: logger) {
                        try await Self.strings("SELECT raw FROM quarantine", on: $0)
                    }
                }
                #expect(error?.code == .statementFailed)
                #expect(error?.message.contains("SQLSTATE 42501") == true)
                #expect(error?.description.contains("raw") == false, "the message names no SQL")
            }
        }
    }

    @Test("a reader transaction cannot write, and leaves no role or setting behind, whether it succeeds or fails")
    func readOnlyAndClean() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            try await Self.seed(client: client, logger: logger)
            try await client.withConnection { connection in
                let before = try await Self.session(connection)
                let inside = try await connection.withReaderTransaction(
                    organization: Self.organizationA, logger: logger
                ) { try await Self.session($0) }
                #expect(inside.user == "routiq_reader")
                #expect(inside.organization == Self.organizationA.rawValue)
                #expect(inside.timeout == "5s")
                #expect(inside.isolation == "repeatable read")
                #expect(inside.readOnly == "on")
                #expect(try await Self.session(connection) == before.withOrganizationCleared)

                let error = await #expect(throws: DatabaseError.self) {
                    try await connection.withReaderTransaction(organization: Self.organizationA, logger: logger) {
                        try await $0.query(
                            "DELETE FROM patients WHERE organization_id = \(Self.organizationA.rawValue)",
                            logger: logger)
                    }
                }
                #expect(error?.code == .statementFailed)
                #expect(error?.message.contains("SQLSTATE 25006") == true, "read_only_sql_transaction")
                #expect(try await Self.session(connection) == before.withOrganizationCleared)

                struct BodyError: Error {}
                await #expect(throws: BodyError.self) {
                    try await connection.withReaderTransaction(organization: Self.organizationA, logger: logger) { _ in
                        throw BodyError()
                    }
                }
                #expect(try await Self.session(connection) == before.withOrganizationCleared)
                #expect(try await TestDatabase.count("SELECT count(*)::int FROM patients", on: client) == 2)
            }
        }
    }

    @Test("a statement past the timeout fails with statementTimeout, and the connection stays usable")
    func statementTimeout() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            try await client.withConnection { connection in
                let before = try await Self.session(connection)
                let error = await #expect(throws: DatabaseError.self) {
                    try await connection.withReaderTransaction(
                        organization: Self.organizationA, statementTimeout: .milliseconds(100), logger: logger
                    ) { connection in
                        for try await _ in try await connection.query("SELECT pg_sleep(2)", logger: logger) {}
                    }
                }
                #expect(error?.code == .statementTimeout)
                #expect(error?.message.contains("100 ms") == true)
                #expect(error?.description.contains("pg_sleep") == false, "the message names no SQL")
                #expect(try await Self.session(connection) == before.withOrganizationCleared)
            }
        }
    }

    @Test("a failed statement whose rows the body never read, or whose error it caught, is not committed quietly")
    func unreportedFailure() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            try await client.withConnection { connection in
                let unread = await #expect(throws: DatabaseError.self) {
                    try await connection.withReaderTransaction(
                        organization: Self.organizationA, statementTimeout: .milliseconds(100), logger: logger
                    ) { connection in
                        _ = try await connection.query("SELECT pg_sleep(2)", logger: logger)
                    }
                }
                #expect(unread?.code == .statementFailed)
                let caught = await #expect(throws: DatabaseError.self) {
                    try await connection.withReaderTransaction(organization: Self.organizationA, logger: logger) {
                        _ = try? await $0.query("SELECT 1/0", logger: logger).collect()
                    }
                }
                #expect(caught?.message.contains("rolled back") == true)
                let after = try await Self.session(connection)
                #expect(after.user != "routiq_reader")
            }
        }
    }

    // MARK: The role check

    @Test("the migrated routiq_reader passes the check, and the migration made the writer able to switch to it")
    func migratedReaderPasses() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            try await SchemaMigrator.checkReaderRole(client: client, logger: TestDatabase.logger)
            let migrator = try SchemaMigrator(migrations: SchemaMigration.bundled())
            #expect(try await migrator.isCurrent(client: client, logger: TestDatabase.logger))
        }
    }

    /// Roles are cluster-wide and other suites read through routiq_reader at the same time, so the bad states are
    /// built on throwaway roles of this test's own, never on routiq_reader itself.
    @Test(
        "a reader role that bypasses row-level security, is a superuser, or has the owner's privileges is refused",
        arguments: ["BYPASSRLS", "SUPERUSER", "member of owner"])
    func unsafeReaderRefused(_ flaw: String) async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            let role =
                "routiq_reader_test_"
                + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12)
                .lowercased()
            switch flaw {
            case "member of owner":
                try await client.query(PostgresQuery(unsafeSQL: "CREATE ROLE \(role) NOLOGIN"), logger: logger)
                try await client.query(
                    PostgresQuery(
                        unsafeSQL: "GRANT \"\(try await Self.owner(of: "patients", client: client))\" TO \(role)"),
                    logger: logger)
            default:
                try await client.query(PostgresQuery(unsafeSQL: "CREATE ROLE \(role) NOLOGIN \(flaw)"), logger: logger)
            }
            do {
                let error = await #expect(throws: DatabaseError.self) {
                    try await SchemaMigrator.checkReaderRole(named: role, client: client, logger: logger)
                }
                #expect(error?.code == .migrationFailed)
                switch flaw {
                case "member of owner":
                    #expect(error?.message.contains("REVOKE") == true)
                default:
                    #expect(
                        error?.message.contains("ALTER ROLE \(role) NOSUPERUSER NOBYPASSRLS;") == true,
                        "\(error?.message ?? "")")
                }
                // The same role made safe passes: the check looks at the role's state, nothing else.
                try await client.query(
                    PostgresQuery(unsafeSQL: "ALTER ROLE \(role) NOSUPERUSER NOBYPASSRLS"), logger: logger)
                if flaw == "member of owner" {
                    try await client.query(
                        PostgresQuery(
                            unsafeSQL: "REVOKE \"\(try await Self.owner(of: "patients", client: client))\" FROM \(role)"
                        ),
                        logger: logger)
                }
                try await SchemaMigrator.checkReaderRole(named: role, client: client, logger: logger)
            } catch {
                try? await client.query(PostgresQuery(unsafeSQL: "DROP ROLE IF EXISTS \(role)"), logger: logger)
                throw error
            }
            try await client.query(PostgresQuery(unsafeSQL: "DROP ROLE IF EXISTS \(role)"), logger: logger)
        }
    }

    @Test("a missing reader role is refused with the statement that creates it")
    func missingReaderRefused() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let error = await #expect(throws: DatabaseError.self) {
                try await SchemaMigrator.checkReaderRole(
                    named: "routiq_reader_missing", client: client, logger: TestDatabase.logger)
            }
            #expect(error?.message.contains("CREATE ROLE routiq_reader_missing") == true)
        }
    }

    @Test("isCurrent is false before migrating, after a missing or edited migration, and with a newer one")
    func isCurrent() async throws {
        try await TestDatabase.withFreshDatabase(migrated: false) { client, _ in
            let logger = TestDatabase.logger
            let migrations = try SchemaMigration.bundled()
            let migrator = SchemaMigrator(migrations: migrations)
            #expect(try await !migrator.isCurrent(client: client, logger: logger))
            try await SchemaMigrator(migrations: Array(migrations.dropLast())).migrate(client: client, logger: logger)
            #expect(try await !migrator.isCurrent(client: client, logger: logger))
            try await migrator.migrate(client: client, logger: logger)
            #expect(try await migrator.isCurrent(client: client, logger: logger))
            try await client.query(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (999, 'future', 'x')", logger: logger)
            #expect(try await !migrator.isCurrent(client: client, logger: logger))
        }
    }

    // MARK: Helpers

    /// What a session looks like from the inside.
    struct Session: Equatable {
        var user: String
        var organization: String?
        var timeout: String
        var isolation: String
        var readOnly: String

        /// After a transaction that set `routiq.org_id` locally, the setting exists but is empty.
        var withOrganizationCleared: Session {
            var copy = self
            copy.organization = ""
            return copy
        }
    }

    static func session(_ connection: PostgresConnection) async throws -> Session {
        let rows = try await connection.query(
            """
            SELECT current_user::text, current_setting('routiq.org_id', true), current_setting('statement_timeout'),
                   current_setting('transaction_isolation'), current_setting('transaction_read_only')
            """,
            logger: TestDatabase.logger)
        for try await (user, organization, timeout, isolation, readOnly)
            in rows.decode((String, String?, String, String, String).self)
        {
            return Session(
                user: user, organization: organization, timeout: timeout, isolation: isolation, readOnly: readOnly)
        }
        throw DatabaseError(.notFound, "no session row")
    }

    static func strings(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [String] {
        let rows = try await connection.query(query, logger: TestDatabase.logger)
        var values: [String] = []
        for try await (value) in rows.decode(String.self) { values.append(value) }
        return values
    }

    /// The tables of the schema with a tenant_isolation policy: a table added later is covered without editing here.
    static func tenantTables(client: PostgresClient) async throws -> [String] {
        let rows = try await client.query(
            """
            SELECT tablename::text FROM pg_policies
            WHERE policyname = 'tenant_isolation' AND schemaname = current_schema() ORDER BY tablename
            """,
            logger: TestDatabase.logger)
        var tables: [String] = []
        for try await (table) in rows.decode(String.self) { tables.append(table) }
        return tables
    }

    static func owner(of table: String, client: PostgresClient) async throws -> String {
        let rows = try await client.query(
            "SELECT pg_get_userbyid(relowner)::text FROM pg_class WHERE oid = \(table)::regclass",
            logger: TestDatabase.logger)
        for try await (owner) in rows.decode(String.self) { return owner }
        throw DatabaseError(.notFound, "no table \(table)")
    }

    /// One row in every tenant table for each of A and B.
    static func seed(client: PostgresClient, logger: Logger) async throws {
        for organization in [organizationA.rawValue, organizationB.rawValue] {
            let run = UUID()
            let patient = "1300000000000000001"
            let statements: [PostgresQuery] = [
                "INSERT INTO organizations (organization_id, name) VALUES (\(organization), 'Clinic')",
                "INSERT INTO users (organization_id, user_id) VALUES (\(organization), 'user_1')",
                """
                INSERT INTO organization_members (organization_id, user_id, membership_id, role)
                VALUES (\(organization), 'user_1', 'orgmem_1', 'org:admin')
                """,
                "INSERT INTO businesses (organization_id, business_id, name) VALUES (\(organization), '1', 'Main')",
                "INSERT INTO practitioners (organization_id, practitioner_id) VALUES (\(organization), '1')",
                """
                INSERT INTO appointment_types (organization_id, appointment_type_id, name)
                VALUES (\(organization), '1', 'Initial')
                """,
                "INSERT INTO patients (organization_id, patient_id) VALUES (\(organization), \(patient))",
                """
                INSERT INTO patient_phones (organization_id, patient_id, position, raw_number, normalization)
                VALUES (\(organization), \(patient), 0, '0491 570 156', 'ok')
                """,
                """
                INSERT INTO appointments (organization_id, appointment_id, patient_id, starts_at)
                VALUES (\(organization), '1', \(patient), now())
                """,
                "INSERT INTO contacts (organization_id, contact_id) VALUES (\(organization), '1')",
                """
                INSERT INTO conversations (organization_id, conversation_id, contact_id, status)
                VALUES (\(organization), '1', '1', 'open')
                """,
                """
                INSERT INTO messages (organization_id, message_id, conversation_id, message_type, source_created_at)
                VALUES (\(organization), '1', '1', 'incoming', now())
                """,
                """
                INSERT INTO contact_matches (organization_id, contact_id, status, method, patient_id)
                VALUES (\(organization), '1', 'matched', 'phone', \(patient))
                """,
                """
                INSERT INTO patient_activity (
                    organization_id, patient_id, as_of, activity_status, engagement, risk_level, risk_score,
                    action_priority, recommended_action)
                VALUES (\(organization), \(patient), now(), 'active', 'active', 'low', 10, 4, 'Maintain')
                """,
                """
                INSERT INTO appointment_type_stats (organization_id, appointment_type_id, as_of)
                VALUES (\(organization), '1', now())
                """,
                """
                INSERT INTO appointment_weekly_stats (organization_id, week_start, iso_year, iso_week, as_of)
                VALUES (\(organization), '2026-11-23', 2026, 48, now())
                """,
                """
                INSERT INTO reengagement_models (
                    organization_id, as_of, model, fitted, failure_reason, patients, repeat_visitors, visit_patterns,
                    call_list_patients)
                VALUES (\(organization), now(), 'bgnbd', false, 'too few patients', 1, 0, 1, 0)
                """,
                """
                INSERT INTO sync_runs (
                    organization_id, run_id, pipeline, mode, status, started_by, started_at, finished_at)
                VALUES (\(organization), \(run), 'demo', 'full', 'succeeded', 'test', now(), now())
                """,
                """
                INSERT INTO sync_state (organization_id, source, resource, cursor_value)
                VALUES (\(organization), 'cliniko', 'patients', '2026-01-01T00:00:00Z')
                """,
                """
                INSERT INTO quarantine (organization_id, run_id, source, resource, reason, raw)
                VALUES (\(organization), \(run), 'cliniko', 'patients', 'test', '{}')
                """,
                """
                INSERT INTO service_credentials (organization_id, service, sealed, key_fingerprint, updated_by)
                VALUES (\(organization), 'cliniko', '\\x00', 'x', 'test')
                """,
                "INSERT INTO audit_log (organization_id, actor, action) VALUES (\(organization), 'test', 'seed')",
                """
                INSERT INTO batch_claims (organization_id, batch_id, run_id, worker, status)
                VALUES (\(organization), 'nightly', \(run), 'test', 'running')
                """,
            ]
            try await client.withUnwrappedTransaction(logger: logger) { connection in
                for statement in statements { try await connection.query(statement, logger: logger) }
            }
            try await client.withConnection { connection in
                try await ReportDocumentStore.store(
                    .summary, content: Array("{}".utf8), contentType: "application/json",
                    generatedAt: Date(timeIntervalSince1970: 1_780_000_000), runID: run,
                    organization: OrganizationID(organization)!, on: connection, logger: logger)
            }
        }
    }
}
