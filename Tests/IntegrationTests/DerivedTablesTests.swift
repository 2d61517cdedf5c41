import Foundation
import Load
import Pipeline
import PostgresNIO
import TestSupport
import Testing

@Suite("Derived tables: streaming patient histories and replacing the derived rows")
struct DerivedTablesTests {
    static let organization = "org_derive"

    static func seed(_ client: PostgresClient, patients: Int, appointmentsEach: Int) async throws {
        let logger = TestDatabase.logger
        try await client.query(
            "INSERT INTO organizations (organization_id, name) VALUES (\(organization), 'D')", logger: logger)
        try await client.query(
            """
            INSERT INTO patients (organization_id, patient_id, first_name, last_name, source_created_at, source_updated_at)
            SELECT \(organization), '13' || lpad(i::text, 17, '0'), 'P' || i, 'L', now() - interval '400 days', now()
            FROM generate_series(1, \(patients)) AS i
            """,
            logger: logger
        )
        try await client.query(
            """
            INSERT INTO appointments (organization_id, appointment_id, patient_id, appointment_type_id, starts_at, ends_at,
                                      did_not_arrive, source_created_at, source_updated_at)
            SELECT \(organization), i || '-' || j, '13' || lpad(i::text, 17, '0'), 'type1',
                   now() - (j * interval '7 days'), now() - (j * interval '7 days') + interval '30 minutes',
                   j % 5 = 0, now() - interval '400 days', now()
            FROM generate_series(1, \(patients)) AS i, generate_series(1, \(appointmentsEach)) AS j
            """,
            logger: logger
        )
        // A removed appointment is ignored; patient 1 has a matched conversation with messages.
        try await client.query(
            "UPDATE appointments SET removed_at = now() WHERE organization_id = \(organization) AND appointment_id = '1-1'",
            logger: logger
        )
        let patient1 = Self.patientID(1)
        try await client.query(
            "INSERT INTO contacts (organization_id, contact_id) VALUES (\(organization), 'c1')", logger: logger)
        try await client.query(
            "INSERT INTO contact_matches (organization_id, contact_id, status, method, patient_id) VALUES (\(organization), 'c1', 'matched', 'phone', \(patient1))",
            logger: logger
        )
        try await client.query(
            "INSERT INTO conversations (organization_id, conversation_id, contact_id, status) VALUES (\(organization), '7', 'c1', 'open')",
            logger: logger
        )
        try await client.query(
            """
            INSERT INTO messages (organization_id, message_id, conversation_id, message_type, private, source_created_at) VALUES
                (\(organization), 'm1', '7', 'incoming', false, '2026-01-01T10:00:00Z'),
                (\(organization), 'm2', '7', 'outgoing', true, '2026-02-01T10:00:00Z'),
                (\(organization), 'm3', '7', 'activity', false, '2026-03-01T10:00:00Z')
            """,
            logger: logger
        )
    }

    static func patientID(_ index: Int) -> String {
        let digits = String(index)
        return "13" + String(repeating: "0", count: 17 - digits.count) + digits
    }

    @Test("every patient arrives once, in order, with all their appointments, across batch boundaries")
    func streaming() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            try await Self.seed(client, patients: 37, appointmentsEach: 9)
            let logger = TestDatabase.logger
            let groups = try await client.withTransaction(logger: logger) { connection in
                try await PatientHistoryReader.withReader(
                    organization: Self.organization, on: connection, batchSize: 10, logger: logger
                ) { reader in
                    var all: [PatientHistoryReader.Group] = []
                    var batches = 0
                    while let batch = try await reader.next() {
                        #expect(!batch.isEmpty)
                        batches += 1
                        all += batch
                    }
                    #expect(batches > 5)
                    return all
                }
            }
            #expect(groups.count == 37)
            #expect(groups.map(\.patient.id) == groups.map(\.patient.id).sorted())
            #expect(Set(groups.map(\.patient.id)).count == 37)
            let first = try #require(groups.first)
            #expect(first.appointments.count == 8, "the removed appointment is left out")
            #expect(groups.dropFirst().allSatisfy { $0.appointments.count == 9 })
            #expect(first.appointments.map(\.startsAt) == first.appointments.map(\.startsAt).sorted())
            // Only the incoming, non-private message counts as the last patient-facing message.
            #expect(first.lastMessageAt == ISO8601DateFormatter().date(from: "2026-01-01T10:00:00Z"))
            #expect(groups.dropFirst().allSatisfy { $0.lastMessageAt == nil })
        }
    }

    @Test("derived rows replace the previous ones atomically")
    func replace() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            try await Self.seed(client, patients: 3, appointmentsEach: 2)
            let logger = TestDatabase.logger
            let asOf = Date(timeIntervalSince1970: 1_772_323_200)
            for run in 0..<2 {
                let writer = DerivedTablesWriter(organization: Self.organization, runID: UUID(), asOf: asOf)
                try await client.withTransaction(logger: logger) { connection in
                    try await writer.clear(on: connection, logger: logger)
                    let activities = (1...3).map { index in
                        PatientActivity(
                            patientID: Self.patientID(index), asOf: asOf, firstVisitAt: nil,
                            lastVisitAt: nil, nextVisitAt: nil, nextVisitAppointmentTypeID: nil,
                            recentAttendedCount: run,
                            lookbackAttendedCount: 0, totalAttendedCount: 0, upcomingCount: 0,
                            lookbackCancelledCount: 0,
                            lookbackLateCancelledCount: 0, lookbackDidNotArriveCount: 0, attendanceRate: 2.0 / 3.0,
                            primaryAppointmentTypeID: nil, lastMessageAt: nil, lastContactAt: nil,
                            daysSinceLastContact: nil,
                            daysUntilNextVisit: nil, status: .neverSeen, engagement: .stale, riskLevel: .low,
                            riskScore: 15,
                            actionPriority: 4, recommendedAction: "Schedule initial consultation"
                        )
                    }
                    try await writer.write(activities, on: connection, logger: logger)
                    try await writer.write(
                        [
                            AppointmentTypeStatistics(
                                appointmentTypeID: "type1", patientCount: 3, appointmentCount: 6, upcomingCount: 0,
                                lookbackAttendedCount: 5, lookbackCancelledCount: 0, lookbackDidNotArriveCount: 1,
                                shareOfAppointments: 1)
                        ],
                        on: connection, logger: logger
                    )
                    try await writer.write(
                        [
                            WeeklyAppointmentStatistics(
                                isoYear: 2026, isoWeek: 9, weekStartDate: "2026-02-23", startsAt: asOf,
                                attendedCount: 4, cancelledCount: 1, didNotArriveCount: 1, bookedCount: 0)
                        ],
                        on: connection, logger: logger
                    )
                }
            }
            #expect(try await TestDatabase.count("SELECT count(*)::int FROM patient_activity", on: client) == 3)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM patient_activity WHERE attended_recent = 1", on: client) == 3)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM patient_activity WHERE attendance_rate_90d = 0.6667", on: client) == 3)
            #expect(try await TestDatabase.count("SELECT count(*)::int FROM appointment_type_stats", on: client) == 1)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM appointment_weekly_stats WHERE week_start = '2026-02-23'", on: client)
                    == 1)
        }
    }
}
