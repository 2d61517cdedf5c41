import ArgumentParser
import Foundation
import Testing

@testable import routiq

@Suite("Command line")
struct CommandLineTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("commands and options parse")
    func parsing() throws {
        let validate = try #require(try RoutIQ.parseAsRoot(["validate", "a.yml", "b.yml"]) as? RoutIQ.Validate)
        #expect(validate.files == ["a.yml", "b.yml"])
        let history = try #require(
            try RoutIQ.parseAsRoot(["history", "--org", "org_a", "--limit", "5", "--json"]) as? RoutIQ.History)
        #expect(history.org == "org_a")
        #expect(history.limit == 5)
        #expect(history.json)
        let add = try #require(
            try RoutIQ.parseAsRoot([
                "orgs", "add", "org_x1", "--name", "X", "--region", "NZ", "--time-zone", "Pacific/Auckland",
            ]) as? RoutIQ.Orgs.Add)
        #expect(add.region == "NZ")
        #expect(try RoutIQ.parseAsRoot(["db", "url"]) is RoutIQ.DB.ConnectionURL)
        let set = try #require(
            try RoutIQ.parseAsRoot(["orgs", "set-credential", "org_x1", "cliniko", "--from-env", "KEY"])
                as? RoutIQ.Orgs.SetCredential)
        #expect(set.fromEnv == "KEY")
        let rotate = try #require(
            try RoutIQ.parseAsRoot(["vault", "rotate", "--old-key-file", "old.key", "--new-key-from-env", "NEW_KEY"])
                as? RoutIQ.Vault.Rotate)
        #expect(rotate.oldKeyFile == "old.key")
        #expect(rotate.oldKeyFromEnv == nil)
        #expect(rotate.newKeyFile == nil)
        #expect(rotate.newKeyFromEnv == "NEW_KEY")
        let defaults = try #require(try RoutIQ.parseAsRoot(["vault", "rotate"]) as? RoutIQ.Vault.Rotate)
        #expect(defaults.oldKeyFile == nil && defaults.newKeyFile == nil && defaults.newKeyFromEnv == nil)
        let quarantine = try #require(
            try RoutIQ.parseAsRoot(["quarantine", "list", "--org", "org_a", "--org", "org_b", "--all", "--json"])
                as? RoutIQ.Quarantine.List)
        #expect(quarantine.organizations == ["org_a", "org_b"] && quarantine.all && quarantine.json)
        #expect(quarantine.limit == 100)
    }

    @Test("db url prints DATABASE_URL without its password, and a password-file note when it had one")
    func connectionURL() throws {
        let withPassword = try RoutIQ.DB.ConnectionURL.printable(
            databaseURL: "postgres://app:s3cret@db.example.com:6543/clinic?sslmode=require")
        #expect(withPassword.url == "postgres://app@db.example.com:6543/clinic?sslmode=require")
        let note = try #require(withPassword.passwordNote)
        #expect(note.contains("PGPASSFILE"))
        #expect(note.contains("db.example.com:6543:clinic:app:<password>"))
        #expect(!note.contains("s3cret"))
        let without = try RoutIQ.DB.ConnectionURL.printable(databaseURL: "postgresql://app@/clinic?host=/run/pg")
        #expect(without.url == "postgresql://app@/clinic?host=/run/pg")
        #expect(without.passwordNote == nil)
    }

    @Test(
        "bad flags are usage errors (exit code 2 at the edge)",
        arguments: [
            ["orgs", "add", "org-bad", "--name", "X"],
            ["orgs", "add", "org_ok", "--name", "X", "--time-zone", "Mars/Olympus"],
            ["orgs", "set-credential", "org_ok", "stripe"],
            ["orgs", "set-credential", "org_ok", "chatwoot"],
            ["history", "--limit", "0"],
            ["validate"],
            ["--log-level", "loud", "db", "status"],
            ["db", "status", "--log-level", "loud"],
            ["vault", "rotate", "--old-key-file", "a.key", "--old-key-from-env", "OLD"],
            ["vault", "rotate", "--new-key-file", "b.key", "--new-key-from-env", "NEW"],
            ["vault", "rotate", "--key", "c2VjcmV0"],
            ["quarantine", "list", "--limit", "0"],
            [
                "orgs", "set-credential", "org_ok", "chatwoot", "--base-url", "http://chat.example.com", "--account-id",
                "3",
            ],
            ["quarantine", "list", "--org", "org-bad"],
            ["run", "p.yml", "--concurrency", "0"],
        ])
    func usageErrors(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try RoutIQ.parseAsRoot(arguments) }
        do {
            _ = try RoutIQ.parseAsRoot(arguments)
        } catch {
            #expect(RoutIQ.exitCode(for: error) == .validationFailure)
        }
    }

    @Test("validate exits 0 for the shipped pipelines and 2 for a broken one")
    func validateExitCodes() async throws {
        let demo = Self.packageRoot.appendingPathComponent("pipelines/demo.yml").path
        let good = try #require(try RoutIQ.parseAsRoot(["validate", demo]) as? RoutIQ.Validate)
        try await good.run()
        let broken = Self.packageRoot.appendingPathComponent(
            "Tests/PipelineTests/Fixtures/invalid/07-unknown-stage-key.yml"
        ).path
        let bad = try #require(try RoutIQ.parseAsRoot(["validate", demo, broken]) as? RoutIQ.Validate)
        await #expect(throws: ExitCode(2)) { try await bad.run() }
    }

    @Test("pasted secrets are checked for shape without echoing them")
    func secretShape() {
        #expect(SecretShape.problem(with: "sk_test_abc", for: .clerk) == nil)
        #expect(SecretShape.problem(with: "pk_test_abc", for: .clerk)?.contains("pk_test") == false)
        #expect(SecretShape.problem(with: "has space-au1", for: .cliniko) != nil)
        #expect(SecretShape.problem(with: "MS0xLWF1MQ-au1", for: .cliniko) == nil)
    }

    @Test("--max-rejects takes a count or a percentage")
    func maxRejects() throws {
        let run = try #require(try RoutIQ.parseAsRoot(["run", "p.yml", "--max-rejects", "2%"]) as? RoutIQ.Run)
        #expect(run.maxRejects == "2%")
        #expect(throws: (any Error).self) { try RoutIQ.parseAsRoot(["run", "p.yml", "--max-rejects", "many"]) }
    }
}
