import Foundation
import Testing

@testable import Load

@Suite("Patient list queries: parameter validation, cursors and the JSON the API returns")
struct PatientListQueryTests {
    /// The error `body` throws, which must be a ``ReadError``.
    static func readError(_ body: () throws -> Void) -> ReadError? {
        do {
            try body()
            return nil
        } catch let error as ReadError {
            return error
        } catch {
            Issue.record("expected a ReadError, got \(error)")
            return nil
        }
    }

    static func query(_ change: (inout PatientListQuery) -> Void) -> PatientListQuery {
        var query = PatientListQuery()
        change(&query)
        return query
    }

    @Test("the default query is valid and unchanged by validation")
    func defaults() throws {
        let query = PatientListQuery()
        #expect(query.sort == .priority)
        #expect(query.limit == 50)
        #expect(try query.validated() == query)
    }

    @Test("filters accept exactly the values the schema's CHECK constraints allow")
    func enumFilters() throws {
        for status in ["active", "recently_active", "upcoming_only", "lapsed", "new", "never_seen"] {
            _ = try Self.query { $0.activityStatus = status }.validated()
        }
        for engagement in ["active", "dormant", "stale"] {
            _ = try Self.query { $0.engagement = engagement }.validated()
        }
        for risk in ["low", "medium", "high"] {
            _ = try Self.query { $0.riskLevel = risk }.validated()
        }
        for priority in 1...4 {
            _ = try Self.query { $0.actionPriority = priority }.validated()
        }
        let rejected: [(PatientListQuery, String)] = [
            (Self.query { $0.activityStatus = "Active" }, "activity_status"),
            (Self.query { $0.activityStatus = "'; drop table patients; --" }, "activity_status"),
            (Self.query { $0.activityStatus = "" }, "activity_status"),
            (Self.query { $0.engagement = "inactive" }, "engagement"),
            (Self.query { $0.riskLevel = "critical" }, "risk_level"),
            (Self.query { $0.riskLevel = "low\u{0}" }, "risk_level"),
            (Self.query { $0.actionPriority = 0 }, "action_priority"),
            (Self.query { $0.actionPriority = 5 }, "action_priority"),
            (Self.query { $0.actionPriority = Int.min }, "action_priority"),
        ]
        for (query, parameter) in rejected {
            #expect(Self.readError { _ = try query.validated() }?.parameter == parameter)
        }
    }

    @Test("limit must lie in 1...500", arguments: [0, -1, 501, Int.min, Int.max])
    func badLimits(limit: Int) {
        let error = Self.readError { _ = try Self.query { $0.limit = limit }.validated() }
        #expect(error?.parameter == "limit")
        #expect(error?.reason == "must be between 1 and 500")
    }

    @Test("limits 1 and 500 are accepted")
    func goodLimits() throws {
        _ = try Self.query { $0.limit = 1 }.validated()
        _ = try Self.query { $0.limit = 500 }.validated()
    }

    @Test("search text: at most 200 characters, no control characters; blank means no search")
    func search() throws {
        #expect(try Self.query { $0.search = "  smith \n" }.validated().search == "smith")
        #expect(try Self.query { $0.search = "   " }.validated().search == nil)
        #expect(try Self.query { $0.search = "" }.validated().search == nil)
        #expect(try Self.query { $0.search = String(repeating: "é", count: 200) }.validated().search != nil)
        for hostile in [
            String(repeating: "x", count: 201), String(repeating: "%", count: 10_240), "a\u{0}b", "\u{0}", "tab\there",
            "bell\u{7}", "del\u{7F}", "c1\u{85}x", "\u{1B}[31m",
        ] {
            let error = Self.readError { _ = try Self.query { $0.search = hostile }.validated() }
            #expect(error?.parameter == "search")
            // The reason never quotes the input.
            #expect(error.map { !$0.description.contains(hostile) } ?? false)
        }
        for harmless in ["'; drop table patients; --", "%", "_", "\\", "100%_sure", "O'Brien"] {
            #expect(try Self.query { $0.search = harmless }.validated().search == harmless)
        }
    }

    @Test("a phone search must be E.164")
    func searchE164() throws {
        #expect(try Self.query { $0.searchE164 = "+61412345678" }.validated().searchE164 == "+61412345678")
        #expect(try Self.query { $0.searchE164 = "" }.validated().searchE164 == nil)
        for bad in ["0412345678", "+0412345678", "+61 412 345 678", "+1234", "+1234567890123456", "+6141234567\u{0}"] {
            #expect(Self.readError { _ = try Self.query { $0.searchE164 = bad }.validated() }?.parameter == "search")
        }
    }

    @Test("cursors round-trip for every list")
    func cursorRoundTrips() throws {
        let cursors: [PageCursor] = [
            .priority(actionPriority: 1, riskScore: 100, patientID: "1234567890123456789"),
            .priority(actionPriority: 4, riskScore: 0, patientID: "x"),
            .name(lastName: "o'brien 100%_\\", firstName: "", patientID: "42"),
            .name(lastName: "ñúñez 😀", firstName: "zoë", patientID: "42"),
            .lastContact(micros: 1_767_225_600_123_456, patientID: "7"),
            .lastContact(micros: nil, patientID: "7"),
            .lastContact(micros: -1, patientID: "7"),
            .upcoming(micros: 1_767_225_600_000_001, patientID: "9"),
            .syncRun(micros: 1_767_225_600_000_000, runID: UUID()),
        ]
        for cursor in cursors {
            let text = cursor.encoded
            let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            #expect(text.allSatisfy(alphabet.contains))
            #expect(try PageCursor(decoding: text, as: cursor.kind) == cursor)
        }
    }

    @Test("a cursor is accepted only with the sort it was issued for")
    func cursorForSort() throws {
        let byName = PageCursor.name(lastName: "a", firstName: "b", patientID: "1").encoded
        #expect(
            try Self.query {
                $0.sort = .name
                $0.cursor = byName
            }.validated().cursor == byName)
        let error = Self.readError {
            _ = try Self.query {
                $0.sort = .priority
                $0.cursor = byName
            }.validated()
        }
        #expect(error?.parameter == "cursor")
        let run = PageCursor.syncRun(micros: 0, runID: UUID()).encoded
        #expect(
            Self.readError {
                _ = try Self.query {
                    $0.sort = .lastContact
                    $0.cursor = run
                }.validated()
            }?.parameter == "cursor")
    }

    static func base64URL(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    @Test("garbage and tampered cursors are a ReadError for cursor, never anything else")
    func garbageCursors() {
        let valid = PageCursor.priority(actionPriority: 2, riskScore: 50, patientID: "1").encoded
        let garbage: [String] = [
            "", "!", "====", "a", "abc", "not a cursor", "%", "_", "'; drop table patients; --",
            String(repeating: "A", count: 10_240), valid + "=", valid + "\u{0}", String(valid.dropLast(3)),
            valid.replacingOccurrences(of: "e", with: "f"),
            Self.base64URL("{}"), Self.base64URL("[]"), Self.base64URL("null"), Self.base64URL("\u{0}"),
            Self.base64URL(#"{"v":2,"k":"priority","a":1,"b":2,"id":"1"}"#),
            Self.base64URL(#"{"v":1,"k":"offset","a":1,"b":2,"id":"1"}"#),
            Self.base64URL(#"{"v":1,"k":"priority","a":0,"b":2,"id":"1"}"#),
            Self.base64URL(#"{"v":1,"k":"priority","a":5,"b":2,"id":"1"}"#),
            Self.base64URL(#"{"v":1,"k":"priority","a":1,"b":101,"id":"1"}"#),
            Self.base64URL(#"{"v":1,"k":"priority","a":1,"b":-1,"id":"1"}"#),
            Self.base64URL(#"{"v":1,"k":"priority","a":1,"id":"1"}"#),
            Self.base64URL(#"{"v":1,"k":"priority","a":1,"b":2,"id":""}"#),
            Self.base64URL(#"{"v":1,"k":"priority","a":1,"b":2,"id":"a\u0000b"}"#),
            Self.base64URL(#"{"v":1,"k":"priority","a":1.5,"b":2,"id":"1"}"#),
            Self.base64URL(#"{"v":1,"k":"priority","a":99999999999999999999999,"b":2,"id":"1"}"#),
            Self.base64URL(#"{"v":1,"k":"priority","a":"1","b":2,"id":"1"}"#),
            Self.base64URL(#"{"v":1,"k":"name","x":"a","id":"1"}"#),
            Self.base64URL(#"{"v":1,"k":"name","x":"a\u0000","y":"b","id":"1"}"#),
        ]
        for text in garbage {
            let error = Self.readError { _ = try Self.query { $0.cursor = text }.validated() }
            #expect(error?.parameter == "cursor", "\(text.prefix(80))")
            #expect(error.map { $0.reason.count <= 64 } ?? false)
        }
        let lastContact: [String] = [
            Self.base64URL(#"{"v":1,"k":"last_contact","a":9223372036854775807,"id":"1"}"#),
            Self.base64URL(#"{"v":1,"k":"last_contact","id":"1","x":"a"}"#),
        ]
        for text in lastContact {
            let error = Self.readError {
                _ = try Self.query {
                    $0.sort = .lastContact
                    $0.cursor = text
                }.validated()
            }
            #expect(error?.parameter == "cursor")
        }
    }

    @Test("LIKE patterns escape backslash, percent and underscore, also before combining marks")
    func likePatterns() {
        #expect(PatientReadStore.likePattern(containing: "ab") == "%ab%")
        #expect(PatientReadStore.likePattern(containing: "100%_\\") == #"%100\%\_\\%"#)
        #expect(PatientReadStore.likePattern(containing: "%\u{301}") == "%\\%\u{301}%")
    }

    @Test("ReadError describes the parameter and reason")
    func readErrorDescription() {
        #expect(
            ReadError(parameter: "limit", reason: "must be between 1 and 500").description
                == "invalid limit: must be between 1 and 500")
    }

    static func json(_ value: some Encodable) throws -> [String: Any] {
        let data = try JSONEncoder().encode(value)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static let sampleRow = PatientRow(
        id: "1001", name: "Ann Lee", phone: "+61412345678", email: nil, clinikoPatientID: "1001", isActive: true,
        activityStatus: "active", engagement: "active", riskLevel: "low", riskScore: 25, actionPriority: 4,
        recommendedAction: "Maintain current care plan", recentAppointmentCount: 2, upcomingAppointmentCount: 1,
        totalAppointmentCount: 9, firstAppointmentDate: Date(timeIntervalSince1970: 1_700_000_000.5),
        lastAppointmentDate: nil, nextAppointmentTime: Date(timeIntervalSince1970: 1_800_000_000),
        nextAppointmentType: "Standard", primaryAppointmentType: nil, lastContactAt: nil, daysSinceLastContact: nil,
        lastSyncedAt: Date(timeIntervalSince1970: 1_750_000_000.25), createdAt: nil, updatedAt: nil)

    @Test("a page encodes as data plus pagination; rows use snake_case keys, ISO 8601 dates and explicit nulls")
    func pageJSON() throws {
        let page = Page(rows: [Self.sampleRow], nextCursor: "abc", totalCount: 12)
        let object = try Self.json(page)
        let pagination = try #require(object["pagination"] as? [String: Any])
        #expect(pagination["next_cursor"] as? String == "abc")
        #expect(pagination["total_count"] as? Int == 12)
        #expect(pagination["page_size"] as? Int == 1)
        #expect(pagination["has_next"] as? Bool == true)
        let rows = try #require(object["data"] as? [[String: Any]])
        let row = try #require(rows.first)
        #expect(
            Set(row.keys) == [
                "id", "name", "phone", "email", "cliniko_patient_id", "is_active", "activity_status", "engagement",
                "risk_level", "risk_score", "action_priority", "recommended_action", "recent_appointment_count",
                "upcoming_appointment_count", "total_appointment_count", "first_appointment_date",
                "last_appointment_date", "next_appointment_time", "next_appointment_type", "primary_appointment_type",
                "last_contact_at", "days_since_last_contact", "last_synced_at", "created_at", "updated_at",
            ])
        #expect(row["first_appointment_date"] as? String == "2023-11-14T22:13:20.500Z")
        #expect(row["last_synced_at"] as? String == "2025-06-15T15:06:40.250Z")
        #expect(row["email"] is NSNull)
        #expect(row["last_appointment_date"] is NSNull)

        let last = try Self.json(Page<PatientRow>(rows: [], nextCursor: nil, totalCount: 0))
        let lastPagination = try #require(last["pagination"] as? [String: Any])
        #expect(lastPagination["next_cursor"] is NSNull)
        #expect(lastPagination["has_next"] as? Bool == false)
        #expect(lastPagination["page_size"] as? Int == 0)
    }

    @Test("an upcoming row encodes flat, with priority, hours and days")
    func upcomingJSON() throws {
        let row = UpcomingPatientRow(
            patient: Self.sampleRow, priority: .medium, hoursUntilNextAppointment: 30.5, daysUntilNextAppointment: 1)
        let object = try Self.json(row)
        #expect(object["id"] as? String == "1001")
        #expect(object["priority"] as? String == "medium")
        #expect(object["hours_until_next_appointment"] as? Double == 30.5)
        #expect(object["days_until_next_appointment"] as? Int == 1)
        #expect(object["patient"] == nil)
        #expect(UpcomingPatientRow.Priority(secondsUntil: 24 * 3600) == .high)
        #expect(UpcomingPatientRow.Priority(secondsUntil: 24 * 3600 + 1) == .medium)
        #expect(UpcomingPatientRow.Priority(secondsUntil: 72 * 3600) == .medium)
        #expect(UpcomingPatientRow.Priority(secondsUntil: 72 * 3600 + 1) == .low)
    }
}
