import Foundation
import HTTPTypes
import HummingbirdTesting
import Sandbox
import Testing

@Suite("Time travel")
struct TimeTravelTests {
    @Test("advance reports exactly the deltas an incremental Cliniko pull then sees")
    func advanceDeltas() async throws {
        try await SandboxHarness.with(patients: 400) { sandbox in
            let beforePatients = try await sandbox.truth("patients").count
            let beforeContacts = try await sandbox.truth("contacts").count
            let reply = try await sandbox.control("advance", #"{"days":3}"#)
            #expect(reply.status == 200)
            let report = try JSONDecoder().decode(AdvanceReport.self, from: Data(reply.body))
            #expect(report.previousNow == "2026-03-01T09:00:00Z")
            #expect(report.now == "2026-03-04T09:00:00Z")
            let delta = try #require(report.organizations.first { $0.id == sandbox.organization.id })
            #expect(delta.patientsCreated > 0 && delta.appointmentsChanged > 0 && delta.messagesCreated > 0)
            #expect(delta.appointmentsAttended > 0)

            let watermark = "q%5B%5D=updated_at:%3E2026-03-01T09:00:00Z"
            let patients = try await sandbox.clinikoAll(
                "/patients?per_page=100&sort=updated_at&\(watermark)&q%5B%5D=archived_at:*", key: "patients"
            )
            #expect(patients.records.count == delta.patientsChanged)
            let created = patients.records.filter { ($0["created_at"] as? String ?? "") > "2026-03-01T09:00:00Z" }
            #expect(created.count == delta.patientsCreated)
            let appointments = try await sandbox.clinikoAll(
                "/individual_appointments?per_page=100&sort=updated_at&\(watermark)&q%5B%5D=archived_at:*&q%5B%5D=cancelled_at:*",
                key: "individual_appointments"
            )
            #expect(appointments.records.count == delta.appointmentsChanged)
            #expect(appointments.records.allSatisfy { ($0["updated_at"] as? String ?? "") <= "2026-03-04T09:00:00Z" })

            #expect(try await sandbox.truth("patients").count == beforePatients + delta.patientsCreated)
            #expect(try await sandbox.truth("contacts").count == beforeContacts + delta.contactsCreated)
            let summary = try await sandbox.request("/_sandbox/truth").object()
            #expect(summary["now"] as? String == "2026-03-04T09:00:00Z")
        }
    }

    @Test("Advancing in steps gives the same data as advancing at once")
    func stepsEqualJump() async throws {
        let stepped = try await SandboxHarness.with(patients: 200) { sandbox in
            _ = try await sandbox.control("advance", #"{"days":1}"#)
            _ = try await sandbox.control("advance", #"{"days":1}"#)
            return try await sandbox.request("/_sandbox/truth/0/individual_appointments").text
                .replacingOccurrences(of: "127.0.0.1:\(sandbox.port)", with: "HOST")
        }
        let jumped = try await SandboxHarness.with(patients: 200) { sandbox in
            _ = try await sandbox.control("advance", #"{"days":2}"#)
            return try await sandbox.request("/_sandbox/truth/0/individual_appointments").text
                .replacingOccurrences(of: "127.0.0.1:\(sandbox.port)", with: "HOST")
        }
        #expect(stepped == jumped)
    }

    @Test("A bad advance body is rejected")
    func badBody() async throws {
        try await SandboxHarness.with { sandbox in
            let zero = try await sandbox.control("advance", #"{"days":0}"#)
            let garbage = try await sandbox.control("advance", "nope")
            #expect(zero.status == 400)
            #expect(garbage.status == 400)
        }
    }
}
