import Foundation
import Pipeline
import PostgresNIO
import Sandbox
import TestSupport
import Testing
import Transform

/// Compares one organization's warehouse rows with the sandbox's canonical records, resource by resource.
///
/// Ids must match exactly (every record the APIs list, none twice, nothing extra), and for the records people read
/// the loaded fields must equal the source's: names, e-mails, timestamps, appointment outcomes' inputs, and phone
/// numbers normalized to E.164 as the parser reads them in the organization's region.
struct TruthComparison {
    let organization: SimulatedOrganization
    let control: SandboxControl
    let client: PostgresClient

    func verify() async throws {
        try await patients()
        try await appointments()
        for (resource, table, key) in [
            ("appointment_types", "appointment_types", "appointment_type_id"),
            ("practitioners", "practitioners", "practitioner_id"),
            ("businesses", "businesses", "business_id"),
            ("conversations", "conversations", "conversation_id"),
            ("messages", "messages", "message_id"),
        ] {
            let truth = try await control.truth(resource, organization: organization.id).map(truthID)
            let loaded = try await rows([key], from: table).map { $0[0] }
            #expect(loaded.sorted() == truth.sorted(), "\(organization.id) \(resource)")
        }
        try await contacts()
        try await clerk()
    }

    private func patients() async throws {
        // The APIs never list deleted patients; archived and merged ones are fetched with `archived_at:*`.
        let truth = try await control.truth("patients", organization: organization.id).filter {
            $0["deleted_at"] is NSNull
        }
        let loaded = try await rows(
            [
                "patient_id", "first_name", "last_name", "email", iso("archived_at"), iso("merged_at"),
                iso("source_updated_at"),
            ],
            from: "patients")
        let expected = truth.map { patient in
            [
                truthID(patient), jsonText(patient["first_name"]), jsonText(patient["last_name"]),
                jsonText(patient["email"]),
                jsonText(patient["archived_at"]), jsonText(patient["merged_at"]), jsonText(patient["updated_at"]),
            ]
        }
        #expect(loaded.count == truth.count, "\(organization.id) patients")
        #expect(loaded.sorted(by: Self.byFirst) == expected.sorted(by: Self.byFirst), "\(organization.id) patients")

        let parser = Self.parser(for: organization)
        var expectedPhones: [[String]] = []
        for patient in truth {
            let entries = patient["patient_phone_numbers"] as? [[String: Any]] ?? []
            for (position, entry) in entries.enumerated() {
                let number = jsonText(entry["number"])
                guard !number.isEmpty else { continue }
                expectedPhones.append([
                    truthID(patient), String(position), number, parser.normalize(number).e164 ?? "",
                ])
            }
        }
        let phones = try await rows(
            ["patient_id", "position", "raw_number", "e164"], from: "patient_phones", live: false)
        #expect(phones.count == expectedPhones.count, "\(organization.id) patient phones")
        #expect(
            phones.map { [$0[0], $0[2], $0[3]] }.sorted(by: Self.lexicographic)
                == expectedPhones.map { [$0[0], $0[2], $0[3]] }.sorted(by: Self.lexicographic),
            "\(organization.id) phones are the source's, normalized by the parser")
        #expect(phones.contains { !$0[3].isEmpty } && phones.allSatisfy { $0[3].isEmpty || $0[3].hasPrefix("+") })
    }

    private func appointments() async throws {
        let truth = try await control.truth("individual_appointments", organization: organization.id)
        let loaded = try await rows(
            [
                "appointment_id", "patient_id", iso("starts_at"), iso("cancelled_at"), "did_not_arrive::text",
                iso("archived_at"),
            ],
            from: "appointments")
        let expected = truth.map { appointment in
            [
                truthID(appointment), Self.linkedID(appointment["patient"]), jsonText(appointment["starts_at"]),
                jsonText(appointment["cancelled_at"]),
                (appointment["did_not_arrive"] as? Bool ?? false) ? "true" : "false",
                jsonText(appointment["archived_at"]),
            ]
        }
        #expect(loaded.count == truth.count, "\(organization.id) appointments")
        #expect(loaded.sorted(by: Self.byFirst) == expected.sorted(by: Self.byFirst), "\(organization.id) appointments")
        #expect(loaded.contains { !$0[3].isEmpty } && loaded.contains { $0[4] == "true" })
    }

    private func contacts() async throws {
        // Chatwoot's list leaves out contacts with neither e-mail, phone nor identifier.
        let truth = try await control.truth("contacts", organization: organization.id).filter { contact in
            ["email", "phone_number", "identifier"].contains { !jsonText(contact[$0]).isEmpty }
        }
        let loaded = try await rows(["contact_id", "email", "phone_number", "phone_e164"], from: "contacts")
        let parser = Self.parser(for: organization)
        let expected = truth.map { contact in
            let phone = jsonText(contact["phone_number"])
            // Chatwoot stores E.164 already, but fictional ranges (+1 555 01xx) are not valid numbers: no E.164.
            return [
                truthID(contact), jsonText(contact["email"]), phone,
                phone.isEmpty ? "" : parser.normalize(phone).e164 ?? "",
            ]
        }
        #expect(loaded.sorted(by: Self.byFirst) == expected.sorted(by: Self.byFirst), "\(organization.id) contacts")
    }

    private func clerk() async throws {
        let memberships = try await control.truth("memberships", organization: "clerk").filter { membership in
            (membership["organization"] as? [String: Any])?["id"] as? String == organization.id
        }
        let expected = memberships.map { membership in
            [
                truthID(membership), ((membership["public_user_data"] as? [String: Any])?["user_id"] as? String) ?? "",
                jsonText(membership["role"]),
            ]
        }
        let loaded = try await rows(["membership_id", "user_id", "role"], from: "organization_members")
        #expect(loaded.sorted(by: Self.byFirst) == expected.sorted(by: Self.byFirst), "\(organization.id) members")
        let users = try await rows(["user_id"], from: "users").map { $0[0] }
        #expect(users.sorted() == expected.map { $0[1] }.sorted(), "\(organization.id) users are its members")
    }

    // MARK: Helpers

    /// This organization's rows of `table` (live ones: not marked removed), each as its `columns` in text.
    private func rows(_ columns: [String], from table: String, live: Bool = true) async throws -> [[String]] {
        let sql = """
            SELECT json_build_array(\(columns.joined(separator: ", ")))::text FROM \(table)
            WHERE organization_id = $1\(live ? " AND removed_at IS NULL" : "")
            """
        var bindings = PostgresBindings()
        bindings.append(organization.id)
        var result: [[String]] = []
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: TestDatabase.logger)
        for try await (json) in rows.decode(String.self) {
            let values = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any] ?? []
            result.append(values.map { jsonText($0) })
        }
        return result
    }

    /// A timestamp column as the APIs write it (`2026-03-01T09:00:00Z`).
    private func iso(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
    }

    /// Phone numbers read as the run reads them: in the organization's region.
    private static func parser(for organization: SimulatedOrganization) -> PhoneNumberParser {
        PhoneNumberParser(
            configuration: .init(defaultRegion: PhoneRegion(code: organization.phoneRegion) ?? .australia))
    }

    private static func linkedID(_ value: Any?) -> String {
        let link = ((value as? [String: Any])?["links"] as? [String: Any])?["self"] as? String ?? ""
        return link.split(separator: "/").last.map(String.init) ?? ""
    }

    private static func byFirst(_ a: [String], _ b: [String]) -> Bool { a.first ?? "" < b.first ?? "" }

    private static func lexicographic(_ a: [String], _ b: [String]) -> Bool { a.lexicographicallyPrecedes(b) }
}
