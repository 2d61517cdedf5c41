import Foundation
import Load
import PostgresNIO
import TestSupport
import Testing

/// `routiq run --metrics-prom FILE` end to end: the real executable runs a small sandbox pipeline, and the file it
/// leaves is read back with a strict reader of the text format and compared with `sync_runs`.
@Suite("routiq run --metrics-prom")
struct PrometheusMetricsTests {
    /// One organization's figures as `sync_runs` holds them.
    struct Recorded {
        var finishedAt: Double
        var seconds: Double
        var read: Int64
        var inserted: Int64
        var updated: Int64
        var quarantined: Int64
    }

    /// Each organization's last successful run of `pipeline`, straight from `sync_runs`.
    static func lastSuccesses(pipeline: String, on client: PostgresClient) async throws -> [String: Recorded] {
        let rows = try await client.query(
            """
            SELECT DISTINCT ON (organization_id) organization_id, extract(epoch FROM finished_at)::float8,
                   extract(epoch FROM finished_at - started_at)::float8,
                   records_read, records_inserted, records_updated, records_quarantined
            FROM sync_runs WHERE pipeline = \(pipeline) AND status = 'succeeded'
            ORDER BY organization_id, finished_at DESC
            """, logger: TestDatabase.logger)
        var result: [String: Recorded] = [:]
        for try await (id, finished, seconds, read, inserted, updated, quarantined) in rows.decode(
            (String, Double, Double, Int64, Int64, Int64, Int64).self)
        {
            result[id] = Recorded(
                finishedAt: finished, seconds: seconds, read: read, inserted: inserted, updated: updated,
                quarantined: quarantined)
        }
        return result
    }

    /// The file's samples by name and organization (`""` for the run's own gauges), after checking its format.
    static func read(_ path: String) throws -> [String: [String: Double]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let problems = PrometheusText.problems(in: text)
        #expect(problems == [], "\(text)")
        var values: [String: [String: Double]] = [:]
        for sample in PrometheusText.samples(in: text) {
            #expect(sample.labels["pipeline"] == "crash-safety")
            let key = sample.labels["organization"] ?? sample.labels["status"] ?? ""
            values[sample.name, default: [:]][key] = sample.value
        }
        return values
    }

    @Test(
        "the file holds every organization's last success from sync_runs, also those this run left out, and counts failures since"
    )
    func endToEnd() async throws {
        let runner = try ChildRunner()
        defer { runner.cleanUp() }
        let path = runner.folder.appendingPathComponent("routiq.prom").path
        try await TestDatabase.withFreshDatabase { client, endpoint in
            // A dry run writes no metrics: it ran nothing.
            let dry = try await runner.run(
                database: endpoint, killAt: nil, arguments: ["--dry-run", "--metrics-prom", path])
            #expect(dry.exitStatus == 0, "\(dry.lastLines)")
            #expect(!FileManager.default.fileExists(atPath: path))

            let first = try await runner.run(database: endpoint, killAt: nil, arguments: ["--metrics-prom", path])
            #expect(first.exitStatus == 0, "\(first.lastLines)")
            var metrics = try Self.read(path)
            var recorded = try await Self.lastSuccesses(pipeline: "crash-safety", on: client)
            #expect(recorded.count == 2)
            #expect(metrics["routiq_run_last_exit_status"]?[""] == 0)
            #expect(metrics["routiq_run_history_loaded"]?[""] == 1)
            #expect(metrics["routiq_run_last_organizations"]?["succeeded"] == 2)
            #expect(metrics["routiq_run_last_organizations"]?["failed"] == 0)
            let finish = try #require(metrics["routiq_run_last_finish_timestamp_seconds"]?[""])
            #expect(abs(finish - Date().timeIntervalSince1970) < 300)
            Self.expectMatches(metrics, recorded)
            for organization in recorded.keys {
                #expect(metrics["routiq_organization_consecutive_failures"]?[organization] == 0)
                #expect(metrics["routiq_organization_last_run_success"]?[organization] == 1)
                #expect(recorded[organization]!.read > 0, "the sandbox clinic has records")
            }

            // Two failed runs of the first organization after its success (as two nights of an unreachable source
            // would leave them), then a run of the second organization only.
            let organizations = recorded.keys.sorted()
            let (failing, running) = (organizations[0], organizations[1])
            for minutes in [1.0, 2.0] {
                try await client.query(
                    """
                    INSERT INTO sync_runs (organization_id, run_id, pipeline, mode, status, started_by, started_at,
                                           finished_at, error)
                    VALUES (\(failing), \(UUID()), 'crash-safety', 'incremental', 'failed', 'test',
                            now() + \(minutes) * interval '1 minute',
                            now() + \(minutes) * interval '1 minute' + interval '3 seconds',
                            'source unreachable')
                    """, logger: TestDatabase.logger)
            }
            let second = try await runner.run(
                database: endpoint, killAt: nil, arguments: ["--org", running, "--metrics-prom", path])
            #expect(second.exitStatus == 0, "\(second.lastLines)")
            metrics = try Self.read(path)
            recorded = try await Self.lastSuccesses(pipeline: "crash-safety", on: client)
            #expect(metrics["routiq_run_last_organizations"]?["succeeded"] == 1, "this run ran one organization")
            Self.expectMatches(metrics, recorded)
            #expect(metrics["routiq_organization_consecutive_failures"]?[failing] == 2)
            #expect(metrics["routiq_organization_last_run_success"]?[failing] == 0)
            #expect(metrics["routiq_organization_last_run_duration_seconds"]?[failing] == 3)
            #expect(metrics["routiq_organization_consecutive_failures"]?[running] == 0)
            let files = try FileManager.default.contentsOfDirectory(atPath: runner.folder.path)
            #expect(!files.contains { $0.hasSuffix(".tmp") }, "no temporary file is left: \(files)")
        }
    }

    /// The organization gauges agree with `sync_runs`, for exactly its organizations.
    static func expectMatches(_ metrics: [String: [String: Double]], _ recorded: [String: Recorded]) {
        let timestamps = metrics["routiq_organization_last_success_timestamp_seconds"] ?? [:]
        #expect(Set(timestamps.keys) == Set(recorded.keys))
        for (organization, run) in recorded {
            #expect(abs((timestamps[organization] ?? 0) - run.finishedAt) < 0.001, "\(organization)")
            let seconds = metrics["routiq_organization_last_success_duration_seconds"]?[organization] ?? -1
            #expect(abs(seconds - run.seconds) < 0.001, "\(organization)")
            #expect(metrics["routiq_organization_last_success_records_read"]?[organization] == Double(run.read))
            #expect(
                metrics["routiq_organization_last_success_records_inserted"]?[organization] == Double(run.inserted))
            #expect(metrics["routiq_organization_last_success_records_updated"]?[organization] == Double(run.updated))
            #expect(
                metrics["routiq_organization_last_success_records_quarantined"]?[organization]
                    == Double(run.quarantined))
        }
    }
}
