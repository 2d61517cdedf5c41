import Foundation
import Load
import PostgresNIO
import TestSupport
import Testing

@Suite("Run bookkeeping: locks, run records, cursors, quarantine")
struct RunBookkeepingTests {
    static let organization = "org_runs"
    static let asOf = "2026-10-01T00:00:00.000Z"

    static func start(_ runID: UUID) -> RunRecorder.Start {
        RunRecorder.Start(
            runID: runID, organization: organization, pipeline: "demo", mode: "incremental", startedBy: "tester",
            host: "localhost", asOf: Date(timeIntervalSince1970: 1_770_000_000)
        )
    }

    @Test("a second session cannot take an organization's lock, and is told since when it is held")
    func lock() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            try await client.query(
                "INSERT INTO organizations (organization_id, name) VALUES (\(Self.organization), 'R')", logger: logger)
            try await client.withConnection { first in
                try await OrganizationLock.withLock(organization: Self.organization, on: first, logger: logger) {
                    try await RunRecorder().begin(Self.start(UUID()), on: first, logger: logger)
                    try await client.withConnection { second in
                        let held = await #expect(throws: OrganizationLock.Held.self) {
                            try await OrganizationLock.withLock(
                                organization: Self.organization, on: second, logger: logger
                            ) {}
                        }
                        #expect(held?.since != nil)
                        #expect(
                            held?.description.hasPrefix("organization org_runs is being synced by another run since ")
                                == true)
                        // Another organization is not blocked.
                        try await OrganizationLock.withLock(organization: "org_other", on: second, logger: logger) {}
                    }
                }
                // Released: the same or another session can take it again.
                try await OrganizationLock.withLock(organization: Self.organization, on: first, logger: logger) {}
            }
        }
    }

    @Test("runs are recorded running, then finished; abandoned runs are closed by the next one")
    func runRecords() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            try await client.query(
                "INSERT INTO organizations (organization_id, name) VALUES (\(Self.organization), 'R')", logger: logger)
            let recorder = RunRecorder()
            let crashed = UUID()
            let next = UUID()
            try await client.withConnection { connection in
                #expect(try await recorder.begin(Self.start(crashed), on: connection, logger: logger) == 0)
                #expect(try await recorder.begin(Self.start(next), on: connection, logger: logger) == 1)
                try await recorder.finish(
                    runID: next, organization: Self.organization, outcome: .succeeded,
                    totals: .init(read: 10, inserted: 7, updated: 2, unchanged: 1, quarantined: 1),
                    stats: #"{"stages": []}"#, error: nil, on: connection, logger: logger
                )
            }
            let history = try await RunHistory(client: client).recent(
                organization: Self.organization, limit: 10, logger: logger)
            #expect(history.count == 2)
            let finished = try #require(history.first { $0.runID == next })
            #expect(finished.status == "succeeded")
            #expect(finished.recordsInserted == 7)
            #expect(finished.finishedAt != nil)
            let abandoned = try #require(history.first { $0.runID == crashed })
            #expect(abandoned.status == "failed")
            #expect(abandoned.error?.hasPrefix("abandoned") == true)
        }
    }

    @Test("cursors advance inside the transaction, never backwards, and roll back with it")
    func cursors() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            try await client.query(
                "INSERT INTO organizations (organization_id, name) VALUES (\(Self.organization), 'R')", logger: logger)
            let store = SyncStateStore(organization: Self.organization)
            let run = UUID()
            try await client.withTransaction(logger: logger) { connection in
                try await store.advance(
                    source: "cliniko", resource: "patients", to: "2026-03-01T00:00:00.000Z", notAfter: Self.asOf,
                    complete: true,
                    runID: run,
                    on: connection, logger: logger)
                try await store.advance(
                    source: "cliniko", resource: "patients", to: "2026-02-01T00:00:00.000Z", notAfter: Self.asOf,
                    complete: false,
                    runID: run, on: connection, logger: logger)
            }
            struct Rollback: Error {}
            await #expect(throws: (any Error).self) {
                try await client.withTransaction(logger: logger) { connection in
                    try await store.advance(
                        source: "cliniko", resource: "patients", to: "2026-09-01T00:00:00.000Z", notAfter: Self.asOf,
                        complete: false,
                        runID: run, on: connection, logger: logger)
                    throw Rollback()
                }
            }
            let entries = try await client.withConnection { try await store.entries(on: $0, logger: logger) }
            #expect(entries.count == 1)
            #expect(entries.first?.cursor == "2026-03-01T00:00:00.000Z")
            #expect(entries.first?.lastFullAt != nil)
        }
    }

    @Test("a cursor stored in the future is moved back to the run's as-of, or to the newest record read")
    func futureCursorIsRepaired() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            try await client.query(
                "INSERT INTO organizations (organization_id, name) VALUES (\(Self.organization), 'R')", logger: logger)
            let store = SyncStateStore(organization: Self.organization)
            func advance(_ resource: String, to cursor: String?) async throws {
                try await client.withTransaction(logger: logger) { connection in
                    try await store.advance(
                        source: "cliniko", resource: resource, to: cursor, notAfter: Self.asOf, complete: false,
                        runID: UUID(), on: connection, logger: logger)
                }
            }
            // As an earlier version left them: frozen in 2099 by one clock-skewed record.
            for resource in ["patients", "businesses"] {
                try await client.query(
                    """
                    INSERT INTO sync_state (organization_id, source, resource, cursor_value)
                    VALUES (\(Self.organization), 'cliniko', \(resource), '2099-01-01T00:00:00.000Z')
                    """, logger: logger)
            }
            try await advance("patients", to: nil)
            try await advance("businesses", to: "2026-09-30T12:00:00.000Z")
            let entries = try await client.withConnection { try await store.entries(on: $0, logger: logger) }
            let cursors = Dictionary(uniqueKeysWithValues: entries.map { ($0.resource, $0.cursor) })
            #expect(cursors["patients"] == Self.asOf)
            #expect(cursors["businesses"] == "2026-09-30T12:00:00.000Z")
        }
    }

    @Test("quarantined records keep their reason and raw payload")
    func quarantine() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            try await client.query(
                "INSERT INTO organizations (organization_id, name) VALUES (\(Self.organization), 'R')", logger: logger)
            let writer = QuarantineWriter(organization: Self.organization, runID: UUID())
            let raw = #"{"id": "1300000000000000001", "first_name": "Tab\there"}"#
            try await client.withConnection { connection in
                try await writer.write(
                    [
                        .init(
                            source: "cliniko", resource: "patients", sourceID: "1300000000000000001",
                            reason: "missing created_at", raw: raw)
                    ],
                    on: connection, logger: logger
                )
            }
            // Staged while the run extracts; kept only by the run's final transaction.
            #expect(try await TestDatabase.count("SELECT count(*)::int FROM quarantine", on: client) == 0)
            let promoted = try await client.withTransaction(logger: logger) { connection in
                try await writer.promote(on: connection, logger: logger)
            }
            #expect(promoted == 1)
            let rows = try await client.query("SELECT source_id, reason, raw FROM quarantine", logger: logger)
            var seen: [(String?, String, String)] = []
            for try await row in rows.decode((String?, String, String).self) { seen.append(row) }
            #expect(seen.count == 1)
            #expect(seen.first?.0 == "1300000000000000001")
            #expect(seen.first?.1 == "missing created_at")
            #expect(seen.first?.2 == raw)
        }
    }
}
