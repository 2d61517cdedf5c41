import Foundation
import Load
import Logging
import Pipeline
import PostgresNIO
import TestSupport
import Testing
import Transform

@testable import Extract

/// Fuzzes the whole path a record takes: pages of every resource whose fields hold hostile values (wrong types,
/// out-of-range numbers and dates, NUL and control characters, 1 MB strings, invalid UTF-8, deeply nested JSON,
/// duplicate ids) go through the page decoder, the record normalizer and the column-checking COPY encoder, and then
/// into real PostgreSQL: staged with COPY, merged, and the rejects written to the quarantine.
///
/// Each record must end up exactly once either loaded or quarantined with a reason; nothing may trap; and PostgreSQL
/// must accept every row the encoder accepted (the encoder, not the database, is where bad values are caught).
@Suite("hostile input: every record loads or is quarantined, nothing traps, PostgreSQL accepts every encoded row")
struct HostileInputTests {
    static let organization = "org_hostile"

    /// Hostile JSON values, as raw bytes (some are not valid UTF-8, one holds a literal NUL byte).
    static let hostileValues: [[UInt8]] = {
        var values: [String] = [
            "null", "true", "false", "0", "-1", "0.5", "4294967296", "2147483648", "-2147483649",
            "9223372036854775807", "-9223372036854775808", "18446744073709551616", "1e300", "-1e300", "1e400",
            "\"\"", "\"   \"", "\"1e300\"", "\"9223372036854775807\"", "\"1990-02-30\"", "\"0000-01-01\"",
            "\"2023-13-01\"", "\"0000-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59Z\"", "\"2099-01-01T00:00:00Z\"",
            "\"99999-01-01T00:00:00Z\"", "\"not a date\"", "\"\\u0000\"", "\"a\\u0000b\"",
            "\"\\u0001\\u001f\\t\\n\\r\\\\\"", "\"\\ud800\"", "\"\\\\.\\n\\\\N\"", "{}", "[]", "[1,2]",
            "[\"a\\u0000\"]",
            "{\"links\":{\"self\":\"https://x/patients/\\u0000\"}}",
            "{\"links\":{\"self\":\"https://x/patients/99999999999999999999999\"}}",
            "\"" + String(repeating: "x", count: 1_000_000) + "\"",
            "\"" + String(repeating: "9", count: 300) + "\"",
            String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000),
        ]
        values.append(String(repeating: "{\"a\":", count: 2_000) + "1" + String(repeating: "}", count: 2_000))
        var bytes = values.map { Array($0.utf8) }
        bytes.append([UInt8(ascii: "\"")] + [0xFF, 0xFE, 0xC3] + [UInt8(ascii: "\"")])  // invalid UTF-8
        bytes.append(Array("\"a".utf8) + [0x00] + Array("b\"".utf8))  // a literal NUL byte (invalid JSON)
        return bytes
    }()

    /// A valid record of each resource, as the APIs send them (every field the decoders read).
    static let bases: [String: String] = [
        "patients": """
        {"id":1300000000000000001,"first_name":"Ann","last_name":"Lee","preferred_first_name":"Annie","title":"Ms",\
        "sex":"Female","email":"ann@example.com","date_of_birth":"1990-02-28","patient_phone_numbers":\
        [{"number":"0491 570 156","phone_type":"Mobile"}],"archived_at":null,"merged_at":null,\
        "merged_with_patient":null,"deleted_at":null,"created_at":"2024-04-02T14:45:00Z",\
        "updated_at":"2025-04-02T14:45:00Z"}
        """,
        "individual_appointments": """
        {"id":1400000000000000001,"patient":{"links":{"self":"https://api.au1.cliniko.com/v1/patients/1300000000000000001"}},\
        "practitioner":{"links":{"self":"https://api.au1.cliniko.com/v1/practitioners/7"}},\
        "appointment_type":{"links":{"self":"https://api.au1.cliniko.com/v1/appointment_types/3"}},\
        "business":{"links":{"self":"https://api.au1.cliniko.com/v1/businesses/2"}},\
        "starts_at":"2025-05-01T09:00:00Z","ends_at":"2025-05-01T09:30:00Z","cancelled_at":null,\
        "cancellation_reason":null,"cancellation_note":null,"did_not_arrive":false,"patient_arrived":true,\
        "archived_at":null,"deleted_at":null,"repeated_from":null,"created_at":"2025-04-01T09:00:00Z",\
        "updated_at":"2025-05-01T10:00:00Z"}
        """,
        "appointment_types": """
        {"id":3,"name":"Initial","category":"Physio","duration_in_minutes":45,"max_attendees":1,\
        "telehealth_enabled":false,"archived_at":null,"created_at":"2024-01-01T00:00:00Z",\
        "updated_at":"2024-01-01T00:00:00Z"}
        """,
        "practitioners": """
        {"id":7,"first_name":"Sam","last_name":"Ng","title":"Dr","designation":"Physiotherapist","label":"Sam Ng",\
        "created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z"}
        """,
        "businesses": """
        {"id":2,"business_name":"Main","display_name":"Main St","time_zone_identifier":"Australia/Brisbane",\
        "country_code":"AU","archived_at":null,"created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z"}
        """,
        "contacts": """
        {"id":11,"name":"Ann Lee","email":"ann@example.com","phone_number":"+61491570156","identifier":"ann-1",\
        "custom_attributes":{"cliniko_patient_id":"1300000000000000001"},"created_at":1711000000,\
        "last_activity_at":1712000000}
        """,
        "conversations": """
        {"id":21,"status":"open","labels":["booking"],"meta":{"sender":{"id":11},"channel":"Channel::Whatsapp"},\
        "inbox_id":1,"created_at":1711000000,"last_activity_at":1712000000,"timestamp":1712000000,\
        "messages":[{"id":31}]}
        """,
        "messages": """
        {"id":31,"conversation_id":21,"message_type":0,"created_at":1711000100,"private":false,\
        "content":"Hi","status":"sent","sender_type":"Contact"}
        """,
        "users": """
        {"id":"user_abc","first_name":"Sam","last_name":"Ng","primary_email_address_id":"idn_1",\
        "email_addresses":[{"id":"idn_1","email_address":"sam@example.com"}],"primary_phone_number_id":null,\
        "phone_numbers":[],"banned":false,"locked":false,"last_sign_in_at":1712000000000,\
        "created_at":1711000000000,"updated_at":1712000000000}
        """,
        "memberships": """
        {"id":"orgmem_1","role":"org:admin","organization":{"id":"org_hostile"},\
        "public_user_data":{"user_id":"user_abc"},"created_at":1711000000000,"updated_at":1712000000000}
        """,
    ]

    /// The base record with one field's value replaced by each hostile value, plus the base itself twice (a
    /// duplicate id), as one JSON array.
    static func hostilePage(resource: String) throws -> (bytes: [UInt8], count: Int) {
        let base = try #require(bases[resource])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(base.utf8)) as? [String: Any])
        var elements: [[UInt8]] = [Array(base.utf8), Array(base.utf8)]
        for key in object.keys.sorted() {
            var copy = object
            copy[key] = "__HOSTILE__"
            let text = String(
                decoding: try JSONSerialization.data(withJSONObject: copy, options: .sortedKeys), as: UTF8.self)
            let parts = text.components(separatedBy: "\"__HOSTILE__\"")
            try #require(parts.count == 2)
            for value in hostileValues {
                elements.append(Array(parts[0].utf8) + value + Array(parts[1].utf8))
            }
        }
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += element
        }
        bytes.append(UInt8(ascii: "]"))
        return (bytes, elements.count)
    }

    /// What became of one page's records.
    struct Outcome {
        var encoder: CopyRowEncoder
        var childEncoder: CopyRowEncoder
        var loaded = 0
        var quarantined: [QuarantineWriter.Entry] = []
    }

    /// Decodes, normalizes and encodes one hostile page of `Payload`, as the runner does.
    static func process<Payload: RecordPayload>(
        _ payload: Payload.Type, resource: String, source: SourceKind,
        normalize: (Payload.Record) -> Result<Payload.Record, TransformRejection> = { .success($0) },
        children: ((Payload.Record, inout CopyRowEncoder) -> ColumnViolation?)? = nil
    ) throws -> Outcome where Payload.Record: WarehouseRow & Encodable {
        let (bytes, count) = try hostilePage(resource: resource)
        let scanner = JSONScanner(bytes: bytes)
        let elements = try #require(try scanner.elements(of: try scanner.rootValue()))
        #expect(elements.count == count)
        let page = PageDecoder(source: source, resource: resource).decode(
            Payload.self, elements: elements, in: scanner, pageNumber: 1)
        var outcome = Outcome(
            encoder: CopyRowEncoder(columns: Payload.Record.warehouseTable.columns),
            childEncoder: CopyRowEncoder(columns: WarehouseTable.patientPhoneColumns))
        outcome.quarantined = page.rejections.map {
            QuarantineWriter.Entry(
                source: source.rawValue, resource: resource, sourceID: $0.sourceID, reason: $0.reason, raw: $0.raw)
        }
        for record in page.records {
            switch normalize(record) {
            case .failure(let rejection):
                outcome.quarantined.append(
                    QuarantineWriter.Entry(
                        source: source.rawValue, resource: resource, sourceID: rejection.recordID,
                        reason: rejection.code.description, raw: "{}"))
            case .success(let normalized):
                let marks = (outcome.encoder.bookmark, outcome.childEncoder.bookmark)
                if let violation = normalized.encodeRow(organization: organization, into: &outcome.encoder)
                    ?? children?(normalized, &outcome.childEncoder)
                {
                    outcome.encoder.rollBack(to: marks.0)
                    outcome.childEncoder.rollBack(to: marks.1)
                    outcome.quarantined.append(
                        QuarantineWriter.Entry(
                            source: source.rawValue, resource: resource, sourceID: normalized.warehouseKey,
                            reason: violation.description, raw: "{}"))
                } else {
                    outcome.loaded += 1
                }
            }
        }
        #expect(outcome.loaded + outcome.quarantined.count == count, "\(resource): every record is accounted for")
        #expect(outcome.loaded == outcome.encoder.rowCount)
        #expect(outcome.loaded >= 2, "\(resource): the valid base record (and its duplicate) loads")
        #expect(outcome.quarantined.count > 0, "\(resource): hostile values are quarantined")
        #expect(outcome.quarantined.allSatisfy { !$0.reason.isEmpty })
        return outcome
    }

    @Test("hostile pages of every resource: each record loads or is quarantined, and PostgreSQL takes every row")
    func everyResource() async throws {
        let normalizer = RecordNormalizer()
        var outcomes: [(table: WarehouseTable, outcome: Outcome)] = []
        outcomes.append(
            (
                .patients,
                try Self.process(
                    ClinikoPatientPayload.self, resource: "patients", source: .cliniko,
                    normalize: { normalizer.normalize($0) },
                    children: { patient, encoder in
                        patient.encodePhoneRows(organization: Self.organization, into: &encoder)
                    })
            ))
        outcomes.append(
            (
                .appointments,
                try Self.process(
                    ClinikoAppointmentPayload.self, resource: "individual_appointments", source: .cliniko,
                    normalize: { normalizer.normalize($0) })
            ))
        outcomes.append(
            (
                .appointmentTypes,
                try Self.process(ClinikoAppointmentTypePayload.self, resource: "appointment_types", source: .cliniko)
            ))
        outcomes.append(
            (
                .practitioners,
                try Self.process(ClinikoPractitionerPayload.self, resource: "practitioners", source: .cliniko)
            ))
        outcomes.append(
            (.businesses, try Self.process(ClinikoBusinessPayload.self, resource: "businesses", source: .cliniko)))
        outcomes.append(
            (
                .contacts,
                try Self.process(
                    ChatwootContactPayload.self, resource: "contacts", source: .chatwoot,
                    normalize: { normalizer.normalize($0) })
            ))
        outcomes.append(
            (
                .conversations,
                try Self.process(ChatwootConversationPayload.self, resource: "conversations", source: .chatwoot)
            ))
        outcomes.append(
            (.messages, try Self.process(ChatwootMessagePayload.self, resource: "messages", source: .chatwoot)))
        outcomes.append((.users, try Self.process(ClerkUserPayload.self, resource: "users", source: .clerk)))
        outcomes.append(
            (
                .organizationMembers,
                try Self.process(ClerkMembershipPayload.self, resource: "memberships", source: .clerk)
            ))

        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            try await client.query(
                "INSERT INTO organizations (organization_id, name) VALUES (\(Self.organization), 'Hostile')",
                logger: logger)
            let runID = UUID()
            let loader = WarehouseLoader(organization: Self.organization, runID: runID)
            let quarantine = QuarantineWriter(organization: Self.organization, runID: runID)
            let staging = StagingArea(organization: Self.organization, runID: runID)
            try await client.withConnection { connection in
                for (table, outcome) in outcomes {
                    try await staging.stage(outcome.encoder, into: table, on: connection, logger: logger)
                    try await staging.copy(
                        outcome.childEncoder, into: WarehouseTable.patientPhonesStagingName,
                        columns: WarehouseTable.patientPhoneColumns.map(\.name), on: connection, logger: logger)
                    try await quarantine.write(outcome.quarantined, on: connection, logger: logger)
                }
            }
            try await client.withTransaction(logger: logger) { connection in
                try await quarantine.promote(on: connection, logger: logger)
                for (table, outcome) in outcomes {
                    // The base record and its duplicate merge into one row.
                    let counts = try await loader.merge(table, on: connection, logger: logger)
                    #expect(counts.staged == counts.inserted, "\(table.name)")
                    #expect(
                        counts.staged >= 1 && counts.staged < outcome.loaded, "\(table.name): duplicates merge once")
                }
                try await loader.mergePatientPhones(on: connection, logger: logger)
                try await staging.discardRun(on: connection, logger: logger)
            }
            let quarantined = try await TestDatabase.count("SELECT count(*)::int FROM quarantine", on: client)
            #expect(quarantined == outcomes.reduce(0) { $0 + $1.outcome.quarantined.count })
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM quarantine WHERE raw LIKE '%\\u0000%'", on: client) > 0,
                "a literal NUL byte is stored as its JSON escape")
        }
    }

    @Test("each hostile value gets a reason that names the column and the rule, never the value")
    func reasonsNameTheColumn() {
        var encoder = CopyRowEncoder(columns: WarehouseTable.patients.columns)
        var patient = Patient(
            id: "1", firstName: "Ann", lastName: "Lee", dateOfBirth: "1990-02-30",
            createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0))
        #expect(
            patient.encodeRow(organization: Self.organization, into: &encoder)?.description
                == "`date_of_birth` is not a calendar date (month 2 has no day 30)")
        patient.dateOfBirth = "0000-01-01"
        #expect(patient.encodeRow(organization: Self.organization, into: &encoder)?.column == "date_of_birth")
        patient.dateOfBirth = nil
        patient.firstName = "A\u{0}nn"
        #expect(
            patient.encodeRow(organization: Self.organization, into: &encoder)?.description
                == "`first_name` contains a NUL character")
        patient.firstName = "Ann"
        patient.updatedAt = Date(timeIntervalSince1970: 1e300)
        #expect(
            patient.encodeRow(organization: Self.organization, into: &encoder)?.description
                == "`source_updated_at` is a timestamp outside years 0001–9999")
        patient.updatedAt = Date(timeIntervalSince1970: 9_223_372_036_854_775_807)
        #expect(patient.encodeRow(organization: Self.organization, into: &encoder)?.column == "source_updated_at")
        patient.updatedAt = Date(timeIntervalSince1970: .nan)
        #expect(patient.encodeRow(organization: Self.organization, into: &encoder)?.column == "source_updated_at")
        patient.updatedAt = Date(timeIntervalSince1970: 0)
        patient.email = String(repeating: "x", count: 2_000)
        #expect(
            patient.encodeRow(organization: Self.organization, into: &encoder)?.description
                == "`email` is longer than 1024 bytes (2000)")
        patient.email = nil
        #expect(patient.encodeRow(organization: Self.organization, into: &encoder) == nil)
        #expect(encoder.rowCount == 1, "only the valid row was written")

        var appointmentEncoder = CopyRowEncoder(columns: WarehouseTable.appointmentTypes.columns)
        let type = AppointmentType(
            id: "3", name: "Initial", durationInMinutes: 4_294_967_296, isTelehealthEnabled: false,
            createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0))
        #expect(
            type.encodeRow(organization: Self.organization, into: &appointmentEncoder)?.description
                == "`duration_minutes` is outside the 32-bit integer range")
        var messageEncoder = CopyRowEncoder(columns: WarehouseTable.messages.columns)
        let message = Message(id: "1", conversationID: "2", messageType: 9, createdAt: Date(timeIntervalSince1970: 0))
        #expect(
            message.encodeRow(organization: Self.organization, into: &messageEncoder)?.column == "message_type",
            "an unknown message type is not filed as an activity")
    }
}
