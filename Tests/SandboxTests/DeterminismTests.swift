import Foundation
import HTTPTypes
import HummingbirdTesting
import Sandbox
import Testing

@Suite("Determinism")
struct DeterminismTests {
    static let paths = [
        "cliniko:/patients?per_page=100&page=2", "cliniko:/individual_appointments?per_page=100&sort=updated_at",
        "cliniko:/businesses", "chatwoot:/contacts?page=3", "chatwoot:/conversations?status=all",
        "clerk:/users?limit=50", "control:/_sandbox/truth/clerk/memberships", "control:/clerk/.well-known/jwks.json",
    ]

    static func snapshot(seed: UInt64) async throws -> [String] {
        try await SandboxHarness.with(seed: seed) { sandbox in
            var bodies: [String] = []
            for entry in paths {
                let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
                let reply: SandboxHarness.Reply =
                    switch parts[0] {
                    case "cliniko": try await sandbox.cliniko(parts[1])
                    case "chatwoot": try await sandbox.chatwoot(parts[1])
                    case "clerk": try await sandbox.clerk(parts[1])
                    default: try await sandbox.request(parts[1])
                    }
                #expect(reply.status == 200)
                bodies.append(reply.text.replacingOccurrences(of: "127.0.0.1:\(sandbox.port)", with: "HOST"))
            }
            return bodies
        }
    }

    @Test("Same seed and now give byte-identical responses across restarts; another seed differs")
    func restarts() async throws {
        let first = try await Self.snapshot(seed: 5)
        let second = try await Self.snapshot(seed: 5)
        #expect(first == second)
        let other = try await Self.snapshot(seed: 6)
        #expect(other[0] != first[0])
    }

    @Test("The startup document lists every organization with its credentials")
    func startupDocument() async throws {
        try await SandboxHarness.with(organizations: 3) { sandbox in
            let document =
                try JSONSerialization.jsonObject(with: Data(sandbox.endpoints.jsonDocument().utf8)) as? [String: Any]
            let organizations = document?["organizations"] as? [[String: Any]] ?? []
            #expect(organizations.count == 3)
            for organization in organizations {
                for key in [
                    "id", "name", "time_zone", "phone_region", "cliniko_api_key", "chatwoot_account_id",
                    "chatwoot_api_access_token", "clerk_secret_key",
                ] {
                    #expect(organization[key] != nil)
                }
                let key = organization["cliniko_api_key"] as? String ?? ""
                #expect(key.hasSuffix("-\(organization["cliniko_shard"] as? String ?? "?")"))
                #expect((organization["clerk_secret_key"] as? String)?.hasPrefix("sk_test_") == true)
            }
        }
    }
}
