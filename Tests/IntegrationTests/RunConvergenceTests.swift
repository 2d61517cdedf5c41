import Foundation
import Load
import Pipeline
import PostgresNIO
import Runner
import Sandbox
import TestSupport
import Testing
import Transform

/// `routiq run` against a sandbox the test controls: the warehouse equals the sources' truth, and every way of
/// getting there (incremental after a change, through faults, past bad records) ends in the same state.
@Suite("routiq run converges on the sources' truth")
struct RunConvergenceTests {
    static let present = Date(timeIntervalSince1970: 1_772_323_200)  // 2026-03-01T00:00:00Z

    /// The demo pipeline without its report stages.
    static func pipeline() throws -> PipelineDefinition {
        var definition = try PipelineRunTests.demo(patients: 1)
        definition.stages.removeAll { if case .report = $0.settings { true } else { false } }
        return definition
    }

    static func run(
        against endpoints: SandboxEndpoints, client: PostgresClient, asOf: Date = present, full: Bool = false
    ) async throws -> [OrganizationOutcome] {
        var run = PipelineRun(
            definition: try pipeline(), runID: UUID(), asOf: asOf, forceFull: full, concurrency: 2, isDryRun: false,
            onlyOrganizations: [], actor: "tests", logger: TestDatabase.logger)
        run.runningSandbox = endpoints
        let vault = try CredentialVault(keyData: Data(repeating: 9, count: 32))
        let outcomes = try await run.execute(client: client, vault: vault)
        #expect(outcomes.count == endpoints.organizations.count)
        #expect(outcomes.allSatisfy { $0.status == .succeeded }, "\(outcomes.map { $0.message ?? "" })")
        return outcomes
    }

    /// The checksum a single full run into an empty database reaches against `configuration`, after `days` of change.
    static func checksumFromScratch(
        _ configuration: SandboxServer.Configuration, advancedBy days: Int = 0, asOf: Date = present
    ) async throws -> WarehouseChecksum {
        try await withRunningSandbox(configuration: configuration, logger: TestDatabase.logger) { endpoints in
            if days > 0 { _ = try await SandboxControl(endpoints: endpoints).advance(days: days) }
            return try await TestDatabase.withFreshDatabase { client, _ in
                _ = try await run(against: endpoints, client: client, asOf: asOf, full: true)
                return try await WarehouseChecksum.compute(on: client)
            }
        }
    }

    /// Each resource reports its own requests (not its source's running total): together they are exactly what
    /// the sandbox answered.
    static func expectOwnRequests(_ outcomes: [OrganizationOutcome], answered: [String: Int]) {
        var requests: [String: Int] = [:]
        for resource in outcomes.flatMap(\.resources) {
            #expect(resource.requests > 0, "\(resource.source).\(resource.resource)")
            requests[resource.source, default: 0] += resource.requests
        }
        #expect(requests == answered)
    }

    @Test("loaded tables equal the sandbox truth, record for record, for every resource and organization")
    func tablesEqualTruth() async throws {
        let configuration = SandboxControl.configuration(patients: 150)
        try await withRunningSandbox(configuration: configuration, logger: TestDatabase.logger) { endpoints in
            try await TestDatabase.withFreshDatabase { client, _ in
                let outcomes = try await Self.run(against: endpoints, client: client)
                let control = SandboxControl(endpoints: endpoints)
                let answered = try await control.requestsPerAPI()
                Self.expectOwnRequests(outcomes, answered: answered)
                for organization in endpoints.organizations {
                    try await TruthComparison(organization: organization, control: control, client: client).verify()
                }
            }
        }
    }

    @Test("after a day of change, an incremental run reaches exactly the state of a full run from scratch")
    func incrementalEqualsFull() async throws {
        let configuration = SandboxControl.configuration(patients: 150)
        let nextDay = Self.present.addingTimeInterval(86_400)
        let incremental = try await withRunningSandbox(configuration: configuration, logger: TestDatabase.logger) {
            endpoints in
            try await TestDatabase.withFreshDatabase { client, _ in
                _ = try await Self.run(against: endpoints, client: client)
                let report = try await SandboxControl(endpoints: endpoints).advance(days: 1)
                let outcomes = try await Self.run(against: endpoints, client: client, asOf: nextDay)
                for outcome in outcomes {
                    let delta = try #require(report.organizations.first { $0.id == outcome.organization })
                    let patients = try #require(outcome.resources.first { $0.resource == "patients" })
                    let appointments = try #require(
                        outcome.resources.first { $0.resource == "individual_appointments" })
                    #expect(delta.patientsChanged > 0 && delta.appointmentsChanged > 0, "the day changed nothing")
                    // Only the changed records are touched: each one inserted or updated, nothing else rewritten.
                    #expect(patients.inserted + patients.updated == delta.patientsChanged)
                    #expect(patients.inserted == delta.patientsCreated)
                    #expect(appointments.inserted + appointments.updated == delta.appointmentsChanged)
                    #expect(appointments.inserted == delta.appointmentsCreated)
                    #expect(outcome.totals.removed == 0)
                }
                return try await WarehouseChecksum.compute(on: client)
            }
        }
        let full = try await Self.checksumFromScratch(configuration, advancedBy: 1, asOf: nextDay)
        #expect(incremental == full, "tables that differ: \(incremental.differences(from: full))")
    }

    @Test("with 429 storms, 5xx, connection resets, truncated bodies and repeated records, the final state is the same")
    func faultsChangeNothing() async throws {
        let spec = try FaultSpec(
            parsing: "seed:11,429:0.02:3,500:0.03,502:0.02,503:0.02,reset:0.02,truncate:0.02,duplicate:0.05")
        let faulted = try await withRunningSandbox(
            configuration: SandboxControl.configuration(patients: 150, faults: spec), logger: TestDatabase.logger
        ) { endpoints in
            try await TestDatabase.withFreshDatabase { client, _ in
                _ = try await Self.run(against: endpoints, client: client)
                let kinds = try await SandboxControl(endpoints: endpoints).injectedFaultKinds()
                #expect(
                    kinds.isSuperset(of: ["429", "500", "502", "503", "reset", "truncate", "duplicate"]), "\(kinds)")
                return try await WarehouseChecksum.compute(on: client)
            }
        }
        let clean = try await Self.checksumFromScratch(SandboxControl.configuration(patients: 150))
        #expect(faulted == clean, "tables that differ: \(faulted.differences(from: clean))")
    }

    @Test("malformed records are quarantined with their reason and raw JSON; nothing else is lost, nothing removed")
    func badRecordsAreQuarantined() async throws {
        let configuration = SandboxControl.configuration(patients: 300)
        try await withRunningSandbox(configuration: configuration, logger: TestDatabase.logger) { endpoints in
            try await TestDatabase.withFreshDatabase { client, _ in
                let control = SandboxControl(endpoints: endpoints)
                _ = try await Self.run(against: endpoints, client: client)
                let clean = try await WarehouseChecksum.compute(on: client)

                // A full run in which every fourth Cliniko list page carries a malformed record.
                try await control.setFaults("api:cliniko,corrupt:%4")
                let outcomes = try await Self.run(against: endpoints, client: client, full: true)
                let quarantined = outcomes.reduce(0) { $0 + $1.totals.quarantined }
                #expect(quarantined > 0)
                #expect(outcomes.allSatisfy { $0.totals.removed == 0 }, "a quarantined record is not a removed one")
                #expect(try await WarehouseChecksum.compute(on: client) == clean, "the previous data is untouched")

                let rows = try await client.query(
                    "SELECT organization_id, source, resource, source_id, reason, raw FROM quarantine",
                    logger: TestDatabase.logger)
                var count = 0
                for try await (organization, source, resource, sourceID, reason, raw) in rows.decode(
                    (String, String, String, String?, String, String).self)
                {
                    count += 1
                    #expect(endpoints.organizations.contains { $0.id == organization })
                    #expect(source == "cliniko")
                    #expect(!resource.isEmpty)
                    #expect(sourceID?.isEmpty == false, "the id of a malformed record is kept")
                    #expect(reason.contains("created_at"), "\(reason)")
                    #expect(raw.contains("\"created_at\":\"not a timestamp\""))
                }
                #expect(count == quarantined)
                #expect(
                    try await TestDatabase.count(
                        "SELECT coalesce(sum(records_quarantined), 0)::int FROM sync_runs WHERE status = 'succeeded'",
                        on: client) == quarantined)

                // Into an empty database, the same faults leave out exactly the quarantined records.
                try await TestDatabase.withFreshDatabase { fresh, _ in
                    try await control.setFaults("api:cliniko,corrupt:%4")
                    let outcomes = try await Self.run(against: endpoints, client: fresh)
                    let rejected = outcomes.reduce(0) { $0 + $1.totals.quarantined }
                    #expect(rejected > 0)
                    let missing = try await TestDatabase.count(
                        """
                        SELECT count(*)::int FROM quarantine q
                        WHERE NOT EXISTS (SELECT 1 FROM patients p WHERE p.organization_id = q.organization_id
                                            AND p.patient_id = q.source_id)
                          AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.organization_id = q.organization_id
                                            AND a.appointment_id = q.source_id)
                          AND NOT EXISTS (SELECT 1 FROM appointment_types t WHERE t.organization_id = q.organization_id
                                            AND t.appointment_type_id = q.source_id)
                          AND NOT EXISTS (SELECT 1 FROM practitioners r WHERE r.organization_id = q.organization_id
                                            AND r.practitioner_id = q.source_id)
                          AND NOT EXISTS (SELECT 1 FROM businesses b WHERE b.organization_id = q.organization_id
                                            AND b.business_id = q.source_id)
                        """, on: fresh)
                    #expect(missing == rejected, "exactly the quarantined records are missing")

                    // Once the source serves them properly, the next run loads them and reaches the clean state.
                    try await control.setFaults("")
                    _ = try await Self.run(against: endpoints, client: fresh)
                    #expect(try await WarehouseChecksum.compute(on: fresh) == clean)
                }
            }
        }
    }
}
