import Foundation
import HTTPTypes
import HummingbirdTesting
import Sandbox
import Testing

@Suite("Clerk API")
struct ClerkAPITests {
    @Test("/users is a bare array paged by limit/offset; every user once")
    func usersPagination() async throws {
        try await SandboxHarness.with(organizations: 4) { sandbox in
            let truth = try await sandbox.truth("users", organization: "clerk")
            var seen: [String] = []
            var offset = 0
            while true {
                let reply = try await sandbox.clerk("/users?limit=7&offset=\(offset)")
                let users = try #require(try reply.json() as? [[String: Any]])
                seen += users.compactMap { $0["id"] as? String }
                #expect(users.allSatisfy { ($0["created_at"] as? Int ?? 0) > 1_000_000_000_000 })
                if users.count < 7 { break }
                offset += 7
            }
            #expect(seen.count == truth.count)
            #expect(Set(seen) == Set(truth.compactMap { $0["id"] as? String }))
            let count = try await sandbox.clerk("/users/count").object()
            #expect(count["total_count"] as? Int == truth.count)
            let tooMany = try await sandbox.clerk("/users?limit=501")
            #expect(tooMany.status == 422)
            #expect((try tooMany.object()["errors"] as? [Any])?.isEmpty == false)
        }
    }

    @Test("starting_after pages by cursor in created_at order and refuses an offset")
    func cursorPaging() async throws {
        try await SandboxHarness.with(organizations: 3) { sandbox in
            let all = try #require(
                try await sandbox.clerk("/users?limit=500&order_by=%2Bcreated_at").json() as? [[String: Any]])
            var seen: [String] = []
            var cursor: String?
            while true {
                let query = "/users?limit=4&order_by=%2Bcreated_at" + (cursor.map { "&starting_after=\($0)" } ?? "")
                let page = try #require(try await sandbox.clerk(query).json() as? [[String: Any]])
                seen += page.compactMap { $0["id"] as? String }
                if page.count < 4 { break }
                cursor = page.last?["id"] as? String
            }
            #expect(seen == all.compactMap { $0["id"] as? String })
            let conflict = try await sandbox.clerk("/users?offset=2&starting_after=\(seen[0])")
            #expect(conflict.status == 422)
        }
    }

    @Test("Organizations and memberships use {data,total_count} with org:admin / org:member roles")
    func organizationsAndMemberships() async throws {
        try await SandboxHarness.with(organizations: 3) { sandbox in
            let organizations = try await sandbox.clerk("/organizations?limit=500").object()
            #expect(organizations["total_count"] as? Int == 3)
            let data = organizations["data"] as? [[String: Any]] ?? []
            #expect(Set(data.compactMap { $0["id"] as? String }) == Set(sandbox.endpoints.organizations.map(\.id)))
            for org in sandbox.endpoints.organizations {
                let memberships = try await sandbox.clerk("/organizations/\(org.id)/memberships?limit=100").object()
                let rows = memberships["data"] as? [[String: Any]] ?? []
                #expect(memberships["total_count"] as? Int == rows.count)
                let roles = Set(rows.compactMap { $0["role"] as? String })
                #expect(roles.isSubset(of: ["org:admin", "org:member"]) && roles.contains("org:admin"))
            }
        }
    }

    @Test("A wrong secret key gets 401 with the ClerkErrors body; JWKS is served on both URLs")
    func authenticationAndJWKS() async throws {
        try await SandboxHarness.with { sandbox in
            let denied = try await sandbox.request(
                "\(sandbox.endpoints.clerkAPIBaseURL)/users", headers: [.authorization: "Bearer sk_test_nope"])
            #expect(denied.status == 401)
            let errors = try denied.object()["errors"] as? [[String: Any]]
            #expect(errors?.first?["code"] as? String == "authentication_invalid")
            let unauthenticatedJWKS = try await sandbox.request("\(sandbox.endpoints.clerkAPIBaseURL)/jwks")
            #expect(unauthenticatedJWKS.status == 401)
            let backend = try await sandbox.clerk("/jwks")
            let frontend = try await sandbox.request(sandbox.endpoints.clerkJWKSURL)
            #expect(backend.body == frontend.body)
            let key = try #require((try frontend.object()["keys"] as? [[String: Any]])?.first)
            #expect(key["kty"] as? String == "RSA" && key["alg"] as? String == "RS256" && key["e"] as? String == "AQAB")
            #expect((key["kid"] as? String)?.hasPrefix("ins_") == true)
        }
    }
}
