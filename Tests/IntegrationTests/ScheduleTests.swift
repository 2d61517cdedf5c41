import Foundation
import Load
import Pipeline
import PostgresNIO
import Runner
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `routiq run --due` and `routiq schedule` (issue #16): each clinic runs after its own scheduled time, once per
/// slot, catching up once after downtime, a full run when `full_schedule:` says so, and exactly once between
/// workers started together.
@Suite("nightly in each clinic's own night: --due and routiq schedule")
struct ScheduleTests {
    static let vault = { try! CredentialVault(keyData: Data(repeating: 6, count: 32)) }()

    /// Runs the scaled-down demo with `--due` as of `asOf`; returns the outcomes.
    static func due(
        _ definition: PipelineDefinition, asOf: String, client: PostgresClient, dryRun: Bool = false
    ) async throws -> [OrganizationOutcome] {
        var run = PipelineRun(
            definition: definition, runID: UUID(), asOf: Instant.parse(asOf), forceFull: false, concurrency: 4,
            isDryRun: dryRun, onlyOrganizations: [], actor: "tests", logger: TestDatabase.logger)
        run.due = true
        return try await run.execute(client: client, vault: Self.vault)
    }

    static func succeeded(_ mode: String? = nil, on client: PostgresClient) async throws -> Int {
        try await TestDatabase.count(
            "SELECT count(*)::int FROM sync_runs WHERE status = 'succeeded' AND (\(mode)::text IS NULL OR mode = \(mode))",
            on: client)
    }

    @Test("due after each local 2 am, once per slot, catching up once after downtime; weekly full runs")
    func acrossDays() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            var definition = try PipelineRunTests.demo(patients: 15)
            definition.schedule = "0 2 * * *"
            // Sundays at 3 am local: 2026-03-01 and 2026-03-08 are Sundays.
            definition.fullSchedule = "0 3 * * 0"
            // The sandbox's clinics are in Australian zones (UTC+10 or +11): 14:00 UTC is midnight or 1 am there.
            let first = try await Self.due(definition, asOf: "2026-03-02T14:00:00Z", client: client)
            let organizations = first.count
            #expect(organizations >= 2)
            #expect(first.allSatisfy { $0.status == .succeeded }, "never ran: all due")
            #expect(try await Self.succeeded("full", on: client) == organizations, "the first run is full")

            let dryRun = try await Self.due(definition, asOf: "2026-03-02T14:10:00Z", client: client, dryRun: true)
            #expect(dryRun.count == organizations)
            #expect(dryRun.allSatisfy { $0.due?.isDue == false }, "\(dryRun.compactMap(\.due?.reason))")
            #expect(try await Self.due(definition, asOf: "2026-03-02T14:10:00Z", client: client).isEmpty)

            // 17:00 UTC is 3 or 4 am: the 2 am slot of 3 March has passed.
            let dueAgain = try await Self.due(definition, asOf: "2026-03-02T17:00:00Z", client: client, dryRun: true)
            #expect(dueAgain.allSatisfy { $0.due?.isDue == true && $0.due?.isFull == false })
            #expect(try await Self.due(definition, asOf: "2026-03-02T17:00:00Z", client: client).count == organizations)

            // Down for three nights: one run each, not three.
            #expect(try await Self.due(definition, asOf: "2026-03-05T17:00:00Z", client: client).count == organizations)
            #expect(try await Self.due(definition, asOf: "2026-03-05T17:05:00Z", client: client).isEmpty)
            #expect(try await Self.succeeded(on: client) == 3 * organizations)

            // Sunday 8 March, 4:30 or 3:30 am: the weekly full slot passed, so the due run is full.
            let sunday = try await Self.due(definition, asOf: "2026-03-07T17:30:00Z", client: client)
            #expect(sunday.count == organizations && sunday.allSatisfy { $0.status == .succeeded })
            #expect(try await Self.succeeded("full", on: client) == 2 * organizations)
        }
    }

    @Test(
        "four `routiq run --due` processes started together run every due organization exactly once",
        .timeLimit(.minutes(5)))
    func fourDueWorkers() async throws {
        let runner = try ChildRunner(organizations: 6, patients: 30, schedule: "0 2 * * *")
        defer { runner.cleanUp() }
        try await TestDatabase.withFreshDatabase { client, endpoint in
            let results = try await withThrowingTaskGroup(of: ChildRunner.Result.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await runner.run(database: endpoint, killAt: nil, arguments: ["--due"]) }
                }
                var results: [ChildRunner.Result] = []
                for try await result in group { results.append(result) }
                return results
            }
            for result in results { #expect(result.exitStatus == 0, "\(result.lastLines)") }
            let perOrganization = try await client.query(
                "SELECT organization_id, count(*)::int FROM sync_runs WHERE status = 'succeeded' GROUP BY 1",
                logger: TestDatabase.logger)
            var counts: [String: Int] = [:]
            for try await (organization, count) in perOrganization.decode((String, Int).self) {
                counts[organization] = count
            }
            #expect(counts.count == 6 && counts.values.allSatisfy { $0 == 1 }, "\(counts)")
            // Called again: nothing is due.
            let again = try await runner.run(database: endpoint, killAt: nil, arguments: ["--due"])
            #expect(again.exitStatus == 0)
            #expect(again.lines.contains { $0.contains("nothing is due") }, "\(again.lastLines)")
            #expect(try await Self.succeeded(on: client) == 6)
        }
    }

    @Test("routiq schedule runs the due organizations, then stops cleanly on SIGTERM", .timeLimit(.minutes(3)))
    func scheduleService() async throws {
        let runner = try ChildRunner(organizations: 2, patients: 30, schedule: "0 2 * * *")
        defer { runner.cleanUp() }
        try await TestDatabase.withFreshDatabase { client, endpoint in
            let result = try await runner.run(
                database: endpoint, killAt: CrashSafetyTests.KillPoint(message: "organization committed", count: 2),
                signal: SIGTERM, command: "schedule")
            #expect(!result.wasKilled, "it ends by itself after SIGTERM")
            #expect(result.exitStatus == 0, "\(result.lastLines)")
            let seconds = try #require(result.secondsAfterSignal)
            #expect(seconds < 30, "it lived \(seconds) s after SIGTERM")
            #expect(result.lines.contains { $0.contains("schedule started") })
            #expect(try await Self.succeeded(on: client) == 2)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM sync_runs WHERE status = 'running'", on: client) == 0)
        }
    }

    @Test("--due without a schedule, and --due with --batch, are refused with exit code 2")
    func refusals() async throws {
        let runner = try ChildRunner(organizations: 1, patients: 10)
        defer { runner.cleanUp() }
        try await TestDatabase.withFreshDatabase { _, endpoint in
            let noSchedule = try await runner.run(database: endpoint, killAt: nil, arguments: ["--due"])
            #expect(noSchedule.exitStatus == 2)
            #expect(noSchedule.lines.contains { $0.contains("--due needs a 'schedule:'") }, "\(noSchedule.lastLines)")
            let both = try await runner.run(database: endpoint, killAt: nil, arguments: ["--due", "--batch", "b"])
            #expect(both.exitStatus == 2)
            let schedule = try await runner.run(database: endpoint, killAt: nil, command: "schedule")
            #expect(schedule.exitStatus == 2)
        }
    }
}
