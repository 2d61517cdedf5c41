import Foundation
import Hummingbird
import Testing

@testable import Serve

/// The OpenAPI document is the API's contract: it lists exactly the routes the router serves, and what every route
/// answers validates against the schema it states.
@Suite("OpenAPI: the document matches the router and the responses")
struct OpenAPIConformanceTests {
    static func document() throws -> JSONValue { try JSONValue.parse(OpenAPIDocument.bytes) }

    @Test("the document is OpenAPI 3.1 and lists exactly the router's GET routes")
    func pathsMatchRouter() async throws {
        let document = try Self.document()
        #expect(document["openapi"]?.string?.hasPrefix("3.1") == true)
        let documented = Set((document["paths"]?.object ?? [:]).keys)
        try await APIHarness.withAPI { api in
            let routes = api.server.makeRouter().routes.filter { $0.method == .get }.map { "\($0.path)" }
            let served = Set(routes.map { $0.hasPrefix("/") ? $0 : "/" + $0 })
            #expect(
                served == documented,
                "served but undocumented: \(served.subtracting(documented)); documented but not served: \(documented.subtracting(served))"
            )
        }
    }

    @Test("every route's 200 answer validates against its documented schema")
    func responsesValidate() async throws {
        let document = try Self.document()
        let check = JSONSchemaCheck(document: document)
        try await APIHarness.withAPI { api in
            let token = try await api.token(for: api.organizationA)
            let a = api.organizationA
            let samples: [(template: String, path: String)] = [
                ("/health", "/health"), ("/ready", "/ready"),
                ("/{org_id}/summary", "/\(a)/summary"),
                ("/{org_id}/patients", "/\(a)/patients?limit=5"),
                ("/{org_id}/patients/with-appointments", "/\(a)/patients/with-appointments"),
                ("/{org_id}/patients/by-appointment-type/{type}", "/\(a)/patients/by-appointment-type/standard"),
                ("/{org_id}/patients/appointment-types/summary", "/\(a)/patients/appointment-types/summary"),
                ("/sync/{org_id}/status", "/sync/\(a)/status"),
                ("/sync/{org_id}/logs", "/sync/\(a)/logs?limit=2"),
            ]
            for sample in samples {
                let reply = try await api.get(sample.path, token: token)
                #expect(reply.status == 200, "\(sample.path)")
                let schema = try #require(
                    document["paths"]?[sample.template]?["get"]?["responses"]?["200"]?["content"]?["application/json"]?[
                        "schema"],
                    "\(sample.template) documents no JSON schema")
                let problems = check.problems(try JSONValue.parse(reply.body), against: schema)
                #expect(problems.isEmpty, "\(sample.template): \(problems.prefix(5))")
            }
            let refused = try await api.get("/\(a)/patients?limit=0", token: token)
            let problemSchema = try #require(document["components"]?["schemas"]?["Problem"])
            #expect(check.problems(try JSONValue.parse(refused.body), against: problemSchema).isEmpty)
        }
    }

    @Test("the schema checker itself rejects what does not match")
    func checkerRejects() throws {
        let document = try Self.document()
        let check = JSONSchemaCheck(document: document)
        let patient = try #require(document["components"]?["schemas"]?["Patient"])
        #expect(!check.problems(.object([:]), against: patient).isEmpty)
        let status = try #require(document["components"]?["schemas"]?["Status"])
        #expect(check.problems(.object(["status": .string("ok")]), against: status).isEmpty)
        #expect(!check.problems(.object(["status": .number(1)]), against: status).isEmpty)
        #expect(!check.problems(.object(["status": .string("ok"), "extra": .null]), against: status).isEmpty)
    }
}
