import AsyncHTTPClient
import Foundation
import Pipeline
import Testing

@testable import Extract

/// Chatwoot messages are read straight from the page's bytes (`ChatwootMessagePayload.scanned`) with
/// `JSONDecoder` as the fallback: whenever the fast path answers, it gives exactly `init(from:)`'s record.
@Suite("Messages read without JSONDecoder")
struct ScannedMessageTests {
    static let canonical = #"""
        {"id": 100, "conversation_id": 7, "message_type": 1, "content": "See you Tuesday", "private": false,
         "status": "read", "created_at": 1772359200, "sender_type": "User", "content_type": "text",
         "attachments": [], "sender": {"id": 3, "name": "Sam", "type": "user"}}
        """#

    /// (label, text to replace, replacement) applied to the canonical message, one at a time.
    static let variants: [(String, String, String)] = [
        ("canonical", "", ""),
        ("text ids", #""id": 100, "conversation_id": 7"#, #""id": "100", "conversation_id": "7""#),
        ("named type", #""message_type": 1"#, #""message_type": "outgoing""#),
        ("numeric text type", #""message_type": 1"#, #""message_type": "1""#),
        ("unknown type", #""message_type": 1"#, #""message_type": 9"#),
        ("fractional type", #""message_type": 1"#, #""message_type": 1.0"#),
        ("no type", #""message_type": 1, "#, ""),
        ("zero time", #""created_at": 1772359200"#, #""created_at": 0"#),
        ("fractional time", #""created_at": 1772359200"#, #""created_at": 1772359200.5"#),
        ("text time", #""created_at": 1772359200"#, #""created_at": "2026-03-01T10:00:00Z""#),
        ("null time", #""created_at": 1772359200"#, #""created_at": null"#),
        ("private", #""private": false"#, #""private": true"#),
        ("null private", #""private": false"#, #""private": null"#),
        ("text private", #""private": false"#, #""private": "true""#),
        ("null content", #""content": "See you Tuesday""#, #""content": null"#),
        ("blank content", #""content": "See you Tuesday""#, #""content": "  ""#),
        ("numeric content", #""content": "See you Tuesday""#, #""content": 5"#),
        ("escaped content", #""content": "See you Tuesday""#, #""content": "See\nyou""#),
        ("emoji content", #""content": "See you Tuesday""#, #""content": "Zoë 🦘 مريم""#),
        ("numeric status", #""status": "read""#, #""status": 3"#),
        ("no sender type", #", "sender_type": "User""#, ""),
        ("bad number elsewhere", #""attachments": []"#, #""attachments": [01]"#),
        ("duplicate id", #"{"id": 100"#, #"{"id": 5, "id": 100"#),
    ]

    @Test("whenever the fast path answers, it gives JSONDecoder's record; anything unusual is left to JSONDecoder")
    func sameRecordsAsJSONDecoder() throws {
        let answered = try FastPathCheck<ChatwootMessagePayload>.answeredVariants(of: Self.canonical, Self.variants)
        let expected = [
            "canonical", "text ids", "zero time", "private", "null private", "null content", "blank content",
            "emoji content", "no sender type",
        ]
        #expect(answered == expected, "the fast path answered for \(answered)")
    }

    @Test("the fast path answers for the sandbox's messages, with JSONDecoder's records")
    func sandboxMessages() async throws {
        try await SandboxHarness.with(patients: 120) { harness in
            let organization = harness.organization
            var request = HTTPClientRequest(
                url: "\(organization.chatwootBaseURL)/api/v1/accounts/\(organization.chatwootAccountID)"
                    + "/conversations/1/messages?after=0")
            request.headers.add(name: "api_access_token", value: organization.chatwootAPIAccessToken)
            let response = try await harness.http.execute(request, timeout: .seconds(30))
            #expect(response.status == .ok)
            let body = Array(try await response.body.collect(upTo: 16 << 20).readableBytesView)
            let count = try FastPathCheck<ChatwootMessagePayload>.expectAnswersEveryElement(of: "payload", in: body)
            #expect(count > 0)
        }
    }
}
