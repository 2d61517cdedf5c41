import Foundation
import Testing

/// Every route of an organization refuses what is not a valid session token for that organization: 401 for a bad
/// or missing token (with `WWW-Authenticate`), 403 for a valid token of another organization, with the same answer
/// whether or not that other organization exists. Tokens come from the sandbox's Clerk over real HTTP.
@Suite("Authentication: the attack matrix over real sockets")
struct AuthenticationMatrixTests {
    @Test("valid v1 and v2 tokens for the organization are accepted on every route")
    func validTokensAccepted() async throws {
        try await APIHarness.withAPI { api in
            for version in [1, 2] {
                let token = try await api.token(["organization_id": api.organizationA, "version": version])
                for route in APIHarness.organizationRoutes(api.organizationA) {
                    let reply = try await api.get(route, token: token)
                    #expect(reply.status == 200, "v\(version) \(route): \(reply.text.prefix(300))")
                }
            }
        }
    }

    @Test("forged, expired, misaddressed and malformed tokens get 401 with WWW-Authenticate on every route")
    func invalidTokensRefused() async throws {
        try await APIHarness.withAPI { api in
            let a = api.organizationA
            var cases: [(String, String?)] = [("no token", nil)]
            let minted: [(String, [String: Any])] = [
                ("alg none", ["organization_id": a, "algorithm": "none"]),
                ("HS256 with the public key", ["organization_id": a, "algorithm": "HS256"]),
                ("unknown kid", ["organization_id": a, "kid": "ins_unknown_key"]),
                ("expired", ["organization_id": a, "expires_in": -120]),
                ("not yet valid", ["organization_id": a, "not_before_offset": 600]),
                ("wrong issuer", ["organization_id": a, "issuer": "https://evil.example/clerk"]),
                ("wrong azp", ["organization_id": a, "azp": "https://evil.example"]),
                ("missing azp", ["organization_id": a, "azp": ""]),
                ("pending session", ["organization_id": a, "session_status": "pending"]),
                ("no organization", [:]),
            ]
            for (name, request) in minted { cases.append((name, try await api.token(request))) }
            let valid = try await api.token(for: a)
            let parts = valid.split(separator: ".").map(String.init)
            cases.append(("tampered payload", parts[0] + "." + Self.tampered(parts[1]) + "." + parts[2]))
            cases.append(("foreign key with the right kid", try ForeignKeyToken.make(copying: valid)))
            cases.append(("missing kid", try ForeignKeyToken.make(copying: valid, keyID: nil)))
            cases.append(("bad base64", "e30.e30!.abc"))
            cases.append(("padded base64", parts[0] + "=." + parts[1] + "." + parts[2]))
            cases.append(("not JSON", "bm90IGpzb24.bm90IGpzb24.c2ln"))
            cases.append(("two parts", parts[0] + "." + parts[1]))
            cases.append(("oversized token", String(repeating: "a", count: 9000)))
            for (name, token) in cases {
                for route in APIHarness.organizationRoutes(a) {
                    let reply = try await api.get(route, token: token)
                    #expect(reply.status == 401, "\(name) on \(route): \(reply.status)")
                    #expect(reply.headers["WWW-Authenticate"].first == #"Bearer error="invalid_token""#, "\(name)")
                    #expect(reply.headers["Content-Type"].first == "application/problem+json", "\(name)")
                    #expect(!reply.text.contains(name), "the reason reaches the client: \(name)")
                }
            }
            let metrics = try await api.get("/metrics").text
            for reason in ["missing_token", "unsupported_algorithm", "unknown_key_id", "expired", "not_yet_valid"] {
                #expect(metrics.contains("routiq_api_auth_failures_total{reason=\"\(reason)\"}"), "\(reason)")
            }
        }
    }

    @Test("a 3 MB Authorization header is refused without a 5xx and the server keeps answering")
    func hugeHeaderRefused() async throws {
        try await APIHarness.withAPI { api in
            let huge = String(repeating: "A", count: 3 << 20)
            do {
                let reply = try await api.get("/\(api.organizationA)/summary", token: huge)
                #expect((400..<500).contains(reply.status), "status \(reply.status)")
            } catch {
                // Closing the connection on an over-long header is also a refusal.
            }
            let token = try await api.token(for: api.organizationA)
            #expect(try await api.get("/\(api.organizationA)/summary", token: token).status == 200)
        }
    }

    @Test("A's token on B's routes, and on a route of an organization that does not exist, gives the same 403")
    func otherOrganizationForbidden() async throws {
        try await APIHarness.withAPI { api in
            let token = try await api.token(for: api.organizationA)
            let existing = APIHarness.organizationRoutes(api.organizationB)
            let missing = APIHarness.organizationRoutes("org_doesNotExist123")
            for (route, ghost) in zip(existing, missing) {
                let real = try await api.get(route, token: token)
                let absent = try await api.get(ghost, token: token)
                #expect(real.status == 403, "\(route)")
                #expect(absent.status == 403, "\(ghost)")
                #expect(try real.problemWithoutRequestID() == absent.problemWithoutRequestID())
                #expect(!real.text.contains(api.organizationB))
            }
            for hostile in [
                "/sync/'%3B%20drop%20table%20patients/status", "/..%2F..%2Fetc/summary", "/org_a%00/summary",
            ] {
                let reply = try await api.get(hostile, token: token)
                #expect([403, 404].contains(reply.status), "\(hostile): \(reply.status)")
            }
        }
    }

    @Test("X-Organization-ID must name the token's organization when it is sent")
    func organizationHeader() async throws {
        try await APIHarness.withAPI { api in
            let token = try await api.token(for: api.organizationA)
            let route = "/\(api.organizationA)/summary"
            #expect(
                try await api.get(route, token: token, headers: [("X-Organization-ID", api.organizationA)]).status
                    == 200)
            #expect(
                try await api.get(route, token: token, headers: [("X-Organization-ID", api.organizationB)]).status
                    == 403)
        }
    }

    /// `payload` with one character changed, still valid base64url.
    static func tampered(_ payload: String) -> String {
        var characters = Array(payload)
        let index = characters.count / 2
        characters[index] = characters[index] == "A" ? "B" : "A"
        return String(characters)
    }
}
