import Foundation
import HTTPTypes
import HummingbirdTesting
import Sandbox
import Testing

@Suite("Stats and truth")
struct RequestStatsTests {
    @Test("Stats count requests per API, route, status and credential")
    func stats() async throws {
        try await SandboxHarness.with { sandbox in
            _ = try await sandbox.cliniko("/patients")
            _ = try await sandbox.cliniko("/patients?page=2")
            _ = try await sandbox.request("\(sandbox.organization.clinikoBaseURL)/patients")
            _ = try await sandbox.chatwoot("/contacts")
            _ = try await sandbox.clerk("/users")
            let stats = try await sandbox.request("/_sandbox/stats").object()
            #expect(stats["total"] as? Int == 5)
            #expect((stats["apis"] as? [String: Int])?["cliniko"] == 3)
            #expect((stats["routes"] as? [String: Int])?["GET /cliniko/{shard}/v1/patients"] == 3)
            #expect((stats["statuses"] as? [String: Int])?["401"] == 1)
            #expect((stats["credentials"] as? [String: Int])?["cliniko:\(sandbox.organization.id)"] == 2)
            _ = try await sandbox.control("stats", "", method: .delete)
            #expect(try await sandbox.request("/_sandbox/stats").object()["total"] as? Int == 0)
        }
    }

    @Test("Truth summary counts match the JSON Lines, and --dump writes the same files")
    func truthAndDump() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sandbox-dump-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = SandboxServer.Configuration(
            port: 0, seed: 42, organizationCount: 2, patientsPerOrganization: 120, now: SandboxHarness.now,
            rateLimits: .unlimited, dumpDirectory: directory.path
        )
        try await withRunningSandbox(configuration: configuration, logger: .init(label: "test")) { endpoints in
            let port = Int(endpoints.baseURL.split(separator: ":").last!)!
            let sandbox = SandboxHarness(endpoints: endpoints, port: port)
            let summary = try await sandbox.request("/_sandbox/truth").object()
            let first = try #require((summary["organizations"] as? [[String: Any]])?.first)
            let counts = try #require(first["counts"] as? [String: Int])
            let id = try #require(first["id"] as? String)
            for resource in ["patients", "individual_appointments", "contacts", "messages"] {
                let lines = try await sandbox.truth(resource, organization: id)
                #expect(lines.count == counts[resource])
                let file = directory.appendingPathComponent(id).appendingPathComponent("\(resource).jsonl")
                let dumped = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
                #expect(dumped.count == counts[resource])
            }
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("clerk/users.jsonl").path))
        }
    }
}
