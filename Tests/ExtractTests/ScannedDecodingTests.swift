import AsyncHTTPClient
import Foundation
import Pipeline
import Testing

@testable import Extract

/// Appointments are read straight from the page's bytes (`ClinikoAppointmentPayload.scanned`) and fall back to
/// `JSONDecoder` for anything unusual. These tests hold the fast path to the slow one: whenever it answers, it gives
/// exactly the record `init(from:)` gives; and it does answer for ordinary records, or it would save nothing.
@Suite("Appointments read without JSONDecoder")
struct ScannedDecodingTests {
    static let canonical = ClinikoDecodingTests.appointment

    /// (label, text to replace, replacement) applied to the canonical appointment, one at a time.
    static let variants: [(String, String, String)] = [
        ("canonical", "", ""),
        ("numeric id", #""id": "1390726237298631999""#, #""id": 1390726237298631999"#),
        ("negative id", #""id": "1390726237298631999""#, #""id": -7"#),
        ("minus zero id", #""id": "1390726237298631999""#, #""id": -0"#),
        ("fractional id", #""id": "1390726237298631999""#, #""id": 1.5"#),
        ("exponent id", #""id": "1390726237298631999""#, #""id": 1e3"#),
        ("empty id", #""id": "1390726237298631999""#, #""id": """#),
        ("null id", #""id": "1390726237298631999""#, #""id": null"#),
        ("Boolean id", #""id": "1390726237298631999""#, #""id": true"#),
        ("huge id", #""id": "1390726237298631999""#, #""id": 99999999999999999999999"#),
        ("leading zero", #""cancellation_reason": 50"#, #""cancellation_reason": 050"#),
        ("empty start", #""starts_at": "2024-04-02T14:45:00Z""#, #""starts_at": """#),
        ("null start", #""starts_at": "2024-04-02T14:45:00Z""#, #""starts_at": null"#),
        ("bad start", #""starts_at": "2024-04-02T14:45:00Z""#, #""starts_at": "yesterday""#),
        ("offset start", #""starts_at": "2024-04-02T14:45:00Z""#, #""starts_at": "2024-04-02T14:45:00+10:00""#),
        ("numeric start", #""starts_at": "2024-04-02T14:45:00Z""#, #""starts_at": 1712069100"#),
        ("ends before start", #""ends_at": "2024-04-02T15:15:00Z""#, #""ends_at": "2024-04-02T14:00:00Z""#),
        ("no cancellation", #""cancelled_at": "2024-04-01T00:00:00Z""#, #""cancelled_at": null"#),
        ("blank cancellation", #""cancelled_at": "2024-04-01T00:00:00Z""#, #""cancelled_at": "  ""#),
        ("reason as text", #""cancellation_reason": 50"#, #""cancellation_reason": "50""#),
        ("empty reason", #""cancellation_reason": 50"#, #""cancellation_reason": """#),
        ("null reason", #""cancellation_reason": 50"#, #""cancellation_reason": null"#),
        ("fractional reason", #""cancellation_reason": 50"#, #""cancellation_reason": 50.5"#),
        ("word reason", #""cancellation_reason": 50"#, #""cancellation_reason": "x""#),
        ("negative reason", #""cancellation_reason": 50"#, #""cancellation_reason": -3"#),
        ("flag as text", #""did_not_arrive": false"#, #""did_not_arrive": "true""#),
        ("null flag", #""did_not_arrive": false"#, #""did_not_arrive": null"#),
        ("numeric flag", #""did_not_arrive": false"#, #""did_not_arrive": 1"#),
        ("true flag", #""patient_arrived": false"#, #""patient_arrived": true"#),
        ("blank note", #""cancellation_note": "Called to cancel""#, #""cancellation_note": "   ""#),
        ("null note", #""cancellation_note": "Called to cancel""#, #""cancellation_note": null"#),
        ("escaped note", #""cancellation_note": "Called to cancel""#, #""cancellation_note": "line\nbreak""#),
        ("unicode note", #""cancellation_note": "Called to cancel""#, #""cancellation_note": "Zoë 🦘 مريم""#),
        ("numeric note", #""cancellation_note": "Called to cancel""#, #""cancellation_note": 5"#),
        ("object note", #""cancellation_note": "Called to cancel""#, #""cancellation_note": {"a": 1}"#),
        (
            "null patient",
            #""patient": {"links": {"self": "https://api.au4.cliniko.com/v1/patients/1390710863102485699"}}"#,
            #""patient": null"#
        ),
        (
            "null links",
            #""patient": {"links": {"self": "https://api.au4.cliniko.com/v1/patients/1390710863102485699"}}"#,
            #""patient": {"links": null}"#
        ),
        (
            "null self",
            #""patient": {"links": {"self": "https://api.au4.cliniko.com/v1/patients/1390710863102485699"}}"#,
            #""patient": {"links": {"self": null}}"#
        ),
        (
            "numeric self",
            #""patient": {"links": {"self": "https://api.au4.cliniko.com/v1/patients/1390710863102485699"}}"#,
            #""patient": {"links": {"self": 5}}"#
        ),
        (
            "text links",
            #""patient": {"links": {"self": "https://api.au4.cliniko.com/v1/patients/1390710863102485699"}}"#,
            #""patient": {"links": "x"}"#
        ),
        (
            "text patient",
            #""patient": {"links": {"self": "https://api.au4.cliniko.com/v1/patients/1390710863102485699"}}"#,
            #""patient": "123""#
        ),
        (
            "collection link",
            #""business": {"links": {"self": "https://api.au4.cliniko.com/v1/businesses/1300000000000000003"}}"#,
            #""business": {"links": {"self": "https://x/v1/businesses?q[]=id:=3"}}"#
        ),
        (
            "empty link object",
            #""business": {"links": {"self": "https://api.au4.cliniko.com/v1/businesses/1300000000000000003"}}"#,
            #""business": {}"#
        ),
        (
            "repeated from itself", #""repeated_from": null"#,
            #""repeated_from": {"links": {"self": "https://x/v1/individual_appointments/1390726237298631999"}}"#
        ),
        (
            "repeated from another", #""repeated_from": null"#,
            #""repeated_from": {"links": {"self": "https://x/v1/individual_appointments/42"}}"#
        ),
        ("duplicate key", #"{"id": "1390726237298631999""#, #"{"id": "5", "id": "1390726237298631999""#),
        ("escaped key", #""did_not_arrive": false"#, #""did_not_\u0061rrive": true"#),
        ("misspelt literal", #""archived_at": null"#, #""archived_at": nul"#),
        ("bare word", #""archived_at": null"#, #""archived_at": maybe"#),
        ("bad number elsewhere", #""repeated_from": null"#, #""repeated_from": null, "extra": 1.e5"#),
        ("control character", #""cancellation_note": "Called to cancel""#, "\"cancellation_note\": \"tab\there\""),
        ("bad escape elsewhere", #""repeated_from": null"#, #""repeated_from": null, "extra": "\q""#),
        (
            "no patient",
            #""patient": {"links": {"self": "https://api.au4.cliniko.com/v1/patients/1390710863102485699"}},"#, ""
        ),
        ("no flags", #""did_not_arrive": false,"#, ""),
    ]

    /// The fast and the slow answer for one element.
    static func decodeBoth(_ bytes: [UInt8]) throws -> (fast: Appointment?, slow: Result<Appointment, any Error>) {
        let scanner = JSONScanner(bytes: bytes)
        let root = try scanner.rootValue()
        let fast = ClinikoAppointmentPayload.scanned(root, in: scanner)?.record
        let slow = Result { try JSONDecoder().decode(ClinikoAppointmentPayload.self, from: Data(bytes)).record }
        return (fast, slow)
    }

    @Test("whenever the fast path answers, it gives JSONDecoder's record; anything unusual is left to JSONDecoder")
    func sameRecordsAsJSONDecoder() throws {
        let answered = try FastPathCheck<ClinikoAppointmentPayload>.answeredVariants(of: Self.canonical, Self.variants)
        // Variants the slow path rejects (empty or null id, a patient link without an id) or that need escapes,
        // strict-JSON checks or lenient conversions are left out: JSONDecoder's path decides those.
        let expected = [
            "canonical", "numeric id", "negative id", "offset start", "no cancellation", "blank cancellation",
            "reason as text", "empty reason", "null reason", "negative reason", "null flag", "true flag", "blank note",
            "null note", "unicode note", "collection link", "empty link object", "repeated from itself",
            "repeated from another", "no flags",
        ]
        #expect(answered == expected, "the fast path answered for \(answered)")
    }

    @Test("invalid UTF-8 is left to JSONDecoder")
    func invalidUTF8() throws {
        var bytes = Array(Self.canonical.utf8)
        let note = try #require(Self.canonical.range(of: "Called"))
        bytes[Self.canonical.utf8.distance(from: Self.canonical.startIndex, to: note.lowerBound)] = 0xFF
        let (fast, slow) = try Self.decodeBoth(bytes)
        #expect(fast == nil)
        #expect((try? slow.get()) == nil)
    }
}

extension ScannedDecodingTests {
    @Test("the fast path answers for the sandbox's appointments, with JSONDecoder's records")
    func sandboxAppointments() async throws {
        try await SandboxHarness.with(patients: 120) { harness in
            let base = harness.endpoints.clinikoBaseURLTemplate.replacingOccurrences(
                of: "{shard}", with: harness.organization.clinikoShard)
            var request = HTTPClientRequest(url: base + "/individual_appointments?per_page=100&sort=id")
            let key = Data("\(harness.organization.clinikoAPIKey):".utf8).base64EncodedString()
            request.headers.add(name: "Authorization", value: "Basic \(key)")
            request.headers.add(name: "User-Agent", value: "RoutIQ tests (dev@routiq.example)")
            let response = try await harness.http.execute(request, timeout: .seconds(30))
            let body = Array(try await response.body.collect(upTo: 16 << 20).readableBytesView)
            let count = try FastPathCheck<ClinikoAppointmentPayload>.expectAnswersEveryElement(
                of: "individual_appointments", in: body)
            #expect(count == 100)
        }
    }
}
