import Foundation
import Load
import Pipeline
import PostgresNIO
import Sandbox
import TestSupport
import Testing

@testable import Runner

/// Hostile values and clock-skewed records through the real path: the sandbox over HTTP, the runner, PostgreSQL.
@Suite("routiq run with hostile values and future timestamps from the APIs")
struct HostileRunTests {
    static let present = RunConvergenceTests.present
    static let nextDay = present.addingTimeInterval(86_400)

    static func open(on client: PostgresClient) async throws -> Int {
        try await TestDatabase.count("SELECT count(*)::int FROM quarantine WHERE resolved_at IS NULL", on: client)
    }

    /// Values PostgreSQL cannot store are quarantined with their column and the rest loads; a record stamped in the
    /// future loads without freezing the cursor; the next run re-reads the quarantined records by id.
    @Test("hostile values are quarantined, a future stamp does not freeze the cursor, quarantine is retried by id")
    func hostileAndFuture() async throws {
        // Every Cliniko list page's first record is hostile, but the very first one, which is stamped in 2099.
        let spec = try FaultSpec(parsing: "api:cliniko,future:@1,hostile:%1")
        let configuration = SandboxControl.configuration(patients: 120, faults: spec)
        try await withRunningSandbox(configuration: configuration, logger: TestDatabase.logger) { endpoints in
            try await TestDatabase.withFreshDatabase { client, _ in
                let control = SandboxControl(endpoints: endpoints)
                let first = try await RunConvergenceTests.run(against: endpoints, client: client)
                #expect(try await control.injectedFaultKinds() == ["future", "hostile"])
                let quarantined = first.reduce(0) { $0 + $1.totals.quarantined }
                #expect(quarantined >= 5, "one hostile record per Cliniko list but the first")
                #expect(try await Self.open(on: client) == quarantined)
                let listed = try await QuarantineStore.list(
                    organizations: [], includingSettled: false, limit: 1_000, client: client,
                    logger: TestDatabase.logger)
                #expect(listed.count == quarantined, "`routiq quarantine list` shows every open record")
                #expect(listed.allSatisfy { $0.resolution == nil && $0.sourceID != nil })
                let future = first.flatMap(\.resources).reduce(0) { $0 + $1.futureTimestamps }
                #expect(future == 1, "the record stamped in 2099 is counted")

                // Each reason names the column and the rule, never the value.
                let rows = try await client.query(
                    "SELECT resource, source_id, reason FROM quarantine", logger: TestDatabase.logger)
                var reasons: [String: Set<String>] = [:]
                for try await (resource, sourceID, reason) in rows.decode((String, String?, String).self) {
                    #expect(sourceID != nil, "\(resource): the id is kept")
                    reasons[resource, default: []].insert(reason)
                }
                let expected: [String: Set<String>] = [
                    "individual_appointments": [
                        "`cancellation_reason` is outside the 32-bit integer range",
                        "`cancellation_note` contains a NUL character",
                    ],
                    "appointment_types": [
                        "`duration_minutes` is outside the 32-bit integer range", "`name` contains a NUL character",
                    ],
                    "businesses": ["`name` contains a NUL character"],
                    "practitioners": ["`first_name` contains a NUL character"],
                    "patients": [
                        "`date_of_birth` is not a calendar date (month 2 has no day 30)",
                        "`first_name` contains a NUL character",
                        "invalid timestamp in `updated_at`",
                        "`email` is longer than 1024 bytes (2012)",
                    ],
                ]
                for (resource, found) in reasons {
                    #expect(found.isSubset(of: expected[resource] ?? []), "\(resource): \(found)")
                }
                #expect(
                    Set(reasons.keys).isSuperset(of: ["individual_appointments", "appointment_types", "businesses"]))

                // The cursor of the resource with the 2099 record stops at the run's as-of.
                let cursors = try await client.query(
                    "SELECT max(cursor_value) FROM sync_state WHERE source = 'cliniko'", logger: TestDatabase.logger)
                for try await (cursor) in cursors.decode(String?.self) {
                    let latest = try #require(cursor.flatMap(OrganizationRunner.parseCursor))
                    #expect(latest <= Self.present, "cursor \(cursor ?? "")")
                }

                // A day later, with the faults gone: the day's changes load (the cursor did not freeze), and the
                // quarantined records are re-read by id, load, and leave the quarantine.
                try await control.setFaults("")
                let report = try await control.advance(days: 1)
                let second = try await RunConvergenceTests.run(against: endpoints, client: client, asOf: Self.nextDay)
                for outcome in second {
                    let delta = try #require(report.organizations.first { $0.id == outcome.organization })
                    let patients = try #require(outcome.resources.first { $0.resource == "patients" })
                    #expect(delta.patientsChanged > 0)
                    #expect(patients.inserted + patients.updated >= delta.patientsChanged, "the day's changes load")
                    #expect(outcome.totals.quarantined == 0)
                }
                #expect(try await Self.open(on: client) == 0, "every quarantined record loaded on the next run")
                #expect(
                    try await QuarantineStore.list(
                        organizations: [], includingSettled: false, limit: 1_000, client: client,
                        logger: TestDatabase.logger
                    ).isEmpty)
                let settled = try await QuarantineStore.list(
                    organizations: [endpoints.organizations[0].id], includingSettled: true, limit: 1_000,
                    client: client, logger: TestDatabase.logger)
                #expect(!settled.isEmpty && settled.allSatisfy { $0.resolution == "loaded" })
                #expect(
                    try await TestDatabase.count(
                        "SELECT count(*)::int FROM quarantine WHERE resolution = 'loaded'", on: client) == quarantined)
                #expect(
                    try await TestDatabase.count(
                        "SELECT count(*)::int FROM businesses WHERE strpos(name, 'Street') > 0", on: client) == 0,
                    "the clean record replaced nothing with the hostile one")
            }
        }
    }
}
