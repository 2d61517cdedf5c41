import Foundation
import Load
import PostgresNIO
import TestSupport
import Testing

/// The PostgreSQL side of many workers sharing one run: the lock session, batch claims, the run record's fence and
/// the run-tagged staging area.
@Suite("Worker coordination: lock sessions, batch claims, fences and run-tagged staging")
struct WorkerCoordinationTests {
    static let organization = "org_workers"

    static func register(_ client: PostgresClient) async throws {
        try await client.query(
            "INSERT INTO organizations (organization_id, name) VALUES (\(Self.organization), 'W')",
            logger: TestDatabase.logger)
    }

    static func start(_ runID: UUID) -> RunRecorder.Start {
        RunRecorder.Start(
            runID: runID, organization: organization, pipeline: "demo", mode: "incremental", startedBy: "tester",
            host: "localhost", asOf: Date(timeIntervalSince1970: 1_770_000_000))
    }

    @Test("one lock session holds many organizations; others are refused until it unlocks or its connection closes")
    func lockSession() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            try await Self.register(client)
            try await client.withConnection { other in
                try await client.withConnection { connection in
                    let locks = OrganizationLocks(connection: connection)
                    try await locks.lock(Self.organization, logger: logger)
                    try await locks.lock("org_second", logger: logger)
                    await #expect(throws: OrganizationLock.Held.self) {
                        try await OrganizationLock.withLock(organization: Self.organization, on: other, logger: logger)
                        {}
                    }
                    await #expect(throws: OrganizationLock.Held.self) {
                        try await OrganizationLock.withLock(organization: "org_second", on: other, logger: logger) {}
                    }
                    await locks.unlock(Self.organization, logger: logger)
                    try await OrganizationLock.withLock(organization: Self.organization, on: other, logger: logger) {}
                    // The session's end releases what it still holds, as a dead process's would (once the server has
                    // noticed: the backend ends a moment after the socket closes).
                    try await connection.close()
                    #expect(locks.isLost)
                    var released = false
                    for _ in 0..<100 where !released {
                        do {
                            try await OrganizationLock.withLock(organization: "org_second", on: other, logger: logger) {
                            }
                            released = true
                        } catch is OrganizationLock.Held {
                            try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                    #expect(released, "the closed session's locks were released within 5 s")
                    await #expect(throws: DatabaseError.self) { try await locks.lock("org_third", logger: logger) }
                }
            }
        }
    }

    @Test("a batch claim is taken once, taken over from a dead worker, a no-op after success, retried after failure")
    func batchClaims() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            try await Self.register(client)
            let batch = BatchClaimStore(batch: "nightly-2026-12-07")
            let (first, second, third, fourth) = (UUID(), UUID(), UUID(), UUID())
            try await client.withConnection { connection in
                let now = try await Self.serverNow(connection)
                #expect(
                    try await batch.claim(
                        organization: Self.organization, runID: first, worker: "a", startedAt: now, on: connection,
                        logger: logger) == .claimed(previousRun: nil))
                // Holding the lock and finding the claim running means its worker died: taken over.
                #expect(
                    try await batch.claim(
                        organization: Self.organization, runID: second, worker: "b", startedAt: now, on: connection,
                        logger: logger) == .claimed(previousRun: first))
                // The dead worker's run can no longer finish its claim.
                await #expect(throws: DatabaseError.self) {
                    try await batch.finish(
                        organization: Self.organization, runID: first, outcome: .succeeded, on: connection,
                        logger: logger)
                }
                try await batch.finish(
                    organization: Self.organization, runID: second, outcome: .failed, on: connection, logger: logger)
                // A peer of the same start does not repeat the failure at once …
                #expect(
                    try await batch.claim(
                        organization: Self.organization, runID: third, worker: "c", startedAt: now, on: connection,
                        logger: logger) == .endedInThisStart(run: second, status: "failed"))
                // … a later start retries it.
                let later = try await Self.serverNow(connection)
                #expect(
                    try await batch.claim(
                        organization: Self.organization, runID: third, worker: "c", startedAt: later, on: connection,
                        logger: logger) == .claimed(previousRun: second))
                try await batch.finish(
                    organization: Self.organization, runID: third, outcome: .succeeded, on: connection, logger: logger)
                let again = try await Self.serverNow(connection)
                #expect(
                    try await batch.claim(
                        organization: Self.organization, runID: fourth, worker: "d", startedAt: again, on: connection,
                        logger: logger) == .alreadySucceeded(run: third))
                // Another batch is independent.
                #expect(
                    try await BatchClaimStore(batch: "other").claim(
                        organization: Self.organization, runID: fourth, worker: "d", startedAt: again, on: connection,
                        logger: logger) == .claimed(previousRun: nil))
                let claims = try await batch.list(on: connection, logger: logger)
                #expect(claims.map(\.status) == ["succeeded"])
                #expect(claims.map(\.run) == [third])
            }
        }
    }

    @Test("a run closed as abandoned by the run that took over cannot record success: the fence")
    func fence() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            try await Self.register(client)
            let recorder = RunRecorder()
            let (lost, current) = (UUID(), UUID())
            try await client.withConnection { connection in
                try await recorder.begin(Self.start(lost), on: connection, logger: logger)
                try await recorder.begin(Self.start(current), on: connection, logger: logger)
                let error = await #expect(throws: DatabaseError.self) {
                    try await recorder.finish(
                        runID: lost, organization: Self.organization, outcome: .succeeded, totals: .init(),
                        stats: "{}", error: nil, on: connection, logger: logger)
                }
                #expect(error?.code == .claimLost)
                try await recorder.finish(
                    runID: current, organization: Self.organization, outcome: .succeeded, totals: .init(), stats: "{}",
                    error: nil, on: connection, logger: logger)
            }
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM sync_runs WHERE status = 'succeeded'", on: client) == 1)
        }
    }

    @Test("staged rows are tagged with their run: a merge takes only its own run's, and abandoned runs' are discarded")
    func runTaggedStaging() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            try await Self.register(client)
            let (dead, live) = (UUID(), UUID())
            let t = Date(timeIntervalSince1970: 1_770_000_000)
            // Staged in separate statements on whatever connection the pool lends: no transaction is open.
            try await client.withConnection { connection in
                try await StagingArea(organization: Self.organization, runID: dead).stage(
                    WarehouseLoaderTests.encode(
                        [("1", "Stale", t), ("9", "Ghost", t)], organization: Self.organization),
                    into: .businesses, on: connection, logger: logger)
            }
            try await client.withConnection { connection in
                try await StagingArea(organization: Self.organization, runID: live).stage(
                    WarehouseLoaderTests.encode([("1", "Fresh", t)], organization: Self.organization),
                    into: .businesses, on: connection, logger: logger)
            }
            #expect(try await Self.staged(client) == 3)

            let counts = try await client.withTransaction(logger: logger) { connection in
                try await WarehouseLoader(organization: Self.organization, runID: live).merge(
                    .businesses, on: connection, logger: logger)
            }
            #expect(counts == MergeCounts(staged: 1, inserted: 1))
            let rows = try await client.query("SELECT business_id, name FROM businesses", logger: logger)
            var names: [String: String] = [:]
            for try await (id, name) in rows.decode((String, String).self) { names[id] = name }
            #expect(names == ["1": "Fresh"], "the other run's rows are not merged")

            let discarded = try await client.withConnection { connection in
                let area = StagingArea(organization: Self.organization, runID: live)
                let abandoned = try await area.discardAbandoned(on: connection, logger: logger)
                return (abandoned: abandoned, own: try await area.discardRun(on: connection, logger: logger))
            }
            #expect(discarded.abandoned == 2, "the dead run's two rows")
            #expect(discarded.own == 1, "the run's own row")
            #expect(try await Self.staged(client) == 0)
        }
    }

    static func staged(_ client: PostgresClient) async throws -> Int {
        try await TestDatabase.count("SELECT count(*)::int FROM routiq_staging.businesses", on: client)
    }

    static func serverNow(_ connection: PostgresConnection) async throws -> Date {
        // Claims compare with the server's clock; a microsecond later than the last write.
        try await Task.sleep(for: .milliseconds(5))
        let rows = try await connection.query("SELECT clock_timestamp()", logger: TestDatabase.logger)
        for try await now in rows.decode(Date.self) { return now }
        return Date()
    }
}
