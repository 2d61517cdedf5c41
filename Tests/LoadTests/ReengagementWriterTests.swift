import Foundation
import Load
import Logging
import Pipeline
import PostgresNIO
import TestSupport
import Testing

@Suite("Re-engagement rows: patient_activity's figures and the organization's model")
struct ReengagementWriterTests {
    static let organization = "org_reengage"
    static let asOf = Date(timeIntervalSince1970: 1_776_218_400)

    static func activity(_ id: String) -> PatientActivity {
        PatientActivity(
            patientID: id, asOf: asOf, firstVisitAt: nil, lastVisitAt: nil, nextVisitAt: nil,
            nextVisitAppointmentTypeID: nil, recentAttendedCount: 0, lookbackAttendedCount: 0, totalAttendedCount: 8,
            upcomingCount: 0, lookbackCancelledCount: 0, lookbackLateCancelledCount: 0, lookbackDidNotArriveCount: 0,
            attendanceRate: nil, primaryAppointmentTypeID: nil, lastMessageAt: nil, lastContactAt: nil,
            daysSinceLastContact: 64, daysUntilNextVisit: nil, status: .lapsed, engagement: .dormant,
            riskLevel: .high, riskScore: 17, actionPriority: 1,
            recommendedAction: "Call now: overdue regular, likely still a patient", probabilityAlive: 0.83,
            expectedVisits90d: 1.2345, typicalIntervalDays: 21.5, overdueRatio: 2.977,
            rfm: .init(recency: 2, frequency: 5, monetary: 4), callRank: 1,
            callReason: "regular every ~22 days, 64 days since last visit, 83 % likely still a patient")
    }

    static func seed(_ client: PostgresClient, logger: Logger) async throws {
        try await client.query(
            "INSERT INTO organizations (organization_id, name) VALUES (\(organization), 'R')", logger: logger)
        try await client.query(
            "INSERT INTO patients (organization_id, patient_id, first_name, last_name) VALUES (\(organization), 'p1', 'A', 'B')",
            logger: logger)
    }

    @Test("every figure round-trips, and the model row is replaced with the derived tables")
    func roundTrip() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            try await Self.seed(client, logger: logger)
            let fitted = ReengagementModelRecord(
                model: .bgnbd, parameters: .init(r: 0.9, alpha: 30.5, a: 0.7, b: 2.5), failureReason: nil,
                logLikelihood: -123.5, patients: 1, repeatVisitors: 1, visitPatterns: 1, iterations: 20,
                callListPatients: 1)
            let failed = ReengagementModelRecord(
                model: .bgnbd, parameters: nil, failureReason: "too few", logLikelihood: nil, patients: 1,
                repeatVisitors: 0, visitPatterns: 1, iterations: nil, callListPatients: 0)
            for record in [fitted, failed] {
                let writer = DerivedTablesWriter(organization: Self.organization, runID: UUID(), asOf: Self.asOf)
                try await client.withTransaction(logger: logger) { connection in
                    try await writer.clear(on: connection, logger: logger)
                    try await writer.write([Self.activity("p1")], on: connection, logger: logger)
                    try await writer.write(record, on: connection, logger: logger)
                }
            }
            let rows = try await client.query(
                """
                SELECT probability_alive, expected_visits_90d, typical_interval_days::float8, overdue_ratio::float8,
                       rfm_recency::int8, rfm_frequency::int8, rfm_monetary::int8, rfm_segment, call_rank::int8,
                       call_reason
                FROM patient_activity WHERE organization_id = \(Self.organization)
                """, logger: logger)
            var seen = 0
            for try await (alive, expected, interval, overdue, r, f, m, segment, rank, reason)
                in rows.decode((Double, Double, Double, Double, Int, Int, Int, String, Int, String).self)
            {
                seen += 1
                #expect(alive == 0.83)
                #expect(expected == 1.2345)
                #expect(interval == 21.5)
                #expect(overdue == 2.977)
                #expect(r == 2)
                #expect(f == 5)
                #expect(m == 4)
                #expect(segment == "at_risk")
                #expect(rank == 1)
                #expect(reason.hasPrefix("regular every ~22 days"))
            }
            #expect(seen == 1)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM reengagement_models WHERE NOT fitted AND failure_reason = 'too few'",
                    on: client) == 1)
            #expect(try await TestDatabase.count("SELECT count(*)::int FROM reengagement_models", on: client) == 1)
        }
    }

    @Test("a figure out of its range is refused before PostgreSQL sees it")
    func outOfRange() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            try await Self.seed(client, logger: logger)
            var bad = Self.activity("p1")
            bad.probabilityAlive = 1.5
            bad.rfm = .init(recency: 6, frequency: 1, monetary: nil)
            let writer = DerivedTablesWriter(organization: Self.organization, runID: UUID(), asOf: Self.asOf)
            let error = await #expect(throws: DatabaseError.self) {
                try await client.withConnection { connection in
                    try await writer.write([bad], on: connection, logger: logger)
                }
            }
            #expect(error?.code == .invalidInput)
            #expect(error?.message.contains("probability_alive, rfm") == true)
        }
    }
}
