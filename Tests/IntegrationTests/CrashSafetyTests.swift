import Foundation
import Load
import PostgresNIO
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Kills the real `routiq` process with SIGKILL at many points of a run — while pages are staged with COPY (outside
/// any transaction), between extract stages, while resources merge in the final transaction, while contacts match and patients are scored, just before and just after commits, and while
/// reports are written — and checks after every kill that each organization's data is either untouched or
/// exactly a complete run's; then the next run converges to the checksum of a run that was never interrupted.
@Suite("crash safety: SIGKILL at any point never leaves partial data")
struct CrashSafetyTests {
    /// Where a kill is aimed: the `count`-th log event with this message, then a short random delay.
    struct KillPoint: CustomStringConvertible {
        var message: String
        var count: Int
        var description: String { "\(message) #\(count)" }
    }

    /// At least 20 points across the extract phase (COPY into the staging area, between stages), the final
    /// transaction (merge, derive, commit) and reports, shuffled into the runs.
    static let killPoints: [KillPoint] =
        [
            ("page staged", [1, 3, 7, 12, 20, 30, 45, 60, 90]), ("stage finished", [1, 2, 4]),
            ("resource merged", [1, 2, 5, 9, 14]),
            ("contacts matched", [1, 2]), ("patients scored", [1, 2]), ("committing", [1, 2]),
            ("organization committed", [1]), ("in-process sandbox ready", [1]), ("writing reports", [1, 2]),
        ]
        .flatMap { message, counts in counts.map { KillPoint(message: message, count: $0) } }

    @Test("a run killed at 27 points never leaves partial data, and the next run converges")
    func sigkillAnywhere() async throws {
        let runner = try ChildRunner()
        defer { runner.cleanUp() }

        let reference = try await TestDatabase.withFreshDatabase { client, endpoint in
            let result = try await runner.run(database: endpoint, killAt: nil)
            #expect(result.exitStatus == 0, "an uninterrupted run succeeds: \(result.lastLines)")
            var perOrganization: [String: WarehouseChecksum] = [:]
            for organization in try await Self.organizations(on: client) {
                perOrganization[organization] = try await WarehouseChecksum.compute(
                    on: client, organization: organization)
            }
            return (whole: try await WarehouseChecksum.compute(on: client), organizations: perOrganization)
        }
        #expect(reference.organizations.count == 2)

        try await TestDatabase.withFreshDatabase { client, endpoint in
            var generator = SystemRandomNumberGenerator()
            var killed = 0
            var states: Set<String> = []
            // The first kill lands before the first commit (so "untouched" is seen); the rest in random order.
            let first = KillPoint(message: "page staged", count: 3)
            let order =
                [first] + Self.killPoints.filter { $0.description != first.description }.shuffled(using: &generator)
            for point in order {
                let result = try await runner.run(database: endpoint, killAt: point)
                if result.wasKilled { killed += 1 }
                // Every organization is either as before this run or exactly as a complete run leaves it.
                for (organization, complete) in reference.organizations {
                    let now = try await WarehouseChecksum.compute(on: client, organization: organization)
                    states.insert(now.isEmpty ? "untouched" : now == complete ? "complete" : "partial")
                    #expect(
                        now.isEmpty || now == complete,
                        "after a kill at \(point), \(organization) is partial in \(now.differences(from: complete))")
                }
            }
            #expect(killed >= 20, "only \(killed) runs were killed while running")
            #expect(
                states.isSuperset(of: ["untouched", "complete"]), "kills hit both before and after commits: \(states)")

            let final = try await runner.run(database: endpoint, killAt: nil)
            #expect(final.exitStatus == 0, "the run after the kills succeeds: \(final.lastLines)")
            let converged = try await WarehouseChecksum.compute(on: client)
            #expect(converged == reference.whole, "differs in \(converged.differences(from: reference.whole))")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM sync_runs WHERE status = 'running'", on: client) == 0,
                "runs left behind by killed processes are closed")
            let staged = try await TestDatabase.count(
                """
                SELECT ((SELECT count(*) FROM routiq_staging.patients) + (SELECT count(*) FROM routiq_staging.appointments)
                        + (SELECT count(*) FROM routiq_staging.quarantine))::int
                """, on: client)
            #expect(staged == 0, "rows staged by killed runs are discarded by the next run")
        }
    }

    @Test(
        "SIGTERM mid-run stops gracefully: every organization rolls back, is recorded cancelled, and the exit code is 1"
    )
    func sigtermRollsBack() async throws {
        let runner = try ChildRunner()
        defer { runner.cleanUp() }
        try await TestDatabase.withFreshDatabase { client, endpoint in
            let result = try await runner.run(
                database: endpoint, killAt: KillPoint(message: "page staged", count: 5), signal: SIGTERM)
            #expect(!result.wasKilled, "the process ends by itself after SIGTERM")
            #expect(result.exitStatus == 1, "\(result.lastLines)")
            #expect(result.lines.contains { $0.contains("rolls back at once") })
            #expect(try await WarehouseChecksum.compute(on: client).isEmpty, "nothing of the stopped run is kept")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM sync_runs WHERE status = 'cancelled'", on: client)
                    == 2)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM sync_runs WHERE status <> 'cancelled'", on: client)
                    == 0)
        }
    }

    /// While organizations wait on rate limits: the process ends within 30 s, every organization that began is
    /// recorded cancelled, none is left running.
    @Test("SIGTERM at --concurrency 32 ends the process within 30 s, every organization cancelled")
    func sigtermAtHighConcurrency() async throws {
        let runner = try ChildRunner(organizations: 32, patients: 30, chatwootPerMinute: 1)
        defer { runner.cleanUp() }
        try await TestDatabase.withFreshDatabase { client, endpoint in
            // Organizations wait on Chatwoot's budget (one request a minute) once their Cliniko stage finished.
            let result = try await runner.run(
                database: endpoint, killAt: KillPoint(message: "stage finished", count: 24), signal: SIGTERM,
                arguments: ["--concurrency", "32"])
            #expect(!result.wasKilled, "the process ends by itself after SIGTERM")
            #expect(result.exitStatus == 1, "\(result.lastLines)")
            let seconds = try #require(result.secondsAfterSignal, "the signal was sent: \(result.lastLines)")
            #expect(seconds < 30, "the process lived \(seconds) s after SIGTERM")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM sync_runs WHERE status = 'running'", on: client) == 0)
            let cancelled = try await TestDatabase.count(
                "SELECT count(*)::int FROM sync_runs WHERE status = 'cancelled'", on: client)
            #expect(cancelled >= 24, "\(cancelled) organizations recorded cancelled")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM sync_runs WHERE status NOT IN ('cancelled')", on: client) == 0)
            #expect(try await WarehouseChecksum.compute(on: client).isEmpty, "nothing of the stopped run is kept")
        }
    }

    /// The server kills every session of the run's database mid-run (as a restart or failover would). An organization
    /// holds a connection only while it runs a statement, so one that was waiting on its source carries on with a
    /// new connection (its run record fences its commit), while one whose statement was cut fails; a statement
    /// written to a closed connection never returns in postgres-nio 1.33, and without a watch the process would wait
    /// forever. Whatever happens, the process ends, and each organization is untouched or complete.
    @Test("when the database goes away mid-run, the process ends, keeps nothing partial, and the next run converges")
    func databaseGoesAway() async throws {
        let runner = try ChildRunner()
        defer { runner.cleanUp() }
        try await TestDatabase.withFreshDatabase { client, endpoint in
            async let child = runner.run(database: endpoint, killAt: nil)
            let killedAt = try await Self.endSessionsOnceRunning(client)
            let result = try await child
            let seconds = (ContinuousClock.now - killedAt).components.seconds
            #expect(!result.wasKilled)
            #expect(seconds < 90, "the process lived \(seconds) s after its sessions were killed")
            #expect([0, 1].contains(result.exitStatus), "\(result.lastLines)")
            var afterBreak: [String: WarehouseChecksum] = [:]
            for organization in try await Self.organizations(on: client) {
                afterBreak[organization] = try await WarehouseChecksum.compute(on: client, organization: organization)
            }
            if result.exitStatus == 1 {
                #expect(afterBreak.values.contains { $0.isEmpty }, "an organization failed, so one kept nothing")
            }

            let next = try await runner.run(database: endpoint, killAt: nil)
            #expect(next.exitStatus == 0, "\(next.lastLines)")
            for (organization, state) in afterBreak {
                let complete = try await WarehouseChecksum.compute(on: client, organization: organization)
                #expect(
                    state.isEmpty || state == complete,
                    "\(organization) was left partial: \(state.differences(from: complete))")
            }
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM sync_runs WHERE status = 'running'", on: client) == 0,
                "the broken run's records are closed")
        }
    }

    /// Once both organizations are under way, ends every other session of the database; returns when it did.
    static func endSessionsOnceRunning(_ client: PostgresClient) async throws -> ContinuousClock.Instant {
        for _ in 0..<1_200 {
            let running = try await TestDatabase.count(
                "SELECT count(*)::int FROM sync_runs WHERE status = 'running'", on: client)
            if running == 2 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        try await Task.sleep(for: .seconds(2))
        try await client.query(
            """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
            """, logger: TestDatabase.logger)
        return .now
    }

    static func organizations(on client: PostgresClient) async throws -> [String] {
        var result: [String] = []
        let rows = try await client.query("SELECT organization_id FROM organizations", logger: TestDatabase.logger)
        for try await (id) in rows.decode(String.self) { result.append(id) }
        return result
    }
}

/// Runs the built `routiq` executable on a small pinned demo pipeline, optionally killing it at a log event.
struct ChildRunner: Sendable {
    struct Result: Sendable {
        var exitStatus: Int32
        var wasKilled: Bool
        /// How long the process lived after the signal was sent, when one was.
        var secondsAfterSignal: Double?
        /// Every log line the process wrote.
        var lines: [String]
        /// The last few, for failure messages.
        var lastLines: ArraySlice<String> { lines.suffix(12) }
    }

    let executable: URL
    let folder: URL
    let pipeline: URL

    /// Creates a runner of a pipeline of `organizations` sandbox clinics of `patients` each, with Chatwoot allowed
    /// `chatwootPerMinute` requests a minute (1 keeps organizations waiting on their request budget).
    ///
    /// With `schedule` (and `fullSchedule`), the pipeline carries those cron expressions (`--due`, `routiq schedule`).
    init(
        organizations: Int = 2, patients: Int = 120, chatwootPerMinute: Int = 100_000, schedule: String? = nil,
        fullSchedule: String? = nil
    ) throws {
        executable = try RoutiqExecutable.locate()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("routiq-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        pipeline = folder.appendingPathComponent("crash.yml")
        let yaml = """
            version: 1
            name: crash-safety
            organizations: all
            timezone_from: organization\(schedule.map { "\nschedule: \"\($0)\"" } ?? "")\(fullSchedule.map { "\nfull_schedule: \"\($0)\"" } ?? "")
            sandbox:
              seed: 7
              organizations: \(organizations)
              patients: \(patients)
              now: 2026-03-01T00:00:00Z
            http:
              contact_email: tests@routiq.invalid
            stages:
              - extract: cliniko
                resources: [patients, individual_appointments, appointment_types, practitioners, businesses]
                per_page: 25
                requests_per_minute: 100000
              - extract: chatwoot
                resources: [contacts, conversations, messages]
                requests_per_minute: \(chatwootPerMinute)
              - extract: clerk
                requests_per_minute: 100000
              - transform: normalize_phones
              - transform: match_contacts
              - load: postgres
              - transform: score_activity
              - transform: aggregate_appointments
              - report: json
                output: \(folder.appendingPathComponent("output").path)
              - report: html
                output: \(folder.appendingPathComponent("output").path)

            """
        try yaml.write(to: pipeline, atomically: true, encoding: .utf8)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `routiq run` against `database`; with a kill point, sends `signal` a few milliseconds after the point's
    /// log event (if the process gets that far).
    func run(
        database: DatabaseEndpoint, killAt point: CrashSafetyTests.KillPoint?, signal: Int32 = SIGKILL,
        arguments: [String] = [], command: String = "run"
    ) async throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = [command, pipeline.path, "--log-level", "debug", "--log-format", "json"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = database.urlIncludingPassword
        environment["CREDENTIALS_ENCRYPTION_KEY"] = Data(repeating: 7, count: 32).base64EncodedString()
        environment["ROUTIQ_HOME"] = folder.appendingPathComponent("home").path
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let pid = process.processIdentifier
        let delay = UInt32.random(in: 0...20_000)

        // Read the log lines on a thread of their own: reading blocks.
        let (lines, signalled) = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<([String], Date?), any Error>) in
            Thread.detachNewThread {
                var seen = 0
                var sent: Date?
                var buffer = Data()
                var last: [String] = []
                let handle = errors.fileHandleForReading
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    buffer.append(chunk)
                    while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                        let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                        buffer.removeSubrange(buffer.startIndex...newline)
                        last.append(line)
                        guard let point, sent == nil, line.contains("\"message\":\"\(point.message)\"") else {
                            continue
                        }
                        seen += 1
                        if seen == point.count {
                            usleep(delay)
                            kill(pid, signal)
                            sent = Date()
                        }
                    }
                }
                continuation.resume(returning: (last, sent))
            }
        }
        process.waitUntilExit()
        let killed = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
        return Result(
            exitStatus: process.terminationStatus, wasKilled: killed,
            secondsAfterSignal: signalled.map { Date().timeIntervalSince($0) }, lines: lines)
    }
}

struct ChildRunnerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
