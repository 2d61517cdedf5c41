import Foundation
import HTTPTypes
import HummingbirdTesting
import Sandbox
import Testing

@Suite("Fault injection")
struct FaultInjectionTests {
    @Test("The text spec parses every kind and trigger")
    func parsing() throws {
        let spec = try FaultSpec(
            parsing: "seed:7,api:cliniko+clerk,429:@5:3,503:0.02,slow:%10:250,reset:@9/12,truncate:0.5")
        #expect(spec.seed == 7)
        #expect(spec.apis == ["cliniko", "clerk"])
        #expect(spec.rules.map(\.kind) == [.rateLimited, .serviceUnavailable, .slow, .reset, .truncate])
        #expect(spec.rules[0].at == [5] && spec.rules[0].length == 3)
        #expect(spec.rules[2].every == 10 && spec.rules[2].delayMilliseconds == 250)
        #expect(throws: FaultSpec.ParseError.self) { try FaultSpec(parsing: "explode:0.5") }
    }

    @Test("Status faults: a 429 storm of the given length, then 500, 502 and 503 on schedule")
    func statusFaults() async throws {
        try await SandboxHarness.with(faults: try FaultSpec(parsing: "429:@2:3,500:@6,502:@7,503:@8")) { sandbox in
            var statuses: [Int] = []
            var resetHeader: String?
            for _ in 0..<9 {
                let reply = try await sandbox.cliniko("/businesses")
                statuses.append(reply.status)
                if reply.status == 429 { resetHeader = reply.header("X-RateLimit-Reset") }
            }
            #expect(statuses == [200, 429, 429, 429, 200, 500, 502, 503, 200])
            #expect(resetHeader != nil)
            let log = try await sandbox.request("/_sandbox/faults").object()["injected"] as? [[String: Any]] ?? []
            #expect(log.compactMap { $0["ordinal"] as? Int } == [2, 3, 4, 6, 7, 8])
        }
    }

    @Test("Slow responses are delayed by at least the configured time")
    func slow() async throws {
        try await SandboxHarness.with(faults: try FaultSpec(parsing: "slow:@2:400")) { sandbox in
            _ = try await sandbox.cliniko("/user")
            let clock = ContinuousClock()
            var reply: SandboxHarness.Reply?
            let elapsed = try await clock.measure { reply = try await sandbox.cliniko("/user") }
            #expect(elapsed >= .milliseconds(400))
            #expect(reply?.status == 200)
            let log = try await sandbox.request("/_sandbox/faults").object()["injected"] as? [[String: Any]] ?? []
            #expect(log.count == 1 && log.first?["kind"] as? String == "slow" && log.first?["ordinal"] as? Int == 2)
        }
    }

    @Test("Truncated JSON: a 200 whose body is cut short and does not parse")
    func truncate() async throws {
        try await SandboxHarness.with(faults: try FaultSpec(parsing: "truncate:@1")) { sandbox in
            let reply = try await sandbox.cliniko("/patients")
            #expect(reply.status == 200)
            #expect(reply.header("Content-Length") == String(reply.body.count))
            #expect((try? JSONSerialization.jsonObject(with: Data(reply.body))) == nil)
            let intact = try await sandbox.cliniko("/patients")
            #expect((try? intact.object()) != nil)
        }
    }

    @Test("Connection reset mid-body: the client never gets a complete response")
    func reset() async throws {
        try await SandboxHarness.with(faults: try FaultSpec(parsing: "reset:@1")) { sandbox in
            var complete = false
            do {
                let reply = try await sandbox.cliniko("/patients?per_page=100")
                complete = (try? JSONSerialization.jsonObject(with: Data(reply.body))) != nil
            } catch {
                complete = false
            }
            #expect(!complete)
            let next = try await sandbox.cliniko("/patients?per_page=100")
            #expect(next.status == 200)
        }
    }

    @Test("Trickle: the whole body arrives, one byte at a time")
    func trickle() async throws {
        let spec = try FaultSpec(parsing: "trickle:@2:10")
        #expect(spec.rules.first?.kind == .trickle && spec.rules.first?.delayMilliseconds == 10)
        try await SandboxHarness.with(faults: spec) { sandbox in
            // A small body (a 404's), so a loaded machine stays well within the test client's 15 s per response.
            let intact = try await sandbox.cliniko("/patients/1")
            let clock = ContinuousClock()
            var reply: SandboxHarness.Reply?
            let elapsed = try await clock.measure { reply = try await sandbox.cliniko("/patients/1") }
            #expect(intact.status == 404)
            #expect(reply?.status == 404)
            #expect(reply?.body == intact.body)
            #expect(elapsed >= .milliseconds(10 * (intact.body.count - 1)))
            let log = try await sandbox.request("/_sandbox/faults").object()["injected"] as? [[String: Any]] ?? []
            #expect(log.count == 1 && log.first?["kind"] as? String == "trickle")
        }
    }

    @Test("A record repeated across two pages")
    func duplicate() async throws {
        try await SandboxHarness.with(faults: try FaultSpec(parsing: "duplicate:@2")) { sandbox in
            let first =
                try await sandbox.cliniko("/patients?per_page=20").object()["patients"] as? [[String: Any]] ?? []
            let second =
                try await sandbox.cliniko("/patients?per_page=20&page=2").object()["patients"] as? [[String: Any]] ?? []
            #expect(second.count == 21)
            #expect("\(second[0]["id"]!)" == "\(first.last!["id"]!)")
        }
    }

    @Test("A record changed between two page fetches")
    func change() async throws {
        try await SandboxHarness.with(faults: try FaultSpec(parsing: "change:@1")) { sandbox in
            let before = try await sandbox.truth("patients")
            let first = try await sandbox.cliniko("/patients?per_page=20").object()
            let second =
                try await sandbox.cliniko("/patients?per_page=20&page=2").object()["patients"] as? [[String: Any]] ?? []
            #expect(first["total_entries"] != nil)
            let changed = try #require(second.first)
            let original = try #require(before.first { "\($0["id"]!)" == "\(changed["id"]!)" })
            #expect((changed["updated_at"] as? String ?? "") > (original["updated_at"] as? String ?? "~"))
            #expect(changed["updated_at"] as? String ?? "" > "2026-03-01T09:00:00Z")
        }
    }

    @Test("A malformed record: the page's first record has no readable created_at, the others are intact")
    func corrupt() async throws {
        try await SandboxHarness.with(faults: try FaultSpec(parsing: "corrupt:@2")) { sandbox in
            let clean =
                try await sandbox.cliniko("/patients?per_page=20").object()["patients"] as? [[String: Any]] ?? []
            let faulted =
                try await sandbox.cliniko("/patients?per_page=20").object()["patients"] as? [[String: Any]] ?? []
            #expect(clean.count == 20 && faulted.count == 20)
            #expect(faulted[0]["created_at"] as? String == "not a timestamp")
            #expect("\(faulted[0]["id"]!)" == "\(clean[0]["id"]!)")
            #expect(clean[0]["created_at"] as? String != "not a timestamp")
            for index in 1..<20 {
                #expect(faulted[index]["created_at"] as? String == clean[index]["created_at"] as? String)
            }
        }
    }

    @Test("Probabilistic faults replay identically with the same seed and differ with another")
    func replay() async throws {
        func run(seed: UInt64) async throws -> [Int] {
            let spec = FaultSpec(
                seed: seed,
                rules: [
                    FaultRule(kind: .serviceUnavailable, probability: 0.2),
                    FaultRule(kind: .internalServerError, probability: 0.1),
                ])
            return try await SandboxHarness.with(faults: spec) { sandbox in
                var statuses: [Int] = []
                for _ in 0..<40 { statuses.append(try await sandbox.cliniko("/user").status) }
                return statuses
            }
        }
        let first = try await run(seed: 11)
        let again = try await run(seed: 11)
        let other = try await run(seed: 12)
        #expect(first == again)
        #expect(first.contains(503) && first.contains(500) && first.contains(200))
        #expect(first != other)
    }

    @Test("Faults can be set and cleared at runtime through /_sandbox/faults")
    func controlRoute() async throws {
        try await SandboxHarness.with { sandbox in
            let set = try await sandbox.control("faults", #"{"spec":"seed:3,api:chatwoot,503:@1"}"#)
            #expect(set.status == 200)
            #expect(try await sandbox.cliniko("/user").status == 200)
            #expect(try await sandbox.chatwoot("/contacts").status == 503)
            #expect(try await sandbox.chatwoot("/contacts").status == 200)
            let json = try await sandbox.control("faults", #"{"seed":1,"rules":[{"kind":"502","every":1}]}"#)
            #expect(json.status == 200)
            #expect(try await sandbox.clerk("/organizations").status == 502)
            _ = try await sandbox.control("faults", "", method: .delete)
            #expect(try await sandbox.clerk("/organizations").status == 200)
        }
    }
}
