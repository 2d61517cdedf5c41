import Foundation
import Logging
import PostgresNIO
import TestSupport
import Testing

/// Each route answers what the warehouse holds for the token's organization, checked against SQL written here.
@Suite("Routes: documents, patient lists, sync status, over real sockets")
struct RouteTests {
    @Test("the summary and HTML report are the report stage's files byte for byte, with caching headers and a CSP")
    func documentsByteForByte() async throws {
        try await APIHarness.withAPI { api in
            let token = try await api.token(for: api.organizationA)
            let directory = api.outputDirectory.appendingPathComponent(api.organizationA)
            let summary = try await api.get("/\(api.organizationA)/summary", token: token)
            #expect(summary.status == 200)
            #expect(summary.body == Array(try Data(contentsOf: directory.appendingPathComponent("summary.json"))))
            #expect(summary.headers["Cache-Control"].first == "private, no-cache")
            #expect(summary.headers["ETag"].first?.hasPrefix("\"") == true)
            #expect(summary.headers["Last-Modified"].first == "Mon, 01 Jun 2026 00:00:00 GMT")
            let html = try await api.get("/\(api.organizationA)/report.html", token: token)
            #expect(html.status == 200)
            #expect(html.body == Array(try Data(contentsOf: directory.appendingPathComponent("report.html"))))
            #expect(html.headers["Content-Security-Policy"].first?.contains("script-src") == false)
            #expect(html.headers["Content-Security-Policy"].first?.hasPrefix("default-src 'none'") == true)
            #expect(html.headers["X-Content-Type-Options"].first == "nosniff")
            #expect(html.headers["Referrer-Policy"].first == "no-referrer")
        }
    }

    @Test("ETag revalidation gives 304 only with a valid token; gzip when asked, with its own ETag and Vary")
    func etagsAndGzip() async throws {
        try await APIHarness.withAPI { api in
            let token = try await api.token(for: api.organizationA)
            let route = "/\(api.organizationA)/summary"
            let first = try await api.get(route, token: token)
            let etag = try #require(first.headers["ETag"].first)
            let again = try await api.get(route, token: token, headers: [("If-None-Match", etag)])
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
            #expect(try await api.get(route, headers: [("If-None-Match", etag)]).status == 401)
            #expect(try await api.get(route, token: token, headers: [("If-None-Match", "\"other\"")]).status == 200)
            let gzip = try await api.get(route, token: token, headers: [("Accept-Encoding", "gzip")])
            #expect(gzip.headers["Content-Encoding"].first == "gzip")
            #expect(gzip.headers["Vary"].contains { $0.contains("Accept-Encoding") })
            let gzipTag = try #require(gzip.headers["ETag"].first)
            #expect(gzipTag != etag)
            #expect(gzip.body.count < first.body.count)
            #expect(try Gunzip.decompress(gzip.body) == first.body)
            let revalidated = try await api.get(
                route, token: token, headers: [("Accept-Encoding", "gzip"), ("If-None-Match", gzipTag)])
            #expect(revalidated.status == 304)
            let refused = try await api.get(route, token: token, headers: [("Accept-Encoding", "gzip;q=0")])
            #expect(refused.headers["Content-Encoding"].isEmpty)
        }
    }

    @Test("/patients: every filter and sort returns exactly the rows SQL finds for the organization")
    func patientFilters() async throws {
        try await APIHarness.withAPI { api in
            let token = try await api.token(for: api.organizationA)
            let filters: [(String, String)] = [
                ("activity_status=lapsed", "activity_status = 'lapsed'"),
                ("engagement=dormant", "engagement = 'dormant'"),
                ("risk_level=high", "risk_level = 'high'"),
                ("action_priority=2", "action_priority = 2"),
                ("risk_level=low&engagement=stale", "risk_level = 'low' AND engagement = 'stale'"),
                ("", "true"),
            ]
            for (query, condition) in filters {
                let expected = try await Self.patientIDs(
                    organization: api.organizationA, condition: condition, client: api.client)
                for sort in ["priority", "name", "last_contact"] {
                    let ids = try await Self.walk(
                        api, path: "/\(api.organizationA)/patients?\(query)&sort=\(sort)&limit=7", token: token)
                    #expect(ids.sorted() == expected.sorted(), "\(query) sort=\(sort)")
                    #expect(Set(ids).count == ids.count, "a page repeated a row: \(query) sort=\(sort)")
                }
            }
            let priority = try await Self.walk(api, path: "/\(api.organizationA)/patients?limit=500", token: token)
            let ordered = try await Self.patientIDs(
                organization: api.organizationA, condition: "true", client: api.client,
                order: "action_priority, risk_score DESC, patient_id")
            #expect(priority == ordered)
        }
    }

    @Test("/patients search matches names, e-mail and a phone number written in any format, and audits each read")
    func searchAndAudit() async throws {
        try await APIHarness.withAPI { api in
            let token = try await api.token(for: api.organizationA)
            let base = "/\(api.organizationA)/patients"
            let byPhone = try await Self.walk(api, path: base + "?search=0412%20000%20017", token: token)
            #expect(byPhone == ["p017"])
            let international = try await Self.walk(api, path: base + "?search=%2B61%20412%20000%20017", token: token)
            #expect(international == ["p017"])
            let percent = try await Self.walk(api, path: base + "?search=per%25cent_", token: token)
            let expected = try await Self.patientIDs(
                organization: api.organizationA, condition: "p.last_name LIKE 'Per\\%cent\\_%'", client: api.client)
            #expect(percent.sorted() == expected.sorted())
            #expect(!percent.isEmpty)
            let email = try await Self.walk(api, path: base + "?search=PATIENT3%40alpha", token: token)
            #expect(email == ["p003"])
            let audits = try await TestDatabase.count(
                "SELECT count(*) FROM audit_log WHERE organization_id = \(api.organizationA) AND action = 'api.patients.read' AND target = '/{org_id}/patients' AND details->>'rows' IS NOT NULL",
                on: api.client)
            #expect(audits >= 4)
        }
    }

    @Test("with-appointments, by-appointment-type, the type summary and the sync routes answer from SQL")
    func otherLists() async throws {
        try await APIHarness.withAPI { api in
            let token = try await api.token(for: api.organizationA)
            let a = api.organizationA
            let upcoming = try await api.get("/\(a)/patients/with-appointments?limit=3", token: token).json()
            let rows = try #require(upcoming["data"] as? [[String: Any]])
            #expect(rows.map { $0["id"] as? String } == ["p004", "p008", "p012"])
            #expect(rows.first?["priority"] as? String == "high")
            #expect((rows.first?["hours_until_next_appointment"] as? NSNumber)?.doubleValue == 4)
            let links = try #require(upcoming["links"] as? [String: Any])
            #expect((links["next"] as? String)?.hasPrefix("/\(a)/patients/with-appointments?limit=3&cursor=") == true)
            let initial = try await Self.walk(api, path: "/\(a)/patients/by-appointment-type/initial", token: token)
            let expected = try await Self.patientIDs(
                organization: a,
                condition: "(a.next_appointment_type_id = 'initial' OR a.primary_appointment_type_id = 'initial')",
                client: api.client)
            #expect(initial.sorted() == expected.sorted())
            let summary = try await api.get("/\(a)/patients/appointment-types/summary", token: token).json()
            let types = try #require(summary["data"] as? [[String: Any]])
            #expect(Set(types.compactMap { $0["appointment_type_id"] as? String }) == ["initial", "standard"])
            let status = try await api.get("/sync/\(a)/status", token: token).json()
            #expect(status["total_syncs"] as? Int == 4)
            #expect(status["failed_syncs"] as? Int == 1)
            #expect(status["organization_id"] as? String == a)
            let logs = try await Self.walk(api, path: "/sync/\(a)/logs?limit=3", token: token, key: "run_id")
            #expect(logs.count == 4)
        }
    }

    @Test("hostile query parameters get a 400 problem document naming the parameter, never a 500")
    func hostileParameters() async throws {
        try await APIHarness.withAPI { api in
            let token = try await api.token(for: api.organizationA)
            let base = "/\(api.organizationA)/patients"
            let long = String(repeating: "x", count: 5000)
            let cases: [(String, String)] = [
                ("?activity_status='%3B%20drop%20table%20patients%3B--", "activity_status"),
                ("?search=%00", "search"), ("?search=%FF%FE", "search"), ("?search=%E2%82", "search"),
                ("?search=\(long)", "search"), ("?limit=0", "limit"),
                ("?limit=501", "limit"), ("?limit=-1", "limit"), ("?limit=99999999999999999999", "limit"),
                ("?action_priority=9", "action_priority"), ("?sort=random()", "sort"),
                ("?cursor=not-a-cursor", "cursor"), ("?cursor=%2E%2E%2F%2E%2E", "cursor"),
                ("?limit=1&limit=2", "limit"),
                ("?unknown=1", "query"), ("?engagement=../../etc/passwd", "engagement"),
            ]
            for (query, parameter) in cases {
                let reply = try await api.get(base + query, token: token)
                #expect(reply.status == 400, "\(query.prefix(80)): \(reply.status) \(reply.text.prefix(200))")
                #expect(reply.headers["Content-Type"].first == "application/problem+json")
                let problem = try reply.json()
                #expect(problem["parameter"] as? String == parameter, "\(query.prefix(80))")
                #expect(problem["request_id"] as? String != nil)
                #expect(!reply.text.lowercased().contains("select"))
            }
            // Written to the socket as they are: an HTTP client would re-encode them.
            let raw: [[UInt8]] = [
                Array("?search=%zz".utf8), Array("?search=%".utf8), Array("?search=".utf8) + [0xFF, 0xFE],
                Array("?search=%C0%AF".utf8), Array("?search=a%00b".utf8),
            ]
            for query in raw {
                let (status, response) = try RawHTTP.get(
                    port: api.port, target: Array(base.utf8) + query, token: token)
                #expect(status == 400, "\(query): \(response.prefix(300))")
            }
            let type = try await api.get(
                "/\(api.organizationA)/patients/by-appointment-type/\(String(repeating: "t", count: 400))", token: token
            )
            #expect(type.status == 400)
            let count = try await TestDatabase.count("SELECT count(*) FROM patients", on: api.client)
            #expect(count == 2 * APISeed.patientsPerOrganization)
        }
    }

    // MARK: Helpers

    /// Follows `links.next` from `path` to the end, collecting each row's `key`.
    static func walk(_ api: APIHarness, path: String, token: String, key: String = "id") async throws -> [String] {
        var ids: [String] = []
        var next: String? = path
        var pages = 0
        while let current = next {
            let reply = try await api.get(current, token: token)
            guard reply.status == 200 else {
                throw HarnessError("\(current): \(reply.status) \(reply.text.prefix(300))")
            }
            #expect(reply.headers["Cache-Control"].first == "private, no-store")
            let page = try reply.json()
            let rows = (page["data"] as? [[String: Any]]) ?? []
            ids += rows.compactMap { $0[key] as? String }
            next = (page["links"] as? [String: Any])?["next"] as? String
            if next != nil { #expect(reply.headers["Link"].first?.contains("rel=\"next\"") == true) }
            pages += 1
            if pages > 1000 { throw HarnessError("pagination does not end") }
        }
        return ids
    }

    /// The organization's current patients matching `condition` (over `patients p` joined to `patient_activity a`).
    static func patientIDs(
        organization: String, condition: String, client: PostgresClient, order: String = "patient_id"
    ) async throws -> [String] {
        var bindings = PostgresBindings()
        bindings.append(organization)
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT a.patient_id FROM patient_activity a
                JOIN patients p USING (organization_id, patient_id)
                WHERE a.organization_id = $1 AND p.removed_at IS NULL AND p.deleted_at IS NULL AND p.merged_at IS NULL
                  AND \(condition)
                ORDER BY \(order.split(separator: ",").map { "a." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
                """, binds: bindings)
        var ids: [String] = []
        for try await id in try await client.query(query, logger: Logger(label: "test")).decode(String.self) {
            ids.append(id)
        }
        return ids
    }
}
