import Foundation
import Load
import Logging
import Pipeline
import Runner
import Synchronization
import TestSupport
import Testing

@testable import routiq

/// The terminal progress display: its state, its lines, how it shares standard error with the log, and a real run
/// reporting into it.
@Suite("run progress on the terminal")
struct RunProgressTests {
    /// Everything written to the fake terminal, one entry per write.
    final class Terminal: Sendable {
        private let writes = Mutex<[String]>([])

        var all: [String] { writes.withLock { $0 } }
        var text: String { all.joined() }

        func write(_ text: String) { writes.withLock { $0.append(text) } }

        /// The writes made since the last call.
        func takeWrites() -> [String] {
            writes.withLock { writes in
                defer { writes = [] }
                return writes
            }
        }
    }

    static let start = ContinuousClock.now

    static func at(_ seconds: Double) -> ContinuousClock.Instant { start + .seconds(seconds) }

    /// Five organizations at 42 s into the run: one done, one reading patients with a known total, one scoring, one
    /// waiting, one failed.
    static func sample() -> RunProgress {
        let progress = RunProgress(title: "pipelines/demo.yml", startedAt: start)
        progress.expect(["org_a", "org_b", "org_c", "org_d", "org_long_name"])

        progress.organizationStarted("org_a", at: at(1))
        progress.stageStarted("extract.cliniko", organization: "org_a")
        progress.resourceStarted("patients", organization: "org_a", at: at(1))
        progress.resourceRead(records: 20_000, pages: 200, expected: nil, organization: "org_a", at: at(9))
        progress.organizationFinished("org_a", status: .succeeded, at: at(11))

        progress.organizationStarted("org_b", at: at(2))
        progress.stageStarted("extract.cliniko", organization: "org_b")
        progress.resourceStarted("individual_appointments", organization: "org_b", at: at(2))
        progress.resourceRead(records: 10_000, pages: 100, expected: 10_000, organization: "org_b", at: at(29))
        progress.resourceStarted("patients", organization: "org_b", at: at(30))
        progress.resourceRead(records: 4_000, pages: 40, expected: 10_000, organization: "org_b", at: at(32))

        progress.organizationStarted("org_c", at: at(12))
        progress.stageStarted("extract.chatwoot", organization: "org_c")
        progress.resourceStarted("contacts", organization: "org_c", at: at(12))
        progress.resourceRead(records: 9_000, pages: 90, expected: nil, organization: "org_c", at: at(20))
        progress.stageStarted("transform.score_activity", organization: "org_c")

        progress.organizationStarted("org_long_name", at: at(3))
        progress.organizationFinished("org_long_name", status: .failed, at: at(5))
        return progress
    }

    // MARK: State

    @Test("records and pages add up over resources; a new stage forgets the resource but not the counts")
    func stateAccumulates() {
        let organization = Self.sample().snapshot.organizations[1]
        #expect(organization.id == "org_b" && organization.status == .running)
        #expect(organization.records == 14_000 && organization.pages == 140)
        #expect(organization.resource == "patients" && organization.resourceRecords == 4_000)
        #expect(organization.resourceExpected == 10_000)

        let scoring = Self.sample().snapshot.organizations[2]
        #expect(scoring.stage == "transform.score_activity")
        #expect(scoring.resource == nil && scoring.resourceExpected == nil && scoring.resourceStartedAt == nil)
        #expect(scoring.records == 9_000 && scoring.pages == 90)
    }

    @Test("expect() keeps what is known; an organization reported without being expected is added")
    func expectKeepsState() {
        let progress = Self.sample()
        progress.expect(["org_a", "org_e"])
        progress.resourceRead(records: 5, pages: 1, expected: nil, organization: "org_f")
        let organizations = progress.snapshot.organizations
        #expect(organizations.map(\.id) == ["org_a", "org_b", "org_c", "org_d", "org_long_name", "org_e", "org_f"])
        #expect(organizations[0].status == .succeeded && organizations[0].records == 20_000)
        #expect(organizations[5].status == .waiting)
        #expect(organizations[6].records == 5)
    }

    @Test("concurrent updates from many organizations lose nothing")
    func concurrentUpdates() async {
        let progress = RunProgress(title: "t")
        let ids = (0..<16).map { "org_\($0)" }
        progress.expect(ids)
        await withTaskGroup(of: Void.self) { group in
            for id in ids {
                group.addTask {
                    progress.organizationStarted(id)
                    for resource in ["patients", "appointments"] {
                        progress.resourceStarted(resource, organization: id)
                        for page in 1...500 {
                            progress.resourceRead(records: page * 10, pages: page, expected: 5_000, organization: id)
                        }
                    }
                    progress.organizationFinished(id, status: .succeeded)
                }
            }
            // A reader, as the display is, while the writers run.
            group.addTask {
                for _ in 0..<200 {
                    let renderer = ProgressRenderer(width: 120, maximumLines: 20)
                    _ = renderer.lines(for: progress.snapshot, at: .now)
                    await Task.yield()
                }
            }
        }
        let organizations = progress.snapshot.organizations
        #expect(organizations.count == 16)
        #expect(organizations.allSatisfy { $0.status == .succeeded && $0.records == 10_000 && $0.pages == 1_000 })
    }

    // MARK: Lines

    @Test("a header, then one aligned line per organization: elapsed, records, rate, stage, and ETA when known")
    func rendering() {
        let lines = ProgressRenderer(width: 200, maximumLines: 12).lines(for: Self.sample().snapshot, at: Self.at(42))
        #expect(
            lines == [
                "pipelines/demo.yml: 2/5 organizations finished, 43,000 records, 0:42",
                "  org_a          succeeded  0:10  20,000 records  2,000/s",
                "  org_b          running    0:40  14,000 records  2,000/s  extract.cliniko/patients 40%  ETA 0:03",
                "  org_c          running    0:30   9,000 records           transform.score_activity",
                "  org_d          waiting",
                "  org_long_name  failed     0:02       0 records",
            ])
    }

    @Test("no ETA and no percentage without a total from the source, nor once the total is reached")
    func etaOnlyWhenKnown() {
        let progress = RunProgress(title: "t", startedAt: Self.start)
        progress.organizationStarted("org_a", at: Self.start)
        progress.stageStarted("extract.chatwoot", organization: "org_a")
        progress.resourceStarted("contacts", organization: "org_a", at: Self.start)
        progress.resourceRead(records: 300, pages: 3, expected: nil, organization: "org_a", at: Self.at(3))
        let renderer = ProgressRenderer(width: 200, maximumLines: 12)
        let unknown = renderer.lines(for: progress.snapshot, at: Self.at(4))[1]
        #expect(unknown == "  org_a  running  0:04  300 records  100/s  extract.chatwoot/contacts")

        progress.resourceRead(records: 300, pages: 3, expected: 900, organization: "org_a", at: Self.at(3))
        let known = renderer.lines(for: progress.snapshot, at: Self.at(4))[1]
        #expect(known == "  org_a  running  0:04  300 records  100/s  extract.chatwoot/contacts 33%  ETA 0:06")

        progress.resourceRead(records: 900, pages: 9, expected: 900, organization: "org_a", at: Self.at(9))
        let done = renderer.lines(for: progress.snapshot, at: Self.at(10))[1]
        #expect(done == "  org_a  running  0:10  900 records  100/s  extract.chatwoot/contacts 100%")
    }

    @Test("every status has its word")
    func statusWords() {
        let progress = RunProgress(title: "t", startedAt: Self.start)
        progress.expect(["w"])
        progress.organizationStarted("r", at: Self.start)
        let finished: [(String, OrganizationOutcome.Status)] = [
            ("s", .succeeded), ("f", .failed), ("k", .skipped), ("c", .cancelled),
        ]
        for (id, status) in finished {
            progress.organizationStarted(id, at: Self.start)
            progress.organizationFinished(id, status: status, at: Self.at(1))
        }
        let lines = ProgressRenderer(width: 200, maximumLines: 12).lines(for: progress.snapshot, at: Self.at(2))
        #expect(lines[0] == "t: 4/6 organizations finished, 0 records, 0:02")
        let words = lines.dropFirst().map { $0.split(separator: " ").map(String.init) }.map { Array($0.prefix(2)) }
        #expect(
            words == [["w", "waiting"], ["r", "running"], ["s", "succeeded"], ["f", "failed"], ["k", "skipped"]]
                + [["c", "cancelled"]])
        #expect(lines[2].contains("starting"), "a running organization before its first stage")
    }

    @Test("no line is wider than the terminal")
    func truncation() {
        let wide = ProgressRenderer(width: 500, maximumLines: 12).lines(for: Self.sample().snapshot, at: Self.at(42))
        for width in [1, 20, 47, 80] {
            let lines = ProgressRenderer(width: width, maximumLines: 12)
                .lines(for: Self.sample().snapshot, at: Self.at(42))
            #expect(lines.count == wide.count)
            #expect(lines.allSatisfy { $0.count <= width }, "\(width)")
            #expect(zip(lines, wide).allSatisfy { $1.hasPrefix($0) }, "lines are cut, not rewritten")
        }
        #expect(
            ProgressRenderer(width: 20, maximumLines: 12).lines(for: Self.sample().snapshot, at: Self.at(42))[0]
                == "pipelines/demo.yml: ")
    }

    @Test("more organizations than lines: the running ones are shown, the rest are counted")
    func overflow() {
        let lines = ProgressRenderer(width: 200, maximumLines: 4).lines(for: Self.sample().snapshot, at: Self.at(42))
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix("  org_b ") && lines[2].hasPrefix("  org_c "))
        #expect(lines[3] == "  + 3 more: 1 waiting, 1 succeeded, 1 failed")
    }

    @Test("names cannot send escape sequences to the terminal")
    func controlCharacters() {
        let progress = RunProgress(title: "evil\u{1B}[2J.yml", startedAt: Self.start)
        progress.organizationStarted("org\u{1B}]0;x\u{07}", at: Self.start)
        progress.stageStarted("stage\r", organization: "org\u{1B}]0;x\u{07}")
        let lines = ProgressRenderer(width: 200, maximumLines: 12).lines(for: progress.snapshot, at: Self.at(1))
        #expect(lines.allSatisfy { line in line.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F } })
        #expect(lines[0].hasPrefix("evil?[2J.yml: "))
    }

    // MARK: Display

    static func display(_ terminal: Terminal, progress: RunProgress = sample(), columns: Int = 200)
        -> TerminalProgressDisplay
    {
        TerminalProgressDisplay(
            progress: progress, configuration: .init(refreshInterval: .milliseconds(10)),
            size: { .init(columns: columns, rows: 40) }, now: { at(42) }, output: terminal.write
        )
    }

    static func frame(_ progress: RunProgress = sample()) -> String {
        ProgressRenderer(width: 199, maximumLines: 12).lines(for: progress.snapshot, at: at(42)).map { $0 + "\n" }
            .joined()
    }

    static let eraseSix = "\r\u{1B}[6A\u{1B}[J"

    @Test("the block is drawn, redrawn only when it changes, and log lines go above it in one write")
    func frames() {
        let terminal = Terminal()
        let progress = Self.sample()
        let display = Self.display(terminal, progress: progress)

        display.refresh()
        #expect(terminal.takeWrites() == [Self.frame(progress)])
        display.refresh()
        #expect(terminal.takeWrites().isEmpty, "an unchanged block is not redrawn")

        display.writeLog("2026-03-01T00:00:00+0000 info routiq: stage finished\n")
        #expect(
            terminal.takeWrites() == [
                Self.eraseSix + "2026-03-01T00:00:00+0000 info routiq: stage finished\n" + Self.frame(progress)
            ])

        display.writeLog("half a ")
        #expect(terminal.takeWrites().isEmpty, "a partial line waits for its end")
        display.writeLog("line\nand the next\n")
        #expect(terminal.takeWrites() == [Self.eraseSix + "half a line\nand the next\n" + Self.frame(progress)])

        progress.resourceRead(records: 5_000, pages: 50, expected: 10_000, organization: "org_b", at: Self.at(34))
        display.refresh()
        #expect(terminal.takeWrites() == [Self.eraseSix + Self.frame(progress)])

        display.finish()
        #expect(terminal.takeWrites() == [Self.eraseSix], "finishing erases the block and draws nothing")
        display.refresh()
        display.writeLog("after\n")
        display.finish()
        #expect(terminal.takeWrites() == ["after\n"], "after finishing, log lines are written as they are")
    }

    @Test("nothing is written when nothing was drawn or logged")
    func silentFinish() {
        let terminal = Terminal()
        let display = Self.display(terminal)
        display.finish()
        #expect(terminal.all.isEmpty)
    }

    @Test("the display's log handler formats like StreamLogHandler and writes above the block")
    func logHandler() throws {
        let terminal = Terminal()
        let display = Self.display(terminal)
        display.refresh()
        _ = terminal.takeWrites()
        var logger = Logger(label: "routiq") { display.makeLogHandler(label: $0) }
        logger[metadataKey: "routiq.org"] = "org_a"
        logger.info("stage finished", metadata: ["routiq.rows": "12"])
        let writes = terminal.takeWrites()
        #expect(writes.count == 1)
        let write = try #require(writes.first)
        #expect(write.hasPrefix(Self.eraseSix))
        #expect(write.hasSuffix("\n" + Self.frame()))
        let line = String(write.dropFirst(Self.eraseSix.count).dropLast(Self.frame().count))
        #expect(line.hasSuffix(" info routiq: routiq.org=org_a routiq.rows=12 [IntegrationTests] stage finished\n"))
        #expect(line.count(where: { $0 == "\n" }) == 1)
    }

    /// Waits until the display's refresh loop drew its first frame.
    static func untilWritten(_ terminal: Terminal) async throws {
        while terminal.all.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
    }

    @Test("showing(_:) redraws while the body runs and erases the block when it ends, even by throwing")
    func showing() async throws {
        let terminal = Terminal()
        let display = Self.display(terminal)
        let value = try await TerminalProgressDisplay.showing(display) {
            try await Self.untilWritten(terminal)
            return 7
        }
        #expect(value == 7)
        #expect(terminal.all.first == Self.frame())
        #expect(terminal.all.last == Self.eraseSix)
        display.writeLog("after\n")
        #expect(terminal.all.last == "after\n")

        struct Failure: Error {}
        let second = Terminal()
        let failing = Self.display(second)
        await #expect(throws: Failure.self) {
            try await TerminalProgressDisplay.showing(failing) {
                try await Self.untilWritten(second)
                throw Failure()
            }
        }
        #expect(second.all.last == Self.eraseSix)
    }

    @Test("only on a terminal with ANSI escapes and text logs; otherwise no display at all")
    func support() async throws {
        #expect(TerminalProgressDisplay.isSupported(format: .text, isTerminal: true, terminalType: "xterm-256color"))
        #expect(!TerminalProgressDisplay.isSupported(format: .json, isTerminal: true, terminalType: "xterm-256color"))
        #expect(!TerminalProgressDisplay.isSupported(format: .text, isTerminal: false, terminalType: "xterm-256color"))
        #expect(!TerminalProgressDisplay.isSupported(format: .text, isTerminal: true, terminalType: "dumb"))
        #expect(!TerminalProgressDisplay.isSupported(format: .text, isTerminal: true, terminalType: nil))
        #expect(!TerminalProgressDisplay.isSupported(format: .text, isTerminal: true, terminalType: ""))
        // Without a display the body just runs.
        #expect(try await TerminalProgressDisplay.showing(nil) { 7 } == 7)
    }

    // MARK: A real run

    @Test("a run reports every organization, its stages' records and its final status")
    func realRun() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let vault = try CredentialVault(keyData: Data(repeating: 5, count: 32))
            let definition = try PipelineRunTests.demo(patients: 40)
            let progress = RunProgress(title: "demo")
            var run = PipelineRun(
                definition: definition, runID: UUID(), asOf: nil, forceFull: false, concurrency: 2, isDryRun: false,
                onlyOrganizations: [], actor: "tests", logger: TestDatabase.logger
            )
            run.observer = progress
            let outcomes = try await run.execute(client: client, vault: vault)
            let snapshot = progress.snapshot
            #expect(snapshot.stage == "report")
            #expect(snapshot.organizations.map(\.id).sorted() == outcomes.map(\.organization))
            for outcome in outcomes {
                let organization = try #require(snapshot.organizations.first { $0.id == outcome.organization })
                #expect(organization.status == .succeeded && outcome.status == .succeeded)
                // Every resource but Clerk's organizations (read without the resource loader) reports its pages.
                let loaded = outcome.resources.filter { !($0.source == "clerk" && $0.resource == "organizations") }
                #expect(organization.records == loaded.reduce(0) { $0 + $1.read })
                #expect(organization.pages == loaded.reduce(0) { $0 + $1.pages })
                #expect(organization.records > 40)
                #expect(organization.stage == nil && organization.finishedAt != nil)
            }
        }
    }
}
