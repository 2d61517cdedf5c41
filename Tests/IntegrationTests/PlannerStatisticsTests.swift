import Foundation
import Load
import PostgresNIO
import TestSupport
import Testing

/// After a run's organizations commit, tables that were never analyzed, or changed a lot since, get fresh planner
/// statistics before the reports are planned; untouched tables are left alone.
@Suite("Planner statistics after a run")
struct PlannerStatisticsTests {
    static func lastAnalyzed(_ table: String, on client: PostgresClient) async throws -> Date? {
        let rows = try await client.query(
            "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = \(table)", logger: TestDatabase.logger)
        for try await value in rows.decode(Date?.self) { return value }
        return nil
    }

    @Test("never-analyzed and much-changed tables are analyzed, the others left to autovacuum")
    func refreshesOnlyStaleTables() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let statistics = PlannerStatistics()
            let first = try await statistics.refreshStale(client: client, logger: TestDatabase.logger)
            #expect(Set(first) == Set(PlannerStatistics.tables), "a fresh schema has no statistics at all")
            #expect(try await Self.lastAnalyzed("patients", on: client) != nil)
            #expect(try await statistics.refreshStale(client: client, logger: TestDatabase.logger).isEmpty)

            try await client.query(
                "INSERT INTO organizations (organization_id, name) VALUES (\(WarehouseLoaderTests.organization), 'M')",
                logger: TestDatabase.logger)
            let day = WarehouseLoaderTests.updatedAt
            _ = try await WarehouseLoaderTests.load((0..<300).map { ("b\($0)", "Clinic \($0)", day) }, client: client)
            // The inserting session reports its counts to the statistics system within about a second.
            var analyzed: [String] = []
            let deadline = ContinuousClock.now + .seconds(20)
            while !analyzed.contains("businesses"), ContinuousClock.now < deadline {
                analyzed += try await statistics.refreshStale(client: client, logger: TestDatabase.logger)
                if !analyzed.contains("businesses") { try await Task.sleep(for: .milliseconds(250)) }
            }
            #expect(analyzed == ["businesses"], "only the table that changed is analyzed")
        }
    }
}
