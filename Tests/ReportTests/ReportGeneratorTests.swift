import Foundation
import Load
import Logging
import Pipeline
import PostgresNIO
import Runner
import TestSupport
import Testing

@testable import Report

@Suite("ReportGenerator")
struct ReportGeneratorTests {
    let logger = TestDatabase.logger

    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("routiq-report-\(UUID().uuidString)")
    }

    static let schemaURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/summary.schema.json")

    @Test("figures equal the scenario and the same figures computed by SQL")
    func figuresMatchSQL() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            try await ReportFixture.seed(client)
            let generator = ReportGenerator(configuration: .init(outputDirectory: Self.temporaryDirectory()))
            let summary = try await generator.makeSummary(
                organization: ReportFixture.organization, asOf: ReportFixture.asOf, runID: ReportFixture.runID,
                warehouse: WarehouseReportAccess(client: client), logger: logger)
            let org = ReportFixture.organization
            let asOf = ReportFixture.asOf

            // Patients: against direct counts of patient_activity.
            #expect(summary.patients.total == 4)
            #expect(
                summary.patients.total
                    == (try await TestDatabase.count(
                        "SELECT count(*) FROM patient_activity WHERE organization_id = \(org)", on: client)))
            for status in ReportQueries.activityStatuses {
                let expected = try await TestDatabase.count(
                    "SELECT count(*) FROM patient_activity WHERE organization_id = \(org) AND activity_status = \(status)",
                    on: client)
                #expect(summary.patients.byActivityStatus[status] == expected, "\(status)")
            }
            for level in ReportQueries.riskLevels {
                let expected = try await TestDatabase.count(
                    "SELECT count(*) FROM patient_activity WHERE organization_id = \(org) AND risk_level = \(level)",
                    on: client)
                #expect(summary.patients.byRiskLevel[level] == expected, "\(level)")
                #expect(summary.reEngagement.riskDistribution[level] == expected)
            }
            #expect(summary.reEngagement.actionPriorities == ["urgent": 1, "important": 1, "medium": 0, "low": 2])
            #expect(summary.reEngagement.engagementDistribution == ["active": 2, "dormant": 1, "stale": 1])

            // Appointments: the scenario by hand, and each figure by a plain SQL recomputation.
            let a = summary.appointments
            #expect(
                [a.total, a.upcoming, a.next7Days, a.attended, a.cancelled, a.lateCancelled, a.didNotArrive]
                    == [9, 3, 2, 2, 1, 1, 1] as [Int])
            #expect(a.attendanceRate == 0.5)
            #expect(a.windowStart == Date(timeIntervalSince1970: 1_768_395_600))  // 2026-01-15 00:00 in Sydney
            let live =
                "organization_id = '\(org)' AND archived_at IS NULL AND deleted_at IS NULL AND removed_at IS NULL"
            let since = "'2026-01-14T13:00:00Z'::timestamptz"
            let at = "'2026-04-15T02:00:00Z'::timestamptz"
            let recomputed: [(Int, String)] = [
                (a.total, "SELECT count(*) FROM appointments WHERE \(live)"),
                (
                    a.upcoming,
                    "SELECT count(*) FROM appointments WHERE \(live) AND cancelled_at IS NULL AND NOT did_not_arrive AND starts_at > \(at)"
                ),
                (
                    a.attended,
                    "SELECT count(*) FROM appointments WHERE \(live) AND cancelled_at IS NULL AND NOT did_not_arrive AND starts_at BETWEEN \(since) AND \(at)"
                ),
                (
                    a.lateCancelled,
                    "SELECT count(*) FROM appointments WHERE \(live) AND cancelled_at BETWEEN \(since) AND \(at) AND starts_at < cancelled_at + interval '24 hours'"
                ),
                (
                    a.didNotArrive,
                    "SELECT count(*) FROM appointments WHERE \(live) AND cancelled_at IS NULL AND did_not_arrive AND starts_at BETWEEN \(since) AND \(at)"
                ),
            ]
            for (figure, sql) in recomputed {
                #expect(figure == (try await TestDatabase.count(PostgresQuery(unsafeSQL: sql), on: client)), "\(sql)")
            }

            // Types and weeks mirror the derived tables.
            #expect(summary.appointmentTypes.map(\.appointmentTypeID) == ["t2", "t1"])
            #expect(summary.appointmentTypes.first?.percentageOfTotal == 55.56)
            #expect(summary.appointmentTypes.last?.appointmentType == "Initial <consult>")
            #expect(summary.weeklySeries.map(\.weekStart) == ["2026-03-09", "2026-03-30", "2026-04-13", "2026-04-20"])
            #expect(
                summary.weeklySeries.reduce(0) { $0 + $1.attended }
                    == (try await TestDatabase.count(
                        "SELECT sum(attended)::int8 FROM appointment_weekly_stats WHERE organization_id = \(org)",
                        on: client)))

            // Chatwoot.
            let c = summary.chatwoot
            #expect(
                [c.contacts, c.matched, c.ambiguous, c.unmatched, c.openConversations] == [4, 1, 1, 2, 2] as [Int])
            #expect(c.patientsContacted30d == 1)

            // Re-engagement list: priority, then score.
            #expect(summary.reEngagement.priorityPatients.map(\.patientID) == ["p3", "p4", "p2", "p1"])
            #expect(summary.reEngagement.priorityPatients[0].patientName == "Noa-Lee \(ReportFixture.hebrewName)")
            #expect(summary.reEngagement.priorityPatients[3].patientName == "\(ReportFixture.awkwardName) O'Brien")
            #expect(summary.reEngagement.priorityPatients[1].daysSinceLastContact == 13)

            // Sync health.
            let s = summary.sync
            #expect([s.totalSyncs, s.successfulSyncs, s.failedSyncs] == [2, 1, 1] as [Int])
            #expect(s.averageSyncDurationSeconds == 45)
            #expect(s.sources.map(\.source) == ["chatwoot", "clerk", "cliniko"])
            #expect(s.sources.map(\.quarantined) == [1, 0, 2])
            #expect(s.sources.map(\.quarantinedLastRun) == [0, 0, 2])
            #expect(s.sources.map(\.recordsReadLastRun) == [10, 0, 90])
            #expect(s.sources[2].lastSuccessAt == Date(timeIntervalSince1970: 1_776_214_800))
            #expect(s.recentSyncs.first?.runID == ReportFixture.runID)
            #expect(s.recentSyncs.first?.recordsSuccess == 98)

            // The original dashboard's fields.
            let d = summary.dashboard
            #expect(
                [
                    d.totalPatients, d.activePatients, d.patientsWithUpcoming, d.patientsWithRecent,
                    d.totalUpcomingAppointments, d.totalRecentAppointments, d.totalAllAppointments, d.syncedPatients,
                ] == [4, 2, 3, 1, 3, 1, 6, 4] as [Int])
            #expect(d.engagementRate == 50)
            #expect(d.syncPercentage == 100)
            #expect(d.integrationStatus == "active")
            #expect(d.generatedAt == asOf)
            #expect(summary.generatedAt == asOf)
        }
    }

    @Test("the re-engagement model, call list, probability-alive buckets, RFM segments and heat map are reported")
    func reengagementFigures() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            try await ReportFixture.seed(client)
            let output = Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: output) }
            let generator = ReportGenerator(configuration: .init(outputDirectory: output))
            let files = try await generator.generate(
                organization: ReportFixture.organization, asOf: ReportFixture.asOf, runID: ReportFixture.runID,
                warehouse: WarehouseReportAccess(client: client), logger: logger)
            let r = files.summary.reEngagement
            let model = try #require(r.model)
            #expect(model.status == "fitted")
            #expect(model.parameters == .init(r: 0.9, alpha: 30, a: 0.7, b: 2.5))
            #expect(model.meanDaysBetweenVisits == 33.3)
            #expect(model.meanDropOutAfterVisit == 0.219)
            #expect(model.logLikelihood == -1234.5679)
            #expect(r.callList.map(\.patientID) == ["p4"])
            #expect(
                r.callList.first?.reason
                    == "regular every ~21 days, 64 days since last visit, 83 % likely still a patient")
            #expect(r.callList.first?.patientName == "Sam Smith")
            #expect(r.probabilityAliveDistribution["80-90"] == 1)
            #expect(r.probabilityAliveDistribution["90-100"] == 1)
            #expect(r.probabilityAliveDistribution.values.reduce(0, +) == 2, "a patient without a fit counts nowhere")
            #expect(r.rfmSegments["hibernating"] == 1)
            #expect(r.rfmSegments["at_risk"] == 1)
            #expect(r.rfmSegments["lost"] == 0, "the other organization's rows stay out")
            #expect(r.recencyFrequency.count == 25)
            #expect(r.recencyFrequency.first { $0.recency == 2 && $0.frequency == 5 }?.patients == 1)
            #expect(r.recencyFrequency.reduce(0) { $0 + $1.patients } == 3)

            let html = try String(contentsOf: try #require(files.reportHTML), encoding: .utf8)
            #expect(html.contains("<h2>Who to call</h2>"))
            #expect(html.contains("regular every ~21 days, 64 days since last visit, 83 % likely still a patient"))
            #expect(html.contains("id=\"recency-frequency\""))
            #expect(
                html.contains(
                    "Fullest cells: recency 5, frequency 1: 1; recency 2, frequency 5: 1; recency 1, frequency 2: 1."))
            #expect(!html.contains("other organization"))

            let other = try await generator.makeSummary(
                organization: ReportFixture.other, asOf: ReportFixture.asOf, runID: nil,
                warehouse: WarehouseReportAccess(client: client), logger: logger)
            #expect(other.reEngagement.model?.status == "failed")
            #expect(other.reEngagement.callList.map(\.reason) == ["other organization"])
        }
    }

    @Test("files validate against the schema, hold no external reference and escape every text")
    func filesAreValidAndSafe() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            try await ReportFixture.seed(client)
            let output = Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: output) }
            let generator = ReportGenerator(configuration: .init(outputDirectory: output))
            var summaries: [OrganizationSummary] = []
            for organization in [ReportFixture.organization, ReportFixture.other] {
                let files = try await generator.generate(
                    organization: organization, asOf: ReportFixture.asOf, runID: nil,
                    warehouse: WarehouseReportAccess(client: client), logger: logger)
                summaries.append(files.summary)
            }
            try generator.writeIndex(summaries: summaries, asOf: ReportFixture.asOf)

            let validator = try JSONSchemaValidator(contentsOf: Self.schemaURL)
            for organization in [ReportFixture.organization, ReportFixture.other] {
                let data = try Data(contentsOf: output.appendingPathComponent("\(organization)/summary.json"))
                let problems = validator.validate(try JSONSerialization.jsonObject(with: data))
                #expect(problems.isEmpty, "\(organization): \(problems)")
                let decoded = try ReportJSON.makeDecoder().decode(OrganizationSummary.self, from: data)
                #expect(decoded.organization.organizationID == organization)
                #expect(decoded.schemaVersion == 3)
            }

            let patients = try ReportJSON.makeDecoder().decode(
                PatientActivityExport.self,
                from: Data(contentsOf: output.appendingPathComponent("\(ReportFixture.organization)/patients.json")))
            #expect(patients.patients.map(\.patientID) == ["p1", "p2", "p3", "p4"])
            #expect(patients.patients[0].lifetimeValue == 120.5)
            #expect(patients.patients[0].nextAppointmentType == nil)

            let index = try ReportJSON.makeDecoder().decode(
                ReportIndex.self, from: Data(contentsOf: output.appendingPathComponent("index.json")))
            #expect(index.organizations.map(\.organizationID) == [ReportFixture.organization, ReportFixture.other])
            #expect(index.organizations[0].totalPatients == 4)

            let report = try String(
                contentsOf: output.appendingPathComponent("\(ReportFixture.organization)/report.html"), encoding: .utf8)
            let indexHTML = try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8)
            for html in [report, indexHTML] {
                #expect(!html.lowercased().contains("http://"))
                #expect(!html.lowercased().contains("https://"))
                #expect(!html.lowercased().contains("<script"))
                #expect(!html.lowercased().contains("src="))
                #expect(html.contains("@media print"))
            }
            #expect(
                report.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Zoë&#39; 🦘 O&#39;Brien"))
            #expect(report.contains("Ali \(ReportFixture.rtlName)"))
            #expect(report.contains("Noa-Lee \(ReportFixture.hebrewName)"))
            #expect(report.contains("Bondi &lt;Physio&gt; &amp; Co"))
            #expect(report.contains("Initial &lt;consult&gt;"))
            #expect(!report.contains("Other clinic"))
            #expect(indexHTML.contains("Bondi &lt;Physio&gt; &amp; Co"))
            #expect(indexHTML.contains("href=\"\(ReportFixture.organization)/report.html\""))
            // Every chart has a text alternative and a table beneath it.
            for chart in ["activity", "risk", "weekly", "types", "alive", "recency-frequency", "sync"] {
                #expect(report.contains("<figure id=\"\(chart)\">"), "\(chart)")
                #expect(report.contains("<desc id=\"\(chart)-desc\">"), "\(chart)")
            }
            #expect(report.components(separatedBy: "<figcaption>").count == 8)
            // Dates in the organization's zone: as of 12:00 in Sydney, not 02:00 UTC.
            #expect(report.contains("Figures as of 2026-04-15 12:00 (Australia/Sydney)"))
        }
    }

    @Test("the same warehouse and as-of give byte-identical files with owner-only modes")
    func reproducibleAndPrivate() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            try await ReportFixture.seed(client)
            let first = Self.temporaryDirectory()
            let second = Self.temporaryDirectory()
            defer {
                try? FileManager.default.removeItem(at: first)
                try? FileManager.default.removeItem(at: second)
            }
            for output in [first, second, first] {
                let generator = ReportGenerator(configuration: .init(outputDirectory: output))
                try await generator.generate(
                    organization: ReportFixture.organization, asOf: ReportFixture.asOf, runID: ReportFixture.runID,
                    warehouse: WarehouseReportAccess(client: client), logger: logger)
                try await generator.writeIndex(
                    organizations: [ReportFixture.organization], asOf: ReportFixture.asOf,
                    warehouse: WarehouseReportAccess(client: client), logger: logger)
            }
            let names = [
                "index.json", "index.html", "\(ReportFixture.organization)/summary.json",
                "\(ReportFixture.organization)/patients.json", "\(ReportFixture.organization)/report.html",
            ]
            for name in names {
                let a = try Data(contentsOf: first.appendingPathComponent(name))
                let b = try Data(contentsOf: second.appendingPathComponent(name))
                #expect(a == b, "\(name)")
                let attributes = try FileManager.default.attributesOfItem(
                    atPath: first.appendingPathComponent(name).path)
                #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "\(name)")
            }
            for folder in [first, first.appendingPathComponent(ReportFixture.organization)] {
                let attributes = try FileManager.default.attributesOfItem(atPath: folder.path)
                #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700, "\(folder.lastPathComponent)")
            }
            // No temporary file is left behind.
            let leftovers = try FileManager.default.contentsOfDirectory(
                atPath: first.appendingPathComponent(ReportFixture.organization).path)
            #expect(leftovers.sorted() == ["patients.json", "report.html", "summary.json"])
            let summary = try String(
                contentsOf: first.appendingPathComponent("\(ReportFixture.organization)/summary.json"), encoding: .utf8)
            #expect(summary.contains("\"generated_at\" : \"2026-04-15T02:00:00Z\""))
            #expect(summary.contains("\"run_id\" : \"6F9D2C1E-3B4A-4C5D-8E7F-0A1B2C3D4E5F\""))
        }
    }

    @Test("the summary and HTML report are stored in the warehouse byte for byte, readable only as their organization")
    func storedInWarehouse() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            try await ReportFixture.seed(client)
            let output = Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: output) }
            try await ReportGenerator(configuration: .init(outputDirectory: output)).generate(
                organization: ReportFixture.organization, asOf: ReportFixture.asOf, runID: ReportFixture.runID,
                warehouse: WarehouseReportAccess(client: client), logger: logger)
            let organization = try #require(OrganizationID(ReportFixture.organization))
            let (summary, html) = try await client.withConnection { connection in
                try await connection.withReaderTransaction(organization: organization, logger: logger) {
                    connection -> (ReportDocument?, ReportDocument?) in
                    (
                        try await ReportDocumentStore.document(.summary, on: connection, logger: logger),
                        try await ReportDocumentStore.document(.reportHTML, on: connection, logger: logger)
                    )
                }
            }
            let folder = output.appendingPathComponent(ReportFixture.organization)
            let summaryFile = try Data(contentsOf: folder.appendingPathComponent("summary.json"))
            let htmlFile = try Data(contentsOf: folder.appendingPathComponent("report.html"))
            #expect(summary?.content == Array(summaryFile))
            #expect(summary?.contentType == "application/json")
            #expect(summary?.etag == ReportDocument.etag(of: Array(summaryFile)))
            #expect(summary?.generatedAt == ReportFixture.asOf)
            #expect(html?.content == Array(htmlFile))
            #expect(html?.contentType == "text/html; charset=utf-8")
            let runs = try await TestDatabase.count(
                "SELECT count(*)::int FROM reports WHERE run_id = \(ReportFixture.runID)", on: client)
            #expect(runs == 2)
        }
    }

    @Test("several organizations at once give the same files as one at a time, and a failure stays its own")
    func concurrentGeneration() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            try await ReportFixture.seed(client)
            let one = Self.temporaryDirectory()
            let many = Self.temporaryDirectory()
            defer {
                try? FileManager.default.removeItem(at: one)
                try? FileManager.default.removeItem(at: many)
            }
            for organization in [ReportFixture.organization, ReportFixture.other] {
                try await ReportGenerator(configuration: .init(outputDirectory: one)).generate(
                    organization: organization, asOf: ReportFixture.asOf, runID: ReportFixture.runID,
                    warehouse: WarehouseReportAccess(client: client), logger: logger)
            }
            let generator = ReportGenerator(
                configuration: .init(outputDirectory: many, options: .init(maximumConcurrentOrganizations: 2)))
            let results = await generator.generate(
                [ReportFixture.organization, "org_missing", ReportFixture.other].map {
                    ReportGenerator.Request(organization: $0, asOf: ReportFixture.asOf, runID: ReportFixture.runID)
                }, warehouse: WarehouseReportAccess(client: client), logger: logger)
            #expect(results.count == 3)
            #expect((try? results[0].get())?.organization == ReportFixture.organization)
            #expect((try? results[2].get())?.organization == ReportFixture.other)
            #expect(throws: ReportError.self) { try results[1].get() }
            for organization in [ReportFixture.organization, ReportFixture.other] {
                for name in ["summary.json", "patients.json", "report.html"] {
                    let path = "\(organization)/\(name)"
                    #expect(
                        try Data(contentsOf: one.appendingPathComponent(path))
                            == Data(contentsOf: many.appendingPathComponent(path)), "\(path)")
                }
            }
        }
    }

    @Test("an unknown or malformed organization is refused")
    func refusesBadOrganizations() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let generator = ReportGenerator(configuration: .init(outputDirectory: Self.temporaryDirectory()))
            let missing = await #expect(throws: ReportError.self) {
                try await generator.generate(
                    organization: "org_missing", asOf: ReportFixture.asOf, runID: nil,
                    warehouse: WarehouseReportAccess(client: client), logger: logger)
            }
            #expect(missing?.code == .organizationNotFound)
            let traversal = await #expect(throws: ReportError.self) {
                try await generator.generate(
                    organization: "org_../../etc", asOf: ReportFixture.asOf, runID: nil,
                    warehouse: WarehouseReportAccess(client: client), logger: logger)
            }
            #expect(traversal?.code == .invalidOrganizationID)
        }
    }

    @Test("the index lists every organization with reports, not only those just written")
    func indexKeepsOtherOrganizations() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            try await ReportFixture.seed(client)
            let output = Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: output) }
            func indexed() throws -> [String] {
                try ReportJSON.makeDecoder().decode(
                    ReportIndex.self, from: Data(contentsOf: output.appendingPathComponent("index.json"))
                ).organizations.map(\.organizationID)
            }
            let generator = ReportGenerator(configuration: .init(outputDirectory: output))
            var summaries: [OrganizationSummary] = []
            for organization in [ReportFixture.organization, ReportFixture.other] {
                summaries.append(
                    try await generator.generate(
                        organization: organization, asOf: ReportFixture.asOf, runID: nil,
                        warehouse: WarehouseReportAccess(client: client), logger: logger
                    ).summary)
            }
            try generator.writeIndex(summaries: summaries, asOf: ReportFixture.asOf)
            #expect(try indexed() == [ReportFixture.organization, ReportFixture.other])

            // A later run of one organization (`--org`, or the other one failed) keeps the other in the index.
            let one = try await generator.generate(
                organization: ReportFixture.other, asOf: ReportFixture.asOf, runID: nil,
                warehouse: WarehouseReportAccess(client: client), logger: logger)
            try generator.writeIndex(summaries: [one.summary], asOf: ReportFixture.asOf)
            #expect(try indexed() == [ReportFixture.organization, ReportFixture.other])

            // HTML-only output has no summary.json: the organization's figures come from the warehouse.
            let htmlOnly = ReportGenerator(configuration: .init(outputDirectory: output, formats: [.html]))
            try FileManager.default.removeItem(
                at: output.appendingPathComponent("\(ReportFixture.organization)/summary.json"))
            try await htmlOnly.writeIndex(
                summaries: [one.summary], asOf: ReportFixture.asOf, warehouse: WarehouseReportAccess(client: client),
                logger: logger)
            let html = try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8)
            #expect(html.contains("\(ReportFixture.organization)/report.html"))
            #expect(html.contains("\(ReportFixture.other)/report.html"))
        }
    }

    @Test("the windows a request names replace the configuration's in the summary")
    func requestWindows() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            try await ReportFixture.seed(client)
            let output = Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: output) }
            let generator = ReportGenerator(configuration: .init(outputDirectory: output))
            let standard = try await generator.generate(
                organization: ReportFixture.organization, asOf: ReportFixture.asOf, runID: nil,
                warehouse: WarehouseReportAccess(client: client), logger: logger)
            let narrow = try await generator.generate(
                organization: ReportFixture.organization, asOf: ReportFixture.asOf, runID: nil,
                windows: .init(windowDays: 14, lateCancellationHours: 48),
                warehouse: WarehouseReportAccess(client: client), logger: logger)
            #expect(standard.summary.appointments.windowDays == 90)
            #expect(narrow.summary.appointments.windowDays == 14)
            #expect(narrow.summary.appointments.windowStart > standard.summary.appointments.windowStart)
        }
    }

    @Test("the index counts an HTML-only organization's figures with the windows it was scored with")
    func indexWindows() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            try await ReportFixture.seed(client)
            let output = Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: output) }
            let warehouse = WarehouseReportAccess(client: client)
            let organization = ReportFixture.organization
            let narrow = ReportGenerator.Windows(windowDays: 14, lateCancellationHours: 48)
            let generator = ReportGenerator(configuration: .init(outputDirectory: output))
            let standard = try await generator.makeSummary(
                organization: organization, asOf: ReportFixture.asOf, runID: nil, warehouse: warehouse, logger: logger)
            let scored = try await generator.makeSummary(
                organization: organization, asOf: ReportFixture.asOf, runID: nil, windows: narrow,
                warehouse: warehouse, logger: logger)
            #expect(scored.appointments.windowDays == 14)
            #expect(scored.appointments.attendanceRate == 1.0)
            #expect(standard.appointments.attendanceRate == 0.5)

            try await generator.generate(
                organization: organization, asOf: ReportFixture.asOf, runID: nil, warehouse: warehouse, logger: logger)
            try FileManager.default.removeItem(at: output.appendingPathComponent("\(organization)/summary.json"))
            func indexedRate(windows: [String: ReportGenerator.Windows]) async throws -> Double? {
                try await generator.writeIndex(
                    summaries: [], asOf: ReportFixture.asOf, windows: windows, warehouse: warehouse, logger: logger)
                let index = try ReportJSON.makeDecoder().decode(
                    ReportIndex.self, from: Data(contentsOf: output.appendingPathComponent("index.json")))
                return try #require(index.organizations.first { $0.organizationID == organization }).attendanceRate
            }
            #expect(try await indexedRate(windows: [:]) == standard.appointments.attendanceRate)
            #expect(try await indexedRate(windows: [organization: narrow]) == scored.appointments.attendanceRate)
        }
    }
}

@Suite("HTMLText")
struct HTMLTextTests {
    @Test("escapes markup and quotes and leaves other text alone")
    func escapes() {
        #expect(
            HTMLText.escape("<a href=\"x\">Tom & 'Jerry'</a>")
                == "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;")
        #expect(HTMLText.escape("🦘 مريم שָׁלוֹם") == "🦘 مريم שָׁלוֹם")
    }

    @Test("formats local dates in the given zone")
    func localDates() {
        let sydney = LocalDateFormatter(timeZoneIdentifier: "Australia/Sydney")
        #expect(sydney.dateTime(ReportFixture.asOf) == "2026-04-15 12:00")
        #expect(LocalDateFormatter(timeZoneIdentifier: "Not/AZone").dateTime(ReportFixture.asOf) == "2026-04-15 02:00")
        #expect(sydney.day(nil) == "–")
    }
}
