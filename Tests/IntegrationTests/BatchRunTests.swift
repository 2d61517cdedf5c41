import Foundation
import Load
import PostgresNIO
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Many `routiq run --batch` processes sharing one run through PostgreSQL (issue #14, DESIGN §11): every
/// organization runs exactly once between them, a worker that died is taken over, and a finished batch is a no-op.
@Suite("many workers, one run: routiq run --batch")
struct BatchRunTests {
    /// What one worker's `--metrics-json` says about each organization.
    struct WorkerReport: Sendable {
        var exitStatus: Int32
        var statuses: [String: String]
        var lastLines: ArraySlice<String>
    }

    /// Runs one worker of `batch` and reads its metrics document.
    static func worker(
        _ runner: ChildRunner, batch: String, index: Int, database: DatabaseEndpoint,
        killAt point: CrashSafetyTests.KillPoint? = nil
    ) async throws -> WorkerReport {
        let metrics = runner.folder.appendingPathComponent("worker-\(batch)-\(index).json")
        let result = try await runner.run(
            database: database, killAt: point, arguments: ["--batch", batch, "--metrics-json", metrics.path])
        var statuses: [String: String] = [:]
        if let data = try? Data(contentsOf: metrics),
            let document = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let outcomes = document["outcomes"] as? [[String: Any]]
        {
            for outcome in outcomes {
                if let organization = outcome["organization"] as? String, let status = outcome["status"] as? String {
                    statuses[organization] = status
                }
            }
        }
        return WorkerReport(exitStatus: result.exitStatus, statuses: statuses, lastLines: result.lastLines)
    }

    static func succeededRuns(on client: PostgresClient) async throws -> [String: Int] {
        let rows = try await client.query(
            """
            SELECT organization_id, count(*)::int FROM sync_runs WHERE status = 'succeeded' GROUP BY organization_id
            """,
            logger: TestDatabase.logger)
        var counts: [String: Int] = [:]
        for try await (organization, count) in rows.decode((String, Int).self) { counts[organization] = count }
        return counts
    }

    @Test(
        "4 workers of one batch on 16 organizations: each organization succeeds exactly once, no worker fails; again: no-op",
        .timeLimit(.minutes(10)))
    func fourWorkers() async throws {
        let runner = try ChildRunner(organizations: 16, patients: 30)
        defer { runner.cleanUp() }
        try await TestDatabase.withFreshDatabase { client, endpoint in
            let workers = try await withThrowingTaskGroup(of: WorkerReport.self) { group in
                for index in 0..<4 {
                    group.addTask {
                        try await Self.worker(runner, batch: "nightly-1", index: index, database: endpoint)
                    }
                }
                var reports: [WorkerReport] = []
                for try await report in group { reports.append(report) }
                return reports
            }
            for worker in workers {
                #expect(worker.exitStatus == 0, "a worker failed: \(worker.lastLines)")
                #expect(
                    Set(worker.statuses.values).isSubset(of: ["succeeded", "taken", "done"]),
                    "\(worker.statuses)")
            }
            let succeededBy = workers.flatMap { worker in worker.statuses.filter { $0.value == "succeeded" }.keys }
            #expect(succeededBy.count == 16, "the workers' summaries cover every organization once: \(succeededBy)")
            #expect(Set(succeededBy).count == 16)
            let runs = try await Self.succeededRuns(on: client)
            #expect(runs.count == 16 && runs.values.allSatisfy { $0 == 1 }, "\(runs)")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM batch_claims WHERE batch_id = 'nightly-1' AND status = 'succeeded'",
                    on: client) == 16)
            #expect(
                try await TestDatabase.count("SELECT count(*)::int FROM routiq_staging.patients", on: client) == 0,
                "every run deleted its staged rows")

            // The same batch again does nothing.
            let again = try await Self.worker(runner, batch: "nightly-1", index: 9, database: endpoint)
            #expect(again.exitStatus == 0, "\(again.lastLines)")
            #expect(
                again.statuses.count == 16 && again.statuses.values.allSatisfy { $0 == "done" }, "\(again.statuses)")
            #expect(try await Self.succeededRuns(on: client) == runs, "no organization ran again")
        }
    }

    @Test("a worker killed mid-batch is taken over: the next worker of the batch finishes what it held")
    func takeOver() async throws {
        let runner = try ChildRunner(organizations: 2, patients: 60)
        defer { runner.cleanUp() }
        try await TestDatabase.withFreshDatabase { client, endpoint in
            let killed = try await Self.worker(
                runner, batch: "nightly-2", index: 0, database: endpoint,
                killAt: CrashSafetyTests.KillPoint(message: "page staged", count: 6))
            #expect(killed.exitStatus != 0)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM batch_claims WHERE status = 'running'", on: client) > 0,
                "the killed worker left its claims running")
            #expect(try await TestDatabase.count("SELECT count(*)::int FROM patients", on: client) == 0)

            let next = try await Self.worker(runner, batch: "nightly-2", index: 1, database: endpoint)
            #expect(next.exitStatus == 0, "\(next.lastLines)")
            #expect(next.statuses.values.allSatisfy { $0 == "succeeded" }, "\(next.statuses)")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM batch_claims WHERE batch_id = 'nightly-2' AND status = 'succeeded'",
                    on: client) == 2)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM sync_runs WHERE status = 'running'", on: client) == 0,
                "the killed worker's runs are closed as abandoned")
            #expect(
                try await TestDatabase.count("SELECT count(*)::int FROM routiq_staging.patients", on: client) == 0,
                "the killed worker's staged rows are discarded")
        }
    }
}
