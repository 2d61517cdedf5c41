import Foundation
import HTTPTypes
import HummingbirdTesting
import Sandbox
import Testing

@Suite("Chatwoot API")
struct ChatwootAPITests {
    @Test("Contacts come 15 per page with a meta envelope; only resolved contacts are listed, each once")
    func contactsPagination() async throws {
        try await SandboxHarness.with { sandbox in
            let truth = try await sandbox.truth("contacts")
            let resolved = truth.filter {
                !($0["email"] is NSNull) || !($0["phone_number"] is NSNull) || !($0["identifier"] is NSNull)
            }
            #expect(resolved.count < truth.count)
            var seen: [String] = []
            var page = 1
            while true {
                let object = try await sandbox.chatwoot("/contacts?page=\(page)").object()
                let meta = try #require(object["meta"] as? [String: Any])
                #expect(meta["count"] as? Int == resolved.count)
                #expect(meta["current_page"] as? String == String(page))
                let payload = object["payload"] as? [[String: Any]] ?? []
                if payload.isEmpty { break }
                #expect(payload.count <= 15)
                seen += payload.ids
                page += 1
            }
            #expect(seen.count == resolved.count)
            #expect(Set(seen) == Set(resolved.ids))
            let first = try await sandbox.chatwoot("/contacts").object()
            #expect((first["meta"] as? [String: Any])?["current_page"] as? Int == 1)
            #expect((first["payload"] as? [Any])?.count == 15)
            let phones = truth.compactMap { $0["phone_number"] as? String }
            #expect(phones.allSatisfy { $0.hasPrefix("+") && $0.dropFirst().allSatisfy(\.isNumber) })
        }
    }

    @Test("Conversations default to status=open, come 25 per page, and status=all returns everything")
    func conversations() async throws {
        try await SandboxHarness.with { sandbox in
            let truth = try await sandbox.truth("conversations")
            let open = truth.filter { $0["status"] as? String == "open" }
            let defaultPage = try await sandbox.chatwoot("/conversations").object()
            let meta = (defaultPage["data"] as? [String: Any])?["meta"] as? [String: Any]
            #expect(meta?["all_count"] as? Int == open.count)
            var ids: [String] = []
            var page = 1
            while true {
                let data =
                    try await sandbox.chatwoot("/conversations?status=all&page=\(page)").object()["data"]
                    as? [String: Any]
                let payload = data?["payload"] as? [[String: Any]] ?? []
                if payload.isEmpty { break }
                #expect(payload.count <= 25)
                #expect(payload.allSatisfy { $0["created_at"] is Int && $0["timestamp"] is Int })
                ids += payload.ids
                page += 1
            }
            #expect(ids.count == truth.count)
            #expect(Set(ids) == Set(truth.ids))
        }
    }

    @Test("Messages: latest 20 ascending, paging back with before= reaches every message once")
    func messages() async throws {
        try await SandboxHarness.with { sandbox in
            let truth = try await sandbox.truth("messages")
            let byConversation = Dictionary(grouping: truth) { "\($0["conversation_id"]!)" }
            let (conversation, expected) = try #require(byConversation.max { $0.value.count < $1.value.count })
            #expect(expected.count > 20)
            var seen: [Int] = []
            var before: Int?
            while true {
                let query = before.map { "?before=\($0)" } ?? ""
                let payload =
                    try await sandbox.chatwoot("/conversations/\(conversation)/messages\(query)").object()["payload"]
                    as? [[String: Any]] ?? []
                if payload.isEmpty { break }
                #expect(payload.count <= 20)
                let ids = payload.compactMap { $0["id"] as? Int }
                #expect(ids == ids.sorted())
                #expect(payload.allSatisfy { $0["message_type"] is Int && $0["created_at"] is Int })
                seen = ids + seen
                before = ids.first
            }
            #expect(seen == expected.compactMap { $0["id"] as? Int })
        }
    }

    @Test("A contact's conversations are listed unpaginated")
    func contactConversations() async throws {
        try await SandboxHarness.with { sandbox in
            let conversations = try await sandbox.truth("conversations")
            let sender = try #require((conversations.first?["meta"] as? [String: Any])?["sender"] as? [String: Any])
            let contactID = try #require(sender["id"] as? Int)
            let expected = conversations.filter {
                (($0["meta"] as? [String: Any])?["sender"] as? [String: Any])?["id"] as? Int == contactID
            }
            let payload =
                try await sandbox.chatwoot("/contacts/\(contactID)/conversations").object()["payload"]
                as? [[String: Any]] ?? []
            #expect(Set(payload.ids) == Set(expected.ids))
        }
    }

    @Test("Missing or wrong tokens get the Devise 401; Api-Access-Token works; another account is refused")
    func authentication() async throws {
        try await SandboxHarness.with { sandbox in
            let org = sandbox.organization
            let base = "\(org.chatwootBaseURL)/api/v1/accounts/\(org.chatwootAccountID)/contacts"
            let missing = try await sandbox.request(base)
            #expect(missing.status == 401)
            #expect(missing.text == #"{"errors":["You need to sign in or sign up before continuing."]}"#)
            let wrong = try await sandbox.request(base, headers: [HTTPField.Name("api_access_token")!: "nope"])
            #expect(wrong.status == 401)
            let dashed = try await sandbox.request(
                base, headers: [HTTPField.Name("Api-Access-Token")!: org.chatwootAPIAccessToken])
            #expect(dashed.status == 200)
            let other = sandbox.endpoints.organizations[1]
            let crossed = try await sandbox.request(
                "\(org.chatwootBaseURL)/api/v1/accounts/\(other.chatwootAccountID)/contacts",
                headers: [HTTPField.Name("api_access_token")!: org.chatwootAPIAccessToken]
            )
            #expect(crossed.status == 401)
            let missingConversation = try await sandbox.chatwoot("/conversations/999999")
            #expect(missingConversation.status == 404)
            #expect(missingConversation.text == #"{"error":"Resource could not be found"}"#)
        }
    }

    @Test("Contacts match Cliniko patients by phone, by e-mail only, or not at all")
    func contactMatching() async throws {
        try await SandboxHarness.with { sandbox in
            let patients = try await sandbox.truth("patients")
            let contacts = try await sandbox.truth("contacts")
            func digits(_ text: String) -> String { text.filter(\.isNumber) }
            var patientPhones = Set<String>()
            for patient in patients {
                for phone in patient["patient_phone_numbers"] as? [[String: Any]] ?? [] {
                    let number = digits(phone["number"] as? String ?? "")
                    patientPhones.insert(number.hasPrefix("0") ? "61" + number.dropFirst() : number)
                }
            }
            let emails = Set(patients.compactMap { ($0["email"] as? String)?.lowercased() })
            let byPhone = contacts.filter {
                ($0["phone_number"] as? String).map { patientPhones.contains(digits($0)) } ?? false
            }
            let byEmailOnly = contacts.filter {
                $0["phone_number"] is NSNull && ($0["email"] as? String).map(emails.contains) == true
            }
            let unmatched = contacts.filter { contact in
                !(contact["phone_number"] as? String).map { patientPhones.contains(digits($0)) }.isTrue
                    && !(contact["email"] as? String).map(emails.contains).isTrue
            }
            #expect(byPhone.count > contacts.count / 2)
            #expect(!byEmailOnly.isEmpty)
            #expect(!unmatched.isEmpty)
        }
    }
}

extension Optional where Wrapped == Bool {
    fileprivate var isTrue: Bool { self == true }
}
