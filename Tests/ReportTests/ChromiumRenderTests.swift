import Foundation
import Logging
import PostgresNIO
import Runner
import TestSupport
import Testing

@testable import Report

/// Real reports loaded in headless Chromium: no script or console error, no failed or external resource, every chart
/// drawn at a real size with its labels inside it, nothing wider than a laptop window. Each detector is also shown
/// to fire on a page broken on purpose, so a check that stopped working would fail instead of passing silently.
///
/// Chromium is required: without it these tests fail with a message saying how to install it (DESIGN rule 36: no
/// silent skips). `.ci/run` installs it on a fresh machine.
@Suite("Reports in headless Chromium")
struct ChromiumRenderTests {
    let logger = TestDatabase.logger

    static func temporaryDirectory() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("routiq-render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A minimal page around `body`, as the probe expects one: a `<meta charset>` first in `<head>`.
    static func page(head: String = "", body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">\(head)<title>Broken on purpose</title></head>
        <body><p>Broken on purpose.</p>\(body)</body></html>
        """
    }

    @Test("generated reports and index load cleanly at laptop width, and the same report broken on purpose does not")
    func generatedReportsRenderCleanly() async throws {
        let chromium = try HeadlessChromium.locate()
        let output = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: output) }
        try await TestDatabase.withFreshDatabase { client, _ in
            try await DemoLikeFixture.seed(client)
            let generator = ReportGenerator(configuration: .init(outputDirectory: output))
            var summaries: [OrganizationSummary] = []
            for organization in DemoLikeFixture.allOrganizations {
                let files = try await generator.generate(
                    organization: organization, asOf: ReportFixture.asOf,
                    runID: organization == ReportFixture.organization ? ReportFixture.runID : nil,
                    warehouse: WarehouseReportAccess(client: client), logger: logger)
                summaries.append(files.summary)
            }
            try generator.writeIndex(summaries: summaries, asOf: ReportFixture.asOf)
        }

        let report = output.appendingPathComponent("\(ReportFixture.organization)/report.html")
        let pages = [
            report, output.appendingPathComponent("index.html"),
            output.appendingPathComponent("\(DemoLikeFixture.empty)/report.html"),
            output.appendingPathComponent("org_demoNoor/report.html"),
            output.appendingPathComponent("org_demoHudson/report.html"),
        ]
        for page in pages {
            let name = page.pathComponents.suffix(2).joined(separator: "/")
            let findings = try await chromium.probe(page)
            #expect(findings.problems.isEmpty, "\(name): \(findings.problems.joined(separator: "\n"))")
            #expect(findings.viewport.width == 1366, "\(name)")
            if page == report {
                #expect(
                    findings.charts.map(\.id) == [
                        "activity", "risk", "weekly", "types", "alive", "recency-frequency", "sync",
                    ])
            }
        }

        // The detectors fire: the same report, each time with one defect.
        let html = try String(contentsOf: report, encoding: .utf8)
        let folder = report.deletingLastPathComponent()
        func broken(_ css: String) async throws -> [String] {
            let copy = html.replacingOccurrences(of: "</style>", with: css + "</style>")
            #expect(copy != html)
            return try await chromium.probe(html: copy, in: folder).problems
        }
        let zeroWidth = try await broken("#weekly svg{width:0 !important}")
        #expect(zeroWidth.contains { $0.hasPrefix("chart weekly has zero size") }, "\(zeroWidth)")
        let collapsed = try await broken("#types .chart{height:0;overflow:hidden}#types svg{height:0 !important}")
        #expect(collapsed.contains { $0.hasPrefix("chart types has zero size") }, "\(collapsed)")
        let tooWide = try await broken("header{min-width:1800px}")
        #expect(tooWide.contains { $0.contains("wider than the 1366 px window") }, "\(tooWide)")
        let wideTable = try await broken("#types table{min-width:1400px}")
        #expect(wideTable.contains { $0.hasPrefix("content wider than its container: table") }, "\(wideTable)")
        let bigLabels = try await broken("svg .small{font-size:40px}")
        #expect(bigLabels.contains { $0.hasPrefix("chart label drawn outside its chart: risk") }, "\(bigLabels)")
        #expect(bigLabels.contains { $0.hasPrefix("chart labels overlap: types") }, "\(bigLabels)")
    }

    @Test("an uncaught error and console messages are caught by the probe and in Chromium's log")
    func catchesScriptErrors() async throws {
        let chromium = try HeadlessChromium.locate()
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let findings = try await chromium.probe(
            html: Self.page(
                body: """
                    <script>console.log("a deliberate log line"); console.error("a deliberate console error");</script>
                    <script>throw new Error("a deliberate uncaught error");</script>
                    """), in: folder)
        #expect(findings.errors.contains { $0.contains("a deliberate uncaught error") }, "\(findings.errors)")
        #expect(findings.errors.contains { $0.contains("a deliberate console error") }, "\(findings.errors)")
        #expect(
            findings.consoleMessages.contains { $0.contains("a deliberate log line") }, "\(findings.consoleMessages)")
        #expect(
            findings.consoleMessages.contains { $0.contains("a deliberate uncaught error") },
            "\(findings.consoleMessages)")
        #expect(findings.problems.count >= 4)
    }

    @Test("missing files and loads refused by the Content Security Policy are caught")
    func catchesResourceFailures() async throws {
        let chromium = try HeadlessChromium.locate()
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = try await chromium.probe(
            html: Self.page(
                head: "<link rel=\"stylesheet\" href=\"missing.css\">", body: "<img src=\"missing.png\" alt=\"\">"),
            in: folder)
        #expect(missing.failedResources.contains { $0.hasSuffix("/missing.png") }, "\(missing.failedResources)")
        #expect(missing.failedResources.contains { $0.hasSuffix("/missing.css") }, "\(missing.failedResources)")
        #expect(missing.problems.contains { $0.hasPrefix("resource failed to load") })

        // An image that exists, refused by the same policy the reports carry.
        try Data(
            base64Encoded:
                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4DwQACfsD/Z8fLAAAAAAASUVORK5CYII=")!
            .write(to: folder.appendingPathComponent("pixel.png"))
        let policy = HTMLReportWriter.contentSecurityPolicy
        let refused = try await chromium.probe(
            html: Self.page(
                head: "<meta http-equiv=\"Content-Security-Policy\" content=\"\(policy)\">",
                body: "<img src=\"pixel.png\" alt=\"\">"),
            in: folder)
        #expect(refused.errors.contains { $0.hasPrefix("Content-Security-Policy blocked") }, "\(refused.errors)")
        #expect(refused.consoleMessages.contains { $0.contains("Content Security Policy") })
        #expect(refused.resources.contains { $0.hasSuffix("/pixel.png") }, "\(refused.resources)")
    }

    @Test("without Chromium the tests fail and say how to install it")
    func missingChromiumFails() throws {
        let failure = #expect(throws: HeadlessChromium.Failure.self) {
            try HeadlessChromium.locate(environment: ["PATH": "/nonexistent"])
        }
        #expect(failure?.description.contains("apt-get install -y chromium") == true, "\(String(describing: failure))")
    }

    @Test("a page whose probe never ran fails instead of passing")
    func missingFindingsFail() async throws {
        let chromium = try HeadlessChromium.locate()
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("plain.html")
        try Data(Self.page(body: "").utf8).write(to: page)
        let load = try await chromium.load(page)
        #expect(load.dom.contains("Broken on purpose."))
        #expect(throws: RenderProbe.Failure.self) { try RenderProbe.findings(in: load.dom) }
        #expect(throws: RenderProbe.Failure.self) { try RenderProbe.instrument("<html><body>no charset</body></html>") }
    }
}
