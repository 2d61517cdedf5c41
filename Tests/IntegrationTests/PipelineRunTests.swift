import Foundation
import Load
import Logging
import Pipeline
import PostgresNIO
import Runner
import Sandbox
import TestSupport
import Testing

@testable import routiq

/// Runs the shipped demo pipeline (scaled down) end to end: in-process sandbox, real HTTP over loopback, the real
/// embedded PostgreSQL.
@Suite("routiq run, end to end against the sandbox")
struct PipelineRunTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func demo(patients: Int) throws -> PipelineDefinition {
        let url = packageRoot.appendingPathComponent("pipelines/demo.yml")
        var definition = try #require(
            PipelineFileParser(configuration: .init(environment: [:])).parse(contentsOf: url).definition)
        definition.sandbox?.organizations = 2
        definition.sandbox?.patients = patients
        definition.sandbox?.now = .instant(Date(timeIntervalSince1970: 1_772_323_200))  // 2026-03-01T00:00:00Z
        // Reports go to a throwaway folder, not the checkout's output/.
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("routiq-run-\(UUID().uuidString)")
            .path
        definition.stages = definition.stages.map { stage in
            guard case .report(var settings) = stage.settings else { return stage }
            settings.outputDirectory = output
            return StageDefinition(id: stage.id, settings: .report(settings), location: stage.location)
        }
        return definition
    }

    static func run(
        _ definition: PipelineDefinition, client: PostgresClient, vault: CredentialVault, full: Bool = false
    ) async throws
        -> [OrganizationOutcome]
    {
        try await PipelineRun(
            definition: definition, runID: UUID(), asOf: nil, forceFull: full, concurrency: 2, isDryRun: false,
            onlyOrganizations: [], actor: "tests", logger: TestDatabase.logger
        ).execute(client: client, vault: vault)
    }

    @Test("the demo loads every organization, and a second run changes no row")
    func demoRunIsIdempotent() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let vault = try CredentialVault(keyData: Data(repeating: 3, count: 32))
            let definition = try Self.demo(patients: 120)

            let first = try await Self.run(definition, client: client, vault: vault)
            #expect(first.count == 2)
            #expect(first.allSatisfy { $0.status == .succeeded }, "\(first.map { $0.message ?? "" })")
            #expect(first.allSatisfy { $0.totals.inserted > 120 })

            // Every table the demo feeds has rows for both organizations, and the derived rows match the patients.
            for table in [
                "patients", "appointments", "appointment_types", "practitioners", "businesses", "contacts",
                "conversations", "messages", "users", "organization_members", "patient_phones", "contact_matches",
                "patient_activity", "appointment_type_stats", "appointment_weekly_stats", "sync_state",
            ] {
                let organizations = try await TestDatabase.count(
                    PostgresQuery(unsafeSQL: "SELECT count(DISTINCT organization_id)::int FROM \(table)"), on: client)
                #expect(organizations == 2, "\(table) is not loaded for both organizations")
            }
            #expect(try await TestDatabase.count("SELECT count(*)::int FROM patients", on: client) == 240)
            let scored = try await TestDatabase.count(
                "SELECT count(*)::int FROM patients WHERE merged_at IS NULL AND deleted_at IS NULL", on: client)
            #expect(try await TestDatabase.count("SELECT count(*)::int FROM patient_activity", on: client) == scored)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM contacts c WHERE NOT EXISTS (SELECT 1 FROM contact_matches m WHERE m.organization_id = c.organization_id AND m.contact_id = c.contact_id)",
                    on: client) == 0)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM patient_phones WHERE e164 IS NOT NULL AND e164 NOT LIKE '+%'", on: client
                ) == 0)

            // The report stages wrote every organization's files and the index.
            let output = try #require(
                definition.stages.lazy.compactMap { stage -> String? in
                    if case .report(let settings) = stage.settings {
                        return settings.outputDirectory
                    } else {
                        return nil
                    }
                }.first)
            defer { try? FileManager.default.removeItem(atPath: output) }
            for outcome in first {
                for file in ["summary.json", "patients.json", "report.html"] {
                    #expect(
                        FileManager.default.fileExists(atPath: "\(output)/\(outcome.organization)/\(file)"), "\(file)")
                }
            }
            #expect(FileManager.default.fileExists(atPath: "\(output)/index.html"))
            #expect(FileManager.default.fileExists(atPath: "\(output)/index.json"))

            let checksum = try await WarehouseChecksum.compute(on: client)
            let second = try await Self.run(definition, client: client, vault: vault)
            #expect(second.allSatisfy { $0.status == .succeeded })
            #expect(second.allSatisfy { $0.totals.inserted == 0 && $0.totals.updated == 0 }, "\(second.map(\.totals))")
            #expect(
                try await WarehouseChecksum.compute(on: client) == checksum, "a second run changes no table content")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM sync_runs WHERE status = 'succeeded'", on: client) == 4)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM audit_log WHERE action = 'credential.set'", on: client) == 6,
                "sandbox credentials are registered once, not on every run")

            // `routiq history --json`: each run record carries its figures per resource and stage, and peak memory.
            let history = try await RunHistory(client: client).recent(
                organization: nil, limit: 10, logger: TestDatabase.logger)
            let document =
                try JSONSerialization.jsonObject(with: Data(try RoutIQ.History.json(history).utf8)) as? [[String: Any]]
                ?? []
            #expect(document.count == 4)
            let stats = try #require(document.first?["stats"] as? [String: Any])
            #expect((stats["peak_resident_bytes"] as? Int ?? 0) > 1_000_000)
            #expect(
                (stats["stages"] as? [[String: Any]])?.map { $0["stage"] as? String } == definition.stages.map(\.id))
            let resources = stats["resources"] as? [[String: Any]] ?? []
            #expect(
                resources.contains {
                    $0["resource"] as? String == "patients" && ($0["pages"] as? Int ?? 0) > 0
                        && ($0["requests"] as? Int ?? 0) > 0 && $0["seconds"] is Double
                }, "\(resources)")

            // A full run re-reads everything: nothing changed, nothing is removed.
            let full = try await Self.run(definition, client: client, vault: vault, full: true)
            #expect(
                full.allSatisfy {
                    $0.status == .succeeded && $0.totals.inserted == 0 && $0.totals.updated == 0
                        && $0.totals.removed == 0
                },
                "\(full.map(\.totals))")
        }
    }

    @Test("an organization with a bad credential fails alone, clearly; the others succeed")
    func badCredentialFailsAlone() async throws {
        let configuration = SandboxControl.configuration(patients: 60)
        try await withRunningSandbox(configuration: configuration, logger: TestDatabase.logger) { endpoints in
            try await TestDatabase.withFreshDatabase { client, _ in
                let vault = try CredentialVault(keyData: Data(repeating: 4, count: 32))
                var run = PipelineRun(
                    definition: try Self.demo(patients: 60), runID: UUID(), asOf: nil, forceFull: false,
                    concurrency: 2, isDryRun: false, onlyOrganizations: [], actor: "tests",
                    logger: TestDatabase.logger)
                run.runningSandbox = endpoints
                #expect(try await run.execute(client: client, vault: vault).allSatisfy { $0.status == .succeeded })
                let organizations = endpoints.organizations.map(\.id)
                let victim = try #require(organizations.first)
                let patientsBefore = try await TestDatabase.count(
                    "SELECT count(*)::int FROM patients WHERE organization_id = \(victim)", on: client)

                // As in production: registered organizations, credentials from the vault, the sources' base URLs in
                // the pipeline (`{shard}` from each key). One organization's Cliniko key is wrong.
                var registered = try Self.demo(patients: 60)
                registered.sandbox = nil
                registered.organizations = .only(organizations.compactMap(OrganizationID.init))
                registered.stages = registered.stages.map { stage in
                    var settings = stage.settings
                    switch settings {
                    case .cliniko(var cliniko):
                        cliniko.common.baseURL = endpoints.clinikoBaseURLTemplate
                        settings = .cliniko(cliniko)
                    case .chatwoot(var chatwoot):
                        chatwoot.common.baseURL = endpoints.chatwootBaseURL
                        settings = .chatwoot(chatwoot)
                    case .clerk(var clerk):
                        clerk.common.baseURL = endpoints.clerkAPIBaseURL
                        settings = .clerk(clerk)
                    default:
                        break
                    }
                    return StageDefinition(id: stage.id, settings: settings, location: stage.location)
                }
                try await CredentialStore(client: client, vault: vault).set(
                    ServiceCredential(service: .cliniko, secret: "WRONGKEYWRONGKEY-au1"), organization: victim,
                    actor: "tests", logger: TestDatabase.logger)
                // Another organization's Chatwoot credential names a URL where nothing listens: the pipeline's
                // `base_url` wins over the credential's (docs/pipelines.md), so it still succeeds.
                let other = try #require(endpoints.organizations.dropFirst().first)
                try await CredentialStore(client: client, vault: vault).set(
                    ServiceCredential(
                        service: .chatwoot, secret: other.chatwootAPIAccessToken,
                        settings: [
                            "account_id": String(other.chatwootAccountID), "base_url": "http://127.0.0.1:9/nowhere",
                        ]),
                    organization: other.id, actor: "tests", logger: TestDatabase.logger)
                let outcomes = try await Self.run(registered, client: client, vault: vault)
                #expect(outcomes.count == organizations.count)
                let failed = try #require(outcomes.first { $0.organization == victim })
                #expect(failed.status == .failed)
                #expect(failed.message?.contains("unauthorized") == true, "\(failed.message ?? "")")
                #expect(!(failed.message ?? "").contains("WRONGKEY"), "the secret never appears in messages")
                #expect(
                    outcomes.filter { $0.organization != victim }.allSatisfy { $0.status == .succeeded },
                    "\(outcomes.map { ($0.organization, $0.status, $0.message ?? "") })")
                #expect(
                    try await TestDatabase.count(
                        "SELECT count(*)::int FROM patients WHERE organization_id = \(victim)", on: client)
                        == patientsBefore)
                #expect(
                    try await TestDatabase.count(
                        "SELECT count(*)::int FROM sync_runs WHERE organization_id = \(victim) AND status = 'failed' AND error IS NOT NULL",
                        on: client) == 1)
            }
        }
    }

    @Test("a dry run shows what each source would read, flags a missing credential, and fetches or writes nothing")
    func dryRunPlans() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let vault = try CredentialVault(keyData: Data(repeating: 6, count: 32))
            let definition = try Self.demo(patients: 40)
            _ = try await Self.run(definition, client: client, vault: vault)
            let organizations = try await OrganizationStore(client: client).list(logger: TestDatabase.logger).map(\.id)
            let victim = try #require(organizations.first)
            #expect(
                try await CredentialStore(client: client, vault: vault).remove(
                    .chatwoot, organization: victim, actor: "tests", logger: TestDatabase.logger))
            var registered = definition
            registered.sandbox = nil
            registered.organizations = .only(organizations.compactMap(OrganizationID.init))
            let runsBefore = try await TestDatabase.count("SELECT count(*)::int FROM sync_runs", on: client)

            let plans = try await PipelineRun(
                definition: registered, runID: UUID(), asOf: nil, forceFull: false, concurrency: 2, isDryRun: true,
                onlyOrganizations: [], actor: "tests", logger: TestDatabase.logger
            ).execute(client: client, vault: vault)
            #expect(plans.count == 2)
            let blocked = try #require(plans.first { $0.organization == victim })
            #expect(blocked.status == .failed)
            #expect(blocked.message?.contains("no credential for chatwoot") == true)
            #expect(blocked.plan?.first { $0.source == "chatwoot" }?.hasCredential == false)
            let ready = try #require(plans.first { $0.organization != victim })
            #expect(ready.status == .succeeded)
            #expect(ready.plan?.map(\.source) == ["cliniko", "chatwoot", "clerk"])
            #expect(ready.plan?.allSatisfy { $0.hasCredential && $0.reads.hasPrefix("changes since 20") } == true)
            #expect(try await TestDatabase.count("SELECT count(*)::int FROM sync_runs", on: client) == runsBefore)
        }
    }

    @Test("two runs at once on the same organizations: each organization is synced once, the other run skips it")
    func concurrentRunsSkip() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let vault = try CredentialVault(keyData: Data(repeating: 5, count: 32))
            let definition = try Self.demo(patients: 80)
            _ = try await Self.run(definition, client: client, vault: vault)  // registers the organizations
            async let first = Self.run(definition, client: client, vault: vault)
            async let second = Self.run(definition, client: client, vault: vault)
            let outcomes = try await first + second
            #expect(outcomes.count == 4)
            #expect(outcomes.allSatisfy { $0.status == .succeeded || $0.status == .skipped })
            for organization in Set(outcomes.map(\.organization)) {
                let mine = outcomes.filter { $0.organization == organization }
                #expect(mine.contains { $0.status == .succeeded }, "\(organization) was not synced by either run")
                if let skipped = mine.first(where: { $0.status == .skipped }) {
                    #expect(
                        skipped.message?.hasPrefix("organization \(organization) is being synced by another run")
                            == true)
                }
            }
            #expect(
                try await TestDatabase.count("SELECT count(*)::int FROM sync_runs WHERE status = 'running'", on: client)
                    == 0)
            #expect(try await TestDatabase.count("SELECT count(*)::int FROM patients", on: client) == 160)

            // Deterministically: while another session holds one organization, a run skips it with the message and
            // still syncs the others.
            let held = try #require(Set(outcomes.map(\.organization)).sorted().first)
            try await client.withConnection { connection in
                try await OrganizationLock.withLock(organization: held, on: connection, logger: TestDatabase.logger) {
                    let blocked = try await Self.run(definition, client: client, vault: vault)
                    let skipped = try #require(blocked.first { $0.organization == held })
                    #expect(skipped.status == .skipped)
                    #expect(skipped.message?.hasPrefix("organization \(held) is being synced by another run") == true)
                    #expect(blocked.filter { $0.organization != held }.allSatisfy { $0.status == .succeeded })
                }
            }
        }
    }
}
