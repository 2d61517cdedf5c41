import Foundation
import Load
import PostgresNIO
import TestSupport
import Testing

@Suite("Warehouse staging and merge")
struct WarehouseLoaderTests {
    static let organization = "org_merge"
    static let updatedAt = Date(timeIntervalSince1970: 1_770_000_000)

    /// Business rows: (id, name, updated at).
    static func encode(_ rows: [(String, String, Date)], organization: String = WarehouseLoaderTests.organization)
        -> CopyRowEncoder
    {
        var encoder = CopyRowEncoder()
        for (id, name, updatedAt) in rows {
            encoder.field(organization)
            encoder.field(id)
            encoder.field(name)
            encoder.field("Australia/Sydney")
            encoder.field("AU")
            encoder.field(nil as Date?)
            encoder.field(updatedAt.addingTimeInterval(-86_400))
            encoder.field(updatedAt)
            encoder.endRow()
        }
        return encoder
    }

    static func load(
        _ rows: [(String, String, Date)],
        reconcile: Bool = false,
        quarantined: [String] = [],
        client: PostgresClient
    ) async throws -> MergeCounts {
        let logger = TestDatabase.logger
        let runID = UUID()
        let loader = WarehouseLoader(organization: organization, runID: runID)
        let quarantine = QuarantineWriter(organization: organization, runID: runID)
        // Staged as an extract stages: in statements of their own, before the final transaction.
        try await client.withConnection { connection in
            try await StagingArea(organization: organization, runID: runID).stage(
                encode(rows), into: .businesses, on: connection, logger: logger)
            try await quarantine.write(
                quarantined.map {
                    QuarantineWriter.Entry(
                        source: "cliniko", resource: "businesses", sourceID: $0, reason: "bad", raw: "{}")
                },
                on: connection, logger: logger)
        }
        return try await client.withTransaction(logger: logger) { connection in
            try await quarantine.promote(on: connection, logger: logger)
            var counts = try await loader.merge(.businesses, on: connection, logger: logger)
            if reconcile {
                counts.removed = try await loader.markUnstagedRemoved(
                    .businesses, sparingQuarantinedOf: "businesses", on: connection, logger: logger)
            }
            try await StagingArea(organization: organization, runID: runID).discardRun(on: connection, logger: logger)
            return counts
        }
    }

    @Test("insert, no-op rerun, update, reconcile removal and restore")
    func mergeLifecycle() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            try await client.query(
                "INSERT INTO organizations (organization_id, name) VALUES (\(Self.organization), 'M')",
                logger: TestDatabase.logger)
            let t = Self.updatedAt
            let first = [("1", "North", t), ("2", "South", t), ("3", "East", t)]
            #expect(try await Self.load(first, client: client) == MergeCounts(staged: 3, inserted: 3))

            let loadedAt = try await Self.loadedAt(client)
            #expect(try await Self.load(first, client: client) == MergeCounts(staged: 3, unchanged: 3))
            #expect(try await Self.loadedAt(client) == loadedAt, "an unchanged rerun must not touch any row")

            let changed = [("1", "North", t), ("2", "South Yarra", t.addingTimeInterval(60))]
            #expect(
                try await Self.load(changed, reconcile: true, client: client)
                    == MergeCounts(staged: 2, updated: 1, unchanged: 1, removed: 1))
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM businesses WHERE removed_at IS NOT NULL AND business_id = '3'",
                    on: client) == 1)
            #expect(
                try await TestDatabase.count("SELECT count(*)::int FROM businesses", on: client) == 3,
                "rows are never deleted")

            #expect(try await Self.load([("3", "East", t)], client: client) == MergeCounts(staged: 1, updated: 1))

            // A full fetch that returned row 2 only in a form that had to be quarantined does not remove it.
            #expect(
                try await Self.load(
                    [("1", "North", t), ("3", "East", t)], reconcile: true, quarantined: ["2"], client: client)
                    == MergeCounts(staged: 2, unchanged: 2))
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM businesses WHERE removed_at IS NULL", on: client) == 3)
        }
    }

    @Test("a record staged twice merges once, in its newest version")
    func duplicates() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            try await client.query(
                "INSERT INTO organizations (organization_id, name) VALUES (\(Self.organization), 'M')",
                logger: TestDatabase.logger)
            let t = Self.updatedAt
            let counts = try await Self.load(
                [("1", "Old", t), ("1", "New", t.addingTimeInterval(5)), ("2", "Other", t)], client: client)
            #expect(counts == MergeCounts(staged: 2, inserted: 2))
            let rows = try await client.query(
                "SELECT name FROM businesses WHERE business_id = '1'", logger: TestDatabase.logger)
            for try await (name) in rows.decode(String.self) { #expect(name == "New") }
        }
    }

    @Test("text with tabs, newlines, backslashes, quotes and emoji survives COPY")
    func escaping() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            try await client.query(
                "INSERT INTO organizations (organization_id, name) VALUES (\(Self.organization), 'M')",
                logger: TestDatabase.logger)
            let awkward = "Tab\there\nnew line \\ back \"quoted\" 'single' 🌸 שלום \\N"
            _ = try await Self.load([("1", awkward, Self.updatedAt)], client: client)
            let rows = try await client.query(
                "SELECT name FROM businesses WHERE business_id = '1'", logger: TestDatabase.logger)
            var seen: [String] = []
            for try await (name) in rows.decode(String.self) { seen.append(name) }
            #expect(seen == [awkward])
        }
    }

    @Test("timestamps are written in UTC with microseconds")
    func timestamps() {
        #expect(CopyRowEncoder.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01 00:00:00.000000+00")
        #expect(
            CopyRowEncoder.timestamp(Date(timeIntervalSince1970: 1_772_323_200.25)) == "2026-03-01 00:00:00.250000+00")
    }

    static func loadedAt(_ client: PostgresClient) async throws -> [Date] {
        let rows = try await client.query(
            "SELECT loaded_at FROM businesses ORDER BY business_id", logger: TestDatabase.logger)
        var result: [Date] = []
        for try await (date) in rows.decode(Date.self) { result.append(date) }
        return result
    }
}
