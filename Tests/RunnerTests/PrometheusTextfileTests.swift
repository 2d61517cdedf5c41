import Foundation
import Load
import TestSupport
import Testing

@testable import Runner

@Suite("Prometheus textfile (--metrics-prom)")
struct PrometheusTextfileTests {
    static let finishedAt = Date(timeIntervalSince1970: 1_772_323_200)

    static func outcome(
        _ organization: String, _ status: OrganizationOutcome.Status, quarantined: Int = 0
    ) -> OrganizationOutcome {
        OrganizationOutcome(
            organization: organization, status: status, message: status == .failed ? "source unreachable" : nil,
            totals: RunRecorder.Totals(read: 10, inserted: 5, quarantined: quarantined), resources: [], seconds: 3)
    }

    static let standings = [
        RunHistory.Standing(
            organizationID: "org_a",
            lastSuccess: .init(
                finishedAt: Date(timeIntervalSince1970: 1_772_323_190), seconds: 4.25, recordsRead: 120,
                recordsInserted: 100, recordsUpdated: 20, recordsQuarantined: 2),
            lastRun: .init(finishedAt: Date(timeIntervalSince1970: 1_772_323_190), seconds: 4.25, recordsRead: 120),
            lastRunSucceeded: true, failuresSinceSuccess: 0),
        RunHistory.Standing(
            organizationID: "org_b", lastSuccess: nil,
            lastRun: .init(finishedAt: Date(timeIntervalSince1970: 1_772_323_195), seconds: 0.5),
            lastRunSucceeded: false, failuresSinceSuccess: 3),
    ]

    @Test("the whole file, exactly: run gauges, then organization gauges from the run records")
    func exactOutput() {
        let file = PrometheusTextfile(
            pipeline: "nightly",
            outcomes: [Self.outcome("org_a", .succeeded, quarantined: 2), Self.outcome("org_b", .failed)],
            standings: Self.standings, seconds: 12.5, finishedAt: Self.finishedAt)
        let expected = """
            # HELP routiq_run_last_exit_status Exit status of the pipeline's last run here: 0 every organization succeeded or was another worker's, 1 some organization failed, was stopped or was held by another run.
            # TYPE routiq_run_last_exit_status gauge
            routiq_run_last_exit_status{pipeline="nightly"} 1
            # HELP routiq_run_last_finish_timestamp_seconds When the pipeline's last run here ended, in seconds since the Unix epoch.
            # TYPE routiq_run_last_finish_timestamp_seconds gauge
            routiq_run_last_finish_timestamp_seconds{pipeline="nightly"} 1772323200
            # HELP routiq_run_last_duration_seconds How long the pipeline's last run here took, in seconds.
            # TYPE routiq_run_last_duration_seconds gauge
            routiq_run_last_duration_seconds{pipeline="nightly"} 12.5
            # HELP routiq_run_last_organizations Organizations of the pipeline's last run here, by how their part ended.
            # TYPE routiq_run_last_organizations gauge
            routiq_run_last_organizations{pipeline="nightly",status="succeeded"} 1
            routiq_run_last_organizations{pipeline="nightly",status="failed"} 1
            routiq_run_last_organizations{pipeline="nightly",status="skipped"} 0
            routiq_run_last_organizations{pipeline="nightly",status="cancelled"} 0
            routiq_run_last_organizations{pipeline="nightly",status="taken"} 0
            routiq_run_last_organizations{pipeline="nightly",status="done"} 0
            # HELP routiq_run_last_records_quarantined Records quarantined by the pipeline's last run here, over every organization.
            # TYPE routiq_run_last_records_quarantined gauge
            routiq_run_last_records_quarantined{pipeline="nightly"} 2
            # HELP routiq_run_history_loaded 1 when the routiq_organization_* figures were read from the database after the run, 0 when it could not be read (they are then left out).
            # TYPE routiq_run_history_loaded gauge
            routiq_run_history_loaded{pipeline="nightly"} 1
            # HELP routiq_organization_last_success_timestamp_seconds When the organization's last successful run of the pipeline ended, in seconds since the Unix epoch (absent when it never succeeded).
            # TYPE routiq_organization_last_success_timestamp_seconds gauge
            routiq_organization_last_success_timestamp_seconds{pipeline="nightly",organization="org_a"} 1772323190
            # HELP routiq_organization_last_success_duration_seconds How long the organization's last successful run of the pipeline took, in seconds.
            # TYPE routiq_organization_last_success_duration_seconds gauge
            routiq_organization_last_success_duration_seconds{pipeline="nightly",organization="org_a"} 4.25
            # HELP routiq_organization_last_success_records_read Records the organization's last successful run read from its sources.
            # TYPE routiq_organization_last_success_records_read gauge
            routiq_organization_last_success_records_read{pipeline="nightly",organization="org_a"} 120
            # HELP routiq_organization_last_success_records_inserted Rows the organization's last successful run inserted.
            # TYPE routiq_organization_last_success_records_inserted gauge
            routiq_organization_last_success_records_inserted{pipeline="nightly",organization="org_a"} 100
            # HELP routiq_organization_last_success_records_updated Rows the organization's last successful run updated.
            # TYPE routiq_organization_last_success_records_updated gauge
            routiq_organization_last_success_records_updated{pipeline="nightly",organization="org_a"} 20
            # HELP routiq_organization_last_success_records_quarantined Records the organization's last successful run quarantined.
            # TYPE routiq_organization_last_success_records_quarantined gauge
            routiq_organization_last_success_records_quarantined{pipeline="nightly",organization="org_a"} 2
            # HELP routiq_organization_last_run_timestamp_seconds When the organization's last finished run of the pipeline ended, whatever its status, in seconds since the Unix epoch.
            # TYPE routiq_organization_last_run_timestamp_seconds gauge
            routiq_organization_last_run_timestamp_seconds{pipeline="nightly",organization="org_a"} 1772323190
            routiq_organization_last_run_timestamp_seconds{pipeline="nightly",organization="org_b"} 1772323195
            # HELP routiq_organization_last_run_duration_seconds How long the organization's last finished run of the pipeline took, in seconds.
            # TYPE routiq_organization_last_run_duration_seconds gauge
            routiq_organization_last_run_duration_seconds{pipeline="nightly",organization="org_a"} 4.25
            routiq_organization_last_run_duration_seconds{pipeline="nightly",organization="org_b"} 0.5
            # HELP routiq_organization_last_run_success 1 when the organization's last finished run of the pipeline succeeded, 0 when it failed or was cancelled.
            # TYPE routiq_organization_last_run_success gauge
            routiq_organization_last_run_success{pipeline="nightly",organization="org_a"} 1
            routiq_organization_last_run_success{pipeline="nightly",organization="org_b"} 0
            # HELP routiq_organization_consecutive_failures Runs of the pipeline that failed or were cancelled for the organization since its last success (all of them when it never succeeded).
            # TYPE routiq_organization_consecutive_failures gauge
            routiq_organization_consecutive_failures{pipeline="nightly",organization="org_a"} 0
            routiq_organization_consecutive_failures{pipeline="nightly",organization="org_b"} 3

            """
        #expect(file.text == expected)
        #expect(PrometheusText.problems(in: file.text) == [])
    }

    @Test("without the run records: only the run's gauges, history_loaded 0, exit status 0 when nothing failed")
    func withoutHistory() {
        let file = PrometheusTextfile(
            pipeline: "nightly",
            outcomes: [Self.outcome("org_a", .succeeded), Self.outcome("org_b", .taken), Self.outcome("org_c", .done)],
            standings: nil, seconds: 1, finishedAt: Self.finishedAt)
        let text = file.text
        #expect(!text.contains("# TYPE routiq_organization_"), "no organization family without the records")
        #expect(!PrometheusText.samples(in: text).contains { $0.name.hasPrefix("routiq_organization_") })
        #expect(text.contains("routiq_run_history_loaded{pipeline=\"nightly\"} 0\n"))
        #expect(
            text.contains("routiq_run_last_exit_status{pipeline=\"nightly\"} 0\n"), "taken and done are not failures")
        #expect(text.contains("routiq_run_last_organizations{pipeline=\"nightly\",status=\"taken\"} 1\n"))
        #expect(PrometheusText.problems(in: text) == [])
    }

    @Test("an empty history (no organization ever ran) leaves the organization families out, not empty")
    func emptyHistory() {
        let text = PrometheusTextfile(
            pipeline: "p", outcomes: [], standings: [], seconds: 0, finishedAt: Self.finishedAt
        ).text
        #expect(!text.contains("# TYPE routiq_organization_"))
        #expect(text.contains("routiq_run_history_loaded{pipeline=\"p\"} 1\n"))
        #expect(PrometheusText.problems(in: text) == [])
    }

    @Test("label values escape backslash, double quote and line feed; help escapes backslash and line feed")
    func escaping() {
        #expect(PrometheusTextfile.escapeLabelValue(#"a"b\c"#) == #"a\"b\\c"#)
        #expect(PrometheusTextfile.escapeLabelValue("line\nbreak") == #"line\nbreak"#)
        #expect(PrometheusTextfile.escapeLabelValue("Zürich 🦷") == "Zürich 🦷", "UTF-8 is written as is")
        #expect(PrometheusTextfile.escapeHelp(#"a "quoted" \ path"# + "\nsecond") == #"a "quoted" \\ path\nsecond"#)

        let pipeline = "we\"ird\\name\nhere"
        let text = PrometheusTextfile(
            pipeline: pipeline, outcomes: [], standings: Self.standings, seconds: 0, finishedAt: Self.finishedAt
        ).text
        #expect(text.contains(#"routiq_run_last_exit_status{pipeline="we\"ird\\name\nhere"} 0"#))
        #expect(text.split(separator: "\n").allSatisfy { !$0.isEmpty }, "no label value breaks a line")
        #expect(PrometheusText.problems(in: text) == [])
        let parsed = PrometheusText.samples(in: text)
        #expect(parsed.allSatisfy { $0.labels["pipeline"] == pipeline }, "the escaped values read back as given")
    }

    @Test("values: whole numbers without a fraction, fractions round-trip, special values by name")
    func values() {
        #expect(PrometheusTextfile.format(0) == "0")
        #expect(PrometheusTextfile.format(-3) == "-3")
        #expect(PrometheusTextfile.format(1_772_323_200) == "1772323200")
        #expect(PrometheusTextfile.format(1_772_323_200.125) == "1772323200.125")
        #expect(PrometheusTextfile.format(0.1) == "0.1")
        #expect(PrometheusTextfile.format(1e-7) == "1e-07")
        #expect(PrometheusTextfile.format(1e20) == "1e+20")
        #expect(PrometheusTextfile.format(.infinity) == "+Inf")
        #expect(PrometheusTextfile.format(-.infinity) == "-Inf")
        #expect(PrometheusTextfile.format(.nan) == "NaN")
        for value in [0.1, 1e-7, 1e20, 1_772_323_200.125, 123_456.789] {
            #expect(Double(PrometheusTextfile.format(value)) == value)
        }
    }

    @Test("many organizations: every family once, HELP and TYPE first, no duplicate series")
    func formatRules() {
        let standings = (0..<50).map { index in
            RunHistory.Standing(
                organizationID: "org_\(index)",
                lastSuccess: index.isMultiple(of: 3)
                    ? nil : .init(finishedAt: Date(timeIntervalSince1970: 1_772_000_000 + Double(index)), seconds: 1.5),
                lastRun: .init(finishedAt: Date(timeIntervalSince1970: 1_772_000_100), seconds: 0.25),
                lastRunSucceeded: !index.isMultiple(of: 3), failuresSinceSuccess: index.isMultiple(of: 3) ? index : 0)
        }
        let text = PrometheusTextfile(
            pipeline: "fleet", outcomes: (0..<50).map { Self.outcome("org_\($0)", .succeeded) }, standings: standings,
            seconds: 61.75, finishedAt: Self.finishedAt
        ).text
        #expect(PrometheusText.problems(in: text) == [])
        let samples = PrometheusText.samples(in: text)
        #expect(samples.filter { $0.name == "routiq_organization_last_run_success" }.count == 50)
        #expect(
            samples.filter { $0.name == "routiq_organization_last_success_timestamp_seconds" }.count == 33,
            "organizations that never succeeded have no last-success sample")
    }

    @Test("the checker itself rejects what the format forbids")
    func checkerCatchesMistakes() {
        let good = "# HELP a_b Help.\n# TYPE a_b gauge\na_b{x=\"1\"} 1\n"
        #expect(PrometheusText.problems(in: good) == [])
        #expect(!PrometheusText.problems(in: String(good.dropLast())).isEmpty, "no final line feed")
        #expect(!PrometheusText.problems(in: "a_b 1\n").isEmpty, "a sample without TYPE")
        #expect(!PrometheusText.problems(in: good + "a_b{x=\"1\"} 2\n").isEmpty, "a duplicate series")
        #expect(
            !PrometheusText.problems(in: good + "# HELP c Help.\n# TYPE c gauge\nc 1\na_b 2\n").isEmpty,
            "a family split in two")
        #expect(!PrometheusText.problems(in: good + "a_b{x=\"2\"} 1 1772323200000\n").isEmpty, "a timestamp")
        #expect(!PrometheusText.problems(in: "# TYPE 1a gauge\n1a 1\n").isEmpty, "a bad metric name")
        #expect(!PrometheusText.problems(in: "# TYPE a gauge\na{x=\"q\"q\"} 1\n").isEmpty, "an unescaped quote")
        #expect(!PrometheusText.problems(in: "# TYPE a gauge\na{__x=\"1\"} 1\n").isEmpty, "a reserved label")
        #expect(!PrometheusText.problems(in: "# TYPE a gauge\na one\n").isEmpty, "a value that is no number")
        #expect(!PrometheusText.problems(in: "# TYPE a_total counter\n# TYPE a_total counter\n").isEmpty)
    }

    @Test("the file is replaced atomically: same text, mode 0644, no temporary file left, old file replaced")
    func atomicWrite() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("routiq-prom-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("routiq.prom").path
        try "stale\n".write(toFile: path, atomically: false, encoding: .utf8)

        let summary = RunSummary(
            runID: UUID(), pipeline: "nightly", outcomes: [Self.outcome("org_a", .succeeded)], seconds: 2)
        try summary.writePrometheusMetrics(to: path, standings: Self.standings, finishedAt: Self.finishedAt)
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written == summary.prometheusTextfile(standings: Self.standings, finishedAt: Self.finishedAt).text)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["routiq.prom"])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o644)

        let missing = folder.appendingPathComponent("no-such-folder/routiq.prom").path
        #expect(throws: (any Error).self) {
            try summary.writePrometheusMetrics(to: missing, standings: nil)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["routiq.prom"])
    }
}
