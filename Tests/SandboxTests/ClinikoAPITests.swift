import Foundation
import HTTPTypes
import HummingbirdTesting
import Sandbox
import Testing

@Suite("Cliniko API")
struct ClinikoAPITests {
    @Test("A full patient chain with archived_at:* returns every truth record exactly once")
    func patientChainMatchesTruth() async throws {
        try await SandboxHarness.with { sandbox in
            let truth = try await sandbox.truth("patients").filter { $0["deleted_at"] is NSNull }
            let chain = try await sandbox.clinikoAll("/patients?per_page=100&q%5B%5D=archived_at:*", key: "patients")
            #expect(chain.records.count == truth.count)
            #expect(Set(chain.records.ids).count == chain.records.count)
            #expect(Set(chain.records.ids) == Set(truth.ids))
            #expect(chain.total == truth.count)
            #expect(chain.pages == (truth.count + 99) / 100)
            let byID = Dictionary(uniqueKeysWithValues: truth.map { ("\($0["id"]!)", $0) })
            for record in chain.records.prefix(50) {
                let expected = try #require(byID["\(record["id"]!)"])
                let lhs = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
                let rhs = try JSONSerialization.data(withJSONObject: expected, options: [.sortedKeys])
                #expect(lhs == rhs)
            }
        }
    }

    @Test("Archived patients are hidden unless asked for")
    func archivedHiddenByDefault() async throws {
        try await SandboxHarness.with { sandbox in
            let truth = try await sandbox.truth("patients")
            let visible = truth.filter { $0["archived_at"] is NSNull && $0["deleted_at"] is NSNull }
            #expect(visible.count < truth.count)
            let chain = try await sandbox.clinikoAll("/patients?per_page=100", key: "patients")
            #expect(Set(chain.records.ids) == Set(visible.ids))
            #expect(chain.records.allSatisfy { $0["archived_at"] is NSNull })
        }
    }

    @Test("Appointments: default hides archived and cancelled; archived_at:* and cancelled_at:* return all")
    func appointmentVisibility() async throws {
        try await SandboxHarness.with(patients: 150) { sandbox in
            let truth = try await sandbox.truth("individual_appointments")
            let all = try await sandbox.clinikoAll(
                "/individual_appointments?per_page=100&q%5B%5D=archived_at:*&q%5B%5D=cancelled_at:*",
                key: "individual_appointments"
            )
            #expect(all.records.count == truth.count)
            #expect(Set(all.records.ids) == Set(truth.ids))
            let visible = truth.filter { $0["archived_at"] is NSNull && $0["cancelled_at"] is NSNull }
            let page = try await sandbox.cliniko("/individual_appointments").object()
            #expect(page["total_entries"] as? Int == visible.count)
            #expect(truth.contains { !($0["cancelled_at"] is NSNull) })
            let appointment = try #require(all.records.first)
            #expect(appointment["patient_id"] == nil)
            let patientLink =
                ((appointment["patient"] as? [String: Any])?["links"] as? [String: Any])?["self"] as? String
            #expect(patientLink?.hasPrefix(sandbox.organization.clinikoBaseURL + "/patients/") == true)
        }
    }

    @Test("Ids are 19-digit strings and timestamps are UTC without fractions")
    func idsAndTimestamps() async throws {
        try await SandboxHarness.with { sandbox in
            let patients =
                try await sandbox.cliniko("/patients?per_page=5").object()["patients"] as? [[String: Any]] ?? []
            #expect(patients.count == 5)
            for patient in patients {
                let id = try #require(patient["id"] as? String)
                #expect(id.count == 19 && id.allSatisfy(\.isNumber))
                let created = try #require(patient["created_at"] as? String)
                #expect(created.count == 20 && created.hasSuffix("Z"))
            }
        }
    }

    @Test("per_page defaults to 50 and is capped at 100; links carry the query")
    func pageSizesAndLinks() async throws {
        try await SandboxHarness.with { sandbox in
            let first = try await sandbox.cliniko("/patients").object()
            #expect((first["patients"] as? [Any])?.count == 50)
            let links = try #require(first["links"] as? [String: Any])
            #expect((links["self"] as? String)?.hasSuffix("page=1&per_page=50") == true)
            #expect(links["previous"] == nil)
            #expect((links["next"] as? String)?.hasSuffix("page=2&per_page=50") == true)
            let big = try await sandbox.cliniko("/patients?per_page=500&sort=updated_at").object()
            #expect((big["patients"] as? [Any])?.count == 100)
            let bigLinks = try #require(big["links"] as? [String: Any])
            #expect((bigLinks["next"] as? String)?.contains("sort=updated_at") == true)
            let beyond = try await sandbox.cliniko("/patients?page=999").object()
            #expect((beyond["patients"] as? [Any])?.isEmpty == true)
            #expect((beyond["links"] as? [String: Any])?["next"] == nil)
        }
    }

    @Test("updated_at filter with sort=updated_at returns exactly the newer rows in order")
    func updatedAtFilter() async throws {
        try await SandboxHarness.with { sandbox in
            let truth = try await sandbox.truth("patients").filter { $0["deleted_at"] is NSNull }
            let cutoff = "2025-06-01T00:00:00Z"
            let expected = truth.filter { ($0["updated_at"] as? String ?? "") > cutoff }
            let chain = try await sandbox.clinikoAll(
                "/patients?per_page=100&sort=updated_at&q%5B%5D=updated_at:%3E\(cutoff)&q%5B%5D=archived_at:*",
                key: "patients"
            )
            #expect(Set(chain.records.ids) == Set(expected.ids))
            let stamps = chain.records.compactMap { $0["updated_at"] as? String }
            #expect(stamps == stamps.sorted())
        }
    }

    @Test("Unknown filter fields and malformed values give 400 with a JSON body")
    func badFilters() async throws {
        try await SandboxHarness.with { sandbox in
            let unknown = try await sandbox.cliniko("/patients?q%5B%5D=favourite_colour:=blue")
            #expect(unknown.status == 400)
            #expect(try unknown.object()["message"] is String)
            let badDate = try await sandbox.cliniko("/patients?q%5B%5D=updated_at:%3Eyesterday")
            #expect(badDate.status == 400)
        }
    }

    @Test("Wrong key, wrong shard, missing auth and missing User-Agent are rejected as Cliniko does")
    func authentication() async throws {
        try await SandboxHarness.with { sandbox in
            let org = sandbox.organization
            let wrongKey = try await sandbox.request(
                "\(org.clinikoBaseURL)/patients",
                headers: SandboxHarness.clinikoHeaders(key: "MS0nope-\(org.clinikoShard)")
            )
            #expect(wrongKey.status == 401)
            #expect(wrongKey.text.contains("HTTP Basic: Access denied."))
            let otherShard = org.clinikoShard == "au1" ? "uk1" : "au1"
            let wrongShard = try await sandbox.request(
                "\(sandbox.endpoints.baseURL)/cliniko/\(otherShard)/v1/patients",
                headers: SandboxHarness.clinikoHeaders(key: org.clinikoAPIKey)
            )
            #expect(wrongShard.status == 401)
            let keyBody = String(org.clinikoAPIKey[..<org.clinikoAPIKey.lastIndex(of: "-")!])
            let withoutSuffix = try await sandbox.request(
                "\(org.clinikoBaseURL)/user", headers: SandboxHarness.clinikoHeaders(key: keyBody)
            )
            #expect(withoutSuffix.status == 200)
            let missing = try await sandbox.request(
                "\(org.clinikoBaseURL)/patients", headers: [.userAgent: SandboxHarness.userAgent])
            #expect(missing.status == 401)
            let noAgent = try await sandbox.request(
                "\(org.clinikoBaseURL)/patients",
                headers: SandboxHarness.clinikoHeaders(key: org.clinikoAPIKey, userAgent: nil)
            )
            #expect(noAgent.status == 403)
            let agentWithoutEmail = try await sandbox.request(
                "\(org.clinikoBaseURL)/patients",
                headers: SandboxHarness.clinikoHeaders(key: org.clinikoAPIKey, userAgent: "python-requests/2.31")
            )
            #expect(agentWithoutEmail.status == 403)
            let otherOrganization = sandbox.endpoints.organizations[1]
            let crossed = try await sandbox.request(
                "\(org.clinikoBaseURL)/patients",
                headers: SandboxHarness.clinikoHeaders(key: otherOrganization.clinikoAPIKey)
            )
            #expect(crossed.status == 401)
        }
    }

    @Test("Reference resources: businesses in IANA zones, practitioners active vs inactive, appointment types")
    func referenceResources() async throws {
        try await SandboxHarness.with(organizations: 3) { sandbox in
            for org in sandbox.endpoints.organizations {
                let businesses =
                    try await sandbox.cliniko("/businesses", organization: org).object()["businesses"]
                    as? [[String: Any]] ?? []
                #expect(!businesses.isEmpty)
                #expect(businesses.allSatisfy { ($0["time_zone_identifier"] as? String)?.contains("/") == true })
                let active = try await sandbox.cliniko("/practitioners", organization: org).object()
                let inactive = try await sandbox.cliniko("/practitioners/inactive", organization: org).object()
                let truth = try await sandbox.truth("practitioners", organization: org.id)
                #expect(
                    (active["total_entries"] as? Int ?? 0) + (inactive["total_entries"] as? Int ?? 0) == truth.count)
                let types = try await sandbox.cliniko("/appointment_types?q%5B%5D=archived_at:*", organization: org)
                    .object()
                #expect((types["total_entries"] as? Int ?? 0) >= 10)
                let user = try await sandbox.cliniko("/user", organization: org)
                #expect(user.status == 200)
            }
        }
    }
}
