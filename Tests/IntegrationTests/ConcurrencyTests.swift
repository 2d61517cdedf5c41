import Foundation
import Load
import Logging
import Pipeline
import PostgresNIO
import Runner
import TestSupport
import Testing

/// Many organizations at once (DESIGN §4: organizations run concurrently up to a bound, and one organization's
/// trouble never touches another's): no hang at any concurrency, a bounded wait for a database connection, and a stop
/// that ends every organization promptly wherever it is waiting.
@Suite("concurrency: no hang at any width, bounded waits, a prompt stop")
struct ConcurrencyTests {
    static let vault = { try! CredentialVault(keyData: Data(repeating: 5, count: 32)) }()

    /// The scaled-down demo for `organizations` clinics of `patients`, with Chatwoot limited to `chatwootPerMinute`
    /// requests a minute (1 keeps every organization waiting on its request budget once Chatwoot starts).
    static func pipeline(organizations: Int, patients: Int, chatwootPerMinute: Int? = nil) throws
        -> PipelineDefinition
    {
        var definition = try PipelineRunTests.demo(patients: patients)
        definition.sandbox?.organizations = organizations
        guard let chatwootPerMinute else { return definition }
        definition.stages = definition.stages.map { stage in
            guard case .chatwoot(var settings) = stage.settings else { return stage }
            settings.common.requestsPerMinute = chatwootPerMinute
            return StageDefinition(id: stage.id, settings: .chatwoot(settings), location: stage.location)
        }
        return definition
    }

    static func count(_ status: String, on client: PostgresClient) async throws -> Int {
        try await TestDatabase.count("SELECT count(*)::int FROM sync_runs WHERE status = \(status)", on: client)
    }

    @Test("32 organizations at --concurrency 32 all succeed on a handful of connections", .timeLimit(.minutes(10)))
    func thirtyTwoAtOnce() async throws {
        let connections = PipelineRun.connectionsNeeded(concurrency: 32)
        #expect(connections <= 12, "connections are held only while used: \(connections) for 32 organizations")
        try await TestDatabase.withFreshDatabase(maximumConnections: connections) { client, _ in
            let definition = try Self.pipeline(organizations: 32, patients: 30)
            var run = PipelineRun(
                definition: definition, runID: UUID(), asOf: nil, forceFull: false, concurrency: 32, isDryRun: false,
                onlyOrganizations: [], actor: "tests", logger: TestDatabase.logger)
            // The test server is shared with every other suite running meanwhile: allow for a wait on its
            // connection slots (the time limit still catches a hang).
            run.leaseTimeout = .seconds(300)
            let outcomes = try await run.execute(client: client, vault: Self.vault)
            #expect(outcomes.count == 32)
            #expect(
                outcomes.allSatisfy { $0.status == .succeeded },
                "\(outcomes.filter { $0.status != .succeeded }.map { "\($0.organization): \($0.message ?? "")" })")
            #expect(try await Self.count("succeeded", on: client) == 32)
            #expect(try await Self.count("running", on: client) == 0)
        }
    }

    @Test(
        "eight organizations waiting on a rate limit need no connection each; a stop ends them all within seconds",
        .timeLimit(.minutes(5)))
    func stopWhileWaiting() async throws {
        // Four connections for eight organizations: one is the lock session, and all eight start and wait on
        // Chatwoot's budget (one request a minute) without holding one.
        try await TestDatabase.withFreshDatabase(maximumConnections: 4) { client, endpoint in
            var run = PipelineRun(
                definition: try Self.pipeline(organizations: 8, patients: 20, chatwootPerMinute: 1), runID: UUID(),
                asOf: nil, forceFull: false, concurrency: 8, isDryRun: false, onlyOrganizations: [], actor: "tests",
                logger: TestDatabase.logger)
            run.leaseTimeout = .seconds(600)
            let execution = run
            try await withThrowingTaskGroup(of: [OrganizationOutcome].self) { group in
                group.addTask { try await execution.execute(client: client, vault: Self.vault) }
                // Watch on a client of its own.
                try await withPostgresClient(endpoint: endpoint, logger: TestDatabase.logger) { watcher in
                    for _ in 0..<600 {
                        if try await Self.count("running", on: watcher) == 8 { break }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    #expect(try await Self.count("running", on: watcher) == 8, "all eight run on four connections")
                }
                // Let them reach Chatwoot's budget wait.
                try await Task.sleep(for: .seconds(3))
                let stopped = ContinuousClock.now
                execution.stop.request()
                let outcomes = try #require(try await group.next())
                let seconds = (ContinuousClock.now - stopped).seconds
                #expect(seconds < 30, "the run ended \(seconds) s after the stop")
                #expect(outcomes.count == 8)
                #expect(outcomes.allSatisfy { $0.status == .cancelled }, "\(outcomes.map(\.status))")
            }
            #expect(try await Self.count("running", on: client) == 0, "no run is left running")
            #expect(try await Self.count("cancelled", on: client) == 8, "the organizations that began are cancelled")
            #expect(try await TestDatabase.count("SELECT count(*)::int FROM patients", on: client) == 0)
            #expect(
                try await TestDatabase.count("SELECT count(*)::int FROM routiq_staging.patients", on: client) == 0,
                "the stopped runs' staged rows are discarded")
        }
    }

    @Test(
        "under a rate-limited source no transaction stays open longer than the final merge, on a handful of connections",
        .timeLimit(.minutes(5)))
    func shortTransactions() async throws {
        try await TestDatabase.withFreshDatabase { client, endpoint in
            // Chatwoot allows 40 requests a minute: each organization waits on it for many seconds.
            var run = PipelineRun(
                definition: try Self.pipeline(organizations: 4, patients: 20, chatwootPerMinute: 40), runID: UUID(),
                asOf: nil, forceFull: false, concurrency: 4, isDryRun: false, onlyOrganizations: [], actor: "tests",
                logger: TestDatabase.logger)
            run.leaseTimeout = .seconds(120)
            let execution = run
            let started = ContinuousClock.now
            let (outcomes, observed) = try await withThrowingTaskGroup(
                of: ([OrganizationOutcome]?, (transaction: Double, connections: Int)?).self
            ) { group in
                group.addTask { (try await execution.execute(client: client, vault: Self.vault), nil) }
                group.addTask {
                    // Samples the run's sessions (on a client of its own) until cancelled: the oldest open
                    // transaction, and how many sessions the run holds.
                    var longest = 0.0
                    var connections = 0
                    try await withPostgresClient(endpoint: endpoint, logger: TestDatabase.logger) { watcher in
                        while !Task.isCancelled {
                            let rows = try await watcher.query(
                                """
                                SELECT coalesce(max(extract(epoch FROM clock_timestamp() - xact_start)), 0)::float8,
                                       count(*)::int
                                FROM pg_stat_activity
                                WHERE datname = current_database() AND pid <> pg_backend_pid()
                                  AND backend_type = 'client backend'
                                """,
                                logger: TestDatabase.logger)
                            for try await (age, count) in rows.decode((Double, Int).self) {
                                longest = max(longest, age)
                                connections = max(connections, count)
                            }
                            try? await Task.sleep(for: .milliseconds(100))
                        }
                    }
                    return (nil, (longest, connections))
                }
                let outcomes = try #require(try await group.next()?.0)
                group.cancelAll()
                var observed: (transaction: Double, connections: Int)?
                for try await result in group { observed = result.1 ?? observed }
                return (outcomes, try #require(observed))
            }
            let wall = (ContinuousClock.now - started).seconds
            #expect(outcomes.allSatisfy { $0.status == .succeeded }, "\(outcomes.map { $0.message ?? "" })")
            let held = outcomes.compactMap(\.transactionSeconds)
            #expect(held.count == 4, "every organization reports its final transaction's length")
            let longestMerge = held.max() ?? 0
            #expect(
                observed.transaction <= longestMerge + 1.5,
                "a transaction stayed open \(observed.transaction) s; the longest final transaction took \(longestMerge) s"
            )
            #expect(
                wall > 4 * longestMerge, "the run (\(wall) s) mostly waited on the rate limit, outside transactions")
            #expect(
                observed.connections <= PipelineRun.connectionsNeeded(concurrency: 4),
                "\(observed.connections) sessions")
            let stats = try await client.query(
                "SELECT count(*)::int FROM sync_runs WHERE (stats->>'transaction_seconds')::float8 >= 0",
                logger: TestDatabase.logger)
            for try await count in stats.decode(Int.self) { #expect(count == 4, "sync_runs.stats records it") }
        }
    }

    @Test("when no connection becomes free in time, the organizations fail with a clear message and the run ends")
    func leaseTimeout() async throws {
        // One connection, which the run's lock session takes: no organization ever gets one.
        try await TestDatabase.withFreshDatabase(maximumConnections: 1) { client, _ in
            var run = PipelineRun(
                definition: try Self.pipeline(organizations: 2, patients: 20), runID: UUID(), asOf: nil,
                forceFull: false, concurrency: 2, isDryRun: false, onlyOrganizations: [], actor: "tests",
                logger: TestDatabase.logger)
            run.leaseTimeout = .seconds(2)
            let started = ContinuousClock.now
            let outcomes = try await run.execute(client: client, vault: Self.vault)
            let seconds = (ContinuousClock.now - started).seconds
            #expect(seconds < 60, "the run ended \(seconds) s after it started")
            #expect(outcomes.count == 2)
            for outcome in outcomes {
                #expect(outcome.status == .failed)
                #expect(
                    outcome.message?.contains("no database connection became free within") == true,
                    "\(outcome.message ?? "")")
            }
            #expect(try await Self.count("running", on: client) == 0)
        }
    }
}
