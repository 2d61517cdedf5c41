import Foundation
import Logging
import Pipeline
import PostgresNIO
import TestSupport
import Testing

@testable import Load

@Suite("Sync read store: status and run history over seeded runs, per organization")
struct SyncReadStoreTests {
    static let organizationA = OrganizationID("org_syncA")!
    static let organizationB = OrganizationID("org_syncB")!
    /// An organization that never ran.
    static let organizationC = OrganizationID("org_syncC")!
    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    struct Run {
        var id = UUID()
        var status: String
        var mode = "incremental"
        var startedAt: Date
        var seconds: Double?
        var error: String?
    }

    /// A's runs: every status, two runs starting at the same instant, and one still running.
    static let runsA: [Run] = {
        var runs: [Run] = []
        let statuses = ["succeeded", "succeeded", "failed", "cancelled", "skipped", "succeeded"]
        for index in 0..<23 {
            let status = statuses[index % statuses.count]
            runs.append(
                Run(
                    status: status, mode: index % 5 == 0 ? "full" : "incremental",
                    // Runs 10 and 11 start at the same instant; fractional seconds everywhere.
                    startedAt: start.addingTimeInterval(Double(index == 11 ? 10 : index) * 3_600 + 0.123456),
                    seconds: status == "skipped" ? 0 : Double(10 + index) + 0.5,
                    error: status == "failed" ? "cliniko: HTTP 503 after 5 attempts" : nil))
        }
        runs.append(Run(status: "running", startedAt: start.addingTimeInterval(100 * 3_600)))
        return runs
    }()

    static func insert(_ run: Run, organization: OrganizationID, on client: PostgresClient, index: Int) async throws {
        let org = organization.rawValue
        try await client.query(
            """
            INSERT INTO sync_runs (organization_id, run_id, pipeline, mode, status, started_by, started_at, finished_at,
                                   error, records_read, records_inserted, records_updated, records_unchanged,
                                   records_removed, records_quarantined)
            VALUES (\(org), \(run.id), 'nightly', \(run.mode), \(run.status), 'test', \(run.startedAt),
                    \(run.seconds.map { run.startedAt.addingTimeInterval($0) }), \(run.error), \(100 + index),
                    \(index), \(2 * index), \(3 * index), \(index % 3), \(index % 4))
            """,
            logger: TestDatabase.logger)
    }

    static func withSeededDatabase(_ body: (PostgresClient) async throws -> Void) async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            for organization in [organizationA, organizationB, organizationC] {
                try await client.query(
                    "INSERT INTO organizations (organization_id, name) VALUES (\(organization.rawValue), 'Sync')",
                    logger: TestDatabase.logger)
            }
            for (index, run) in runsA.enumerated() {
                try await insert(run, organization: organizationA, on: client, index: index)
            }
            try await insert(
                Run(status: "failed", startedAt: start.addingTimeInterval(500 * 3_600), seconds: 1, error: "B only"),
                organization: organizationB, on: client, index: 1)
            let a = organizationA.rawValue
            let b = organizationB.rawValue
            try await client.query(
                """
                INSERT INTO sync_state (organization_id, source, resource, cursor_value, last_success_at, last_full_at)
                VALUES (\(a), 'cliniko', 'patients', 'c', \(start), \(start.addingTimeInterval(-86_400))),
                       (\(a), 'cliniko', 'appointments', 'c', \(start.addingTimeInterval(60)), NULL),
                       (\(a), 'chatwoot', 'contacts', NULL, NULL, NULL),
                       (\(b), 'clerk', 'users', NULL, \(start), \(start))
                """,
                logger: TestDatabase.logger)
            try await body(client)
        }
    }

    static func read<Result: Sendable>(
        _ client: PostgresClient, _ organization: OrganizationID, _ body: (SyncReadStore) async throws -> Result
    ) async throws -> Result {
        try await client.withConnection { connection in
            try await connection.withReaderTransaction(organization: organization, logger: TestDatabase.logger) {
                connection in
                try await body(
                    SyncReadStore(connection: connection, organization: organization, logger: TestDatabase.logger))
            }
        }
    }

    @Test("status counts finished runs, names the latest run and lists every resource's freshness")
    func status() async throws {
        try await Self.withSeededDatabase { client in
            let status = try await Self.read(client, Self.organizationA) { try await $0.status() }
            let finished = Self.runsA.filter { $0.seconds != nil }
            #expect(status.organizationID == "org_syncA")
            #expect(status.totalSyncs == finished.count)
            #expect(status.successfulSyncs == Self.runsA.filter { $0.status == "succeeded" }.count)
            #expect(status.failedSyncs == Self.runsA.filter { ["failed", "cancelled"].contains($0.status) }.count)
            let ends = finished.map { $0.startedAt.addingTimeInterval($0.seconds!) }
            #expect(status.lastSyncAt.map { abs($0.timeIntervalSince(ends.max()!)) < 1e-5 } == true)
            let successEnds = finished.filter { $0.status == "succeeded" }.map {
                $0.startedAt.addingTimeInterval($0.seconds!)
            }
            #expect(status.lastSuccessfulSyncAt.map { abs($0.timeIntervalSince(successEnds.max()!)) < 1e-5 } == true)
            let average = finished.map { $0.seconds! }.reduce(0, +) / Double(finished.count)
            #expect(status.averageSyncDurationSeconds == (average * 10).rounded() / 10)
            let running = Self.runsA.last!
            #expect(status.lastRun?.runID == running.id)
            #expect(status.lastRun?.status == "running")
            #expect(status.lastRun?.finishedAt == nil)
            #expect(
                status.sources.map { "\($0.source)/\($0.resource)" } == [
                    "chatwoot/contacts", "cliniko/appointments", "cliniko/patients",
                ])
            #expect(status.sources[0].lastSuccessAt == nil && status.sources[0].lastFullAt == nil)
            #expect(status.sources[2].lastSuccessAt == Self.start)

            let json = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(status)) as? [String: Any]
            #expect(json?["last_sync_at"] is String)
            #expect((json?["last_run"] as? [String: Any])?["finished_at"] is NSNull)
            #expect((json?["last_run"] as? [String: Any])?["run_id"] as? String == running.id.uuidString.lowercased())
        }
    }

    @Test("an organization that never ran has zeros and nulls, not an error")
    func neverRan() async throws {
        try await Self.withSeededDatabase { client in
            let (status, logs) = try await Self.read(client, Self.organizationC) {
                (try await $0.status(), try await $0.logs(limit: 10, cursor: nil))
            }
            #expect(
                status
                    == SyncStatus(
                        organizationID: "org_syncC", totalSyncs: 0, successfulSyncs: 0, failedSyncs: 0, lastSyncAt: nil,
                        lastSuccessfulSyncAt: nil, averageSyncDurationSeconds: nil, lastRun: nil, sources: []))
            #expect(logs.rows.isEmpty && logs.totalCount == 0 && logs.nextCursor == nil)
            let json = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(status)) as? [String: Any]
            #expect(json?["last_run"] is NSNull)
            #expect(json?["average_sync_duration_seconds"] is NSNull)
            #expect((json?["sources"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("logs walk every run once, newest first, across pages; B's runs never appear for A")
    func logs() async throws {
        try await Self.withSeededDatabase { client in
            var expected: [UUID] = []
            for try await id in try await client.query(
                """
                SELECT run_id FROM sync_runs WHERE organization_id = \(Self.organizationA.rawValue)
                ORDER BY started_at DESC, run_id ASC
                """,
                logger: TestDatabase.logger
            ).decode(UUID.self) {
                expected.append(id)
            }
            #expect(expected.count == Self.runsA.count)
            for limit in [1, 3, 7, 500] {
                var rows: [SyncRunRow] = []
                var cursor: String?
                repeat {
                    let page = try await Self.read(client, Self.organizationA) {
                        try await $0.logs(limit: limit, cursor: cursor)
                    }
                    #expect(page.totalCount == Self.runsA.count)
                    #expect(page.rows.count <= limit)
                    rows += page.rows
                    cursor = page.nextCursor
                } while cursor != nil && rows.count <= Self.runsA.count
                #expect(rows.map(\.runID) == expected, "limit \(limit)")
            }
            let all = try await Self.read(client, Self.organizationA) { try await $0.logs(limit: 500, cursor: nil) }
            for (index, run) in Self.runsA.enumerated() {
                let row = try #require(all.rows.first { $0.runID == run.id })
                #expect(row.status == run.status && row.mode == run.mode && row.pipeline == "nightly")
                #expect(row.recordsProcessed == Int64(100 + index))
                #expect(row.recordsSuccess == Int64(6 * index))
                #expect(row.recordsRemoved == Int64(index % 3))
                #expect(row.recordsFailed == Int64(index % 4))
                #expect(row.error == run.error)
                #expect(row.durationSeconds.map { abs($0 - run.seconds!) < 1e-6 } ?? (run.seconds == nil))
                #expect(abs(row.startedAt.timeIntervalSince(run.startedAt)) < 1e-5)
            }
            let b = try await Self.read(client, Self.organizationB) { try await $0.logs(limit: 500, cursor: nil) }
            #expect(b.rows.map(\.error) == ["B only"])
            #expect(Set(all.rows.map(\.runID)).isDisjoint(with: b.rows.map(\.runID)))
        }
    }

    @Test("bad limits and cursors are ReadErrors")
    func badInput() async throws {
        try await Self.withSeededDatabase { client in
            let patientCursor = PageCursor.priority(actionPriority: 1, riskScore: 1, patientID: "1").encoded
            let cases: [(Int, String?, String)] = [
                (0, nil, "limit"), (501, nil, "limit"), (-1, nil, "limit"),
                (10, "'; drop table sync_runs; --", "cursor"),
                (10, "%", "cursor"), (10, String(repeating: "A", count: 10_240), "cursor"),
                (10, patientCursor, "cursor"),
                (10, "", "cursor"),
            ]
            for (limit, cursor, parameter) in cases {
                do {
                    _ = try await Self.read(client, Self.organizationA) {
                        try await $0.logs(limit: limit, cursor: cursor)
                    }
                    Issue.record("accepted a bad \(parameter)")
                } catch let error as ReadError {
                    #expect(error.parameter == parameter)
                }
            }
        }
    }
}
