import Foundation

/// Renders `report.html` and `index.html`: one self-contained file each, with inline CSS and SVG, no script and
/// no external reference of any kind, readable on screen and on paper.
///
/// Every piece of text from the warehouse goes through ``HTMLText/escape(_:)``; names are isolated in `<bdi>`
/// (``HTMLText/isolated(_:)``), so a right-to-left name displays correctly without flipping the alignment of its
/// table cell or the order of the numbers next to it.
struct HTMLReportWriter: Sendable {
    /// The organization's report.
    func render(_ summary: OrganizationSummary) -> String {
        let dates = LocalDateFormatter(timeZoneIdentifier: summary.organization.timeZone)
        var body = "<header><h1>\(HTMLText.isolated(summary.organization.name))</h1><p class=\"meta\">"
        body += "Figures as of \(dates.dateTime(summary.asOf)) (\(HTMLText.escape(summary.organization.timeZone)))"
        body += " · organization <span class=\"nowrap\">\(HTMLText.escape(summary.organization.organizationID))</span>"
        if let run = summary.runID { body += " · run <span class=\"nowrap\">\(run.uuidString.lowercased())</span>" }
        body += "</p></header><main>"
        body += headline(summary)
        body += "<section><h2>Patients</h2><div class=\"pair\">"
        body += SVGChart.donut(
            id: "activity", title: "Patients by activity status",
            segments: ReportQueries.activityStatuses.enumerated().map { index, status in
                .init(
                    label: Self.label(status), value: summary.patients.byActivityStatus[status] ?? 0,
                    colorClass: "c\(index)")
            })
        body += SVGChart.bars(
            id: "risk", title: "Patients by risk level",
            segments: ReportQueries.riskLevels.map { level in
                .init(
                    label: Self.label(level), value: summary.patients.byRiskLevel[level] ?? 0,
                    colorClass: "c-risk-\(level)")
            }, unit: "patients")
        body += "</div></section>"
        body += "<section><h2>Appointments</h2>" + appointmentsTable(summary, dates: dates)
        body += SVGChart.weekly(
            id: "weekly", title: "Appointments per week (attended, cancelled, did not arrive; booked ahead)",
            weeks: summary.weeklySeries)
        body += SVGChart.bars(
            id: "types", title: "Appointments by type (all time)",
            segments: summary.appointmentTypes.map {
                .init(label: $0.appointmentType, value: $0.totalAppointments, colorClass: "c-attended")
            }, unit: "appointments")
        body += typesTable(summary, dates: dates) + "</section>"
        body += whoToCall(summary)
        body += reEngagement(summary, dates: dates)
        body += chatwoot(summary)
        body += syncHealth(summary, dates: dates)
        body += "</main>"
        return Self.page(title: "\(summary.organization.name): RoutIQ report", body: body)
    }

    /// The index across organizations.
    func renderIndex(_ index: ReportIndex, timeZones: [String: String]) -> String {
        var body = "<header><h1>RoutIQ reports</h1><p class=\"meta\">\(index.organizations.count) organizations"
        body += "</p></header><main><section>"
        let rows = index.organizations.map { entry -> [String] in
            let dates = LocalDateFormatter(timeZoneIdentifier: timeZones[entry.organizationID] ?? "UTC")
            return [
                "<a href=\"\(HTMLText.escape(entry.reportPath))\">\(HTMLText.isolated(entry.name))</a>"
                    + "<br><span class=\"id\">\(HTMLText.escape(entry.organizationID))</span>",
                String(entry.totalPatients), String(entry.activePatients), String(entry.highRiskPatients),
                String(entry.upcomingAppointments), HTMLText.percent(entry.attendanceRate),
                dates.timeElement(entry.lastSyncTime), HTMLText.escape(Self.label(entry.integrationStatus)),
                "<a href=\"\(HTMLText.escape(entry.summaryPath))\">summary.json</a>",
            ]
        }
        body += SVGChart.table(
            header: [
                "Organization", "Patients", "Active", "High risk", "Upcoming", "Attendance (90 days)",
                "Last sync (local)", "Integration", "Data",
            ], rows: rows, numeric: [1, 2, 3, 4, 5])
        body += "</section></main>"
        return Self.page(title: "RoutIQ reports", body: body)
    }

    private func headline(_ summary: OrganizationSummary) -> String {
        let cards: [(String, String)] = [
            ("Patients", String(summary.dashboard.totalPatients)),
            ("Active patients", String(summary.dashboard.activePatients)),
            ("High risk", String(summary.patients.byRiskLevel["high"] ?? 0)),
            ("Upcoming appointments", String(summary.appointments.upcoming)),
            ("Next 7 days", String(summary.appointments.next7Days)),
            (
                "Attendance (\(summary.appointments.windowDays) days)",
                HTMLText.percent(summary.appointments.attendanceRate)
            ),
        ]
        return "<section class=\"cards\" aria-label=\"Headline figures\">"
            + cards.map {
                "<div class=\"card\"><span class=\"value\">\($1)</span><span>\(HTMLText.escape($0))</span></div>"
            }
            .joined() + "</section>"
    }

    private func appointmentsTable(_ summary: OrganizationSummary, dates: LocalDateFormatter) -> String {
        let a = summary.appointments
        return SVGChart.table(
            header: ["Figure", "Value"],
            rows: [
                ["All appointments (not archived)", String(a.total)],
                ["Upcoming", String(a.upcoming)],
                ["Upcoming in the next 7 days", String(a.next7Days)],
                ["Attended since \(dates.timeElement(a.windowStart, withTime: false))", String(a.attended)],
                ["Cancelled (with notice)", String(a.cancelled)],
                ["Cancelled late", String(a.lateCancelled)],
                ["Did not arrive", String(a.didNotArrive)],
                ["Attendance rate", HTMLText.percent(a.attendanceRate)],
            ], numeric: [1], compact: true)
    }

    private func typesTable(_ summary: OrganizationSummary, dates: LocalDateFormatter) -> String {
        "<h3>Appointment types in detail</h3>"
            + SVGChart.table(
                header: [
                    "Type", "Patients", "Upcoming", "Attended (90 d)", "Cancelled (90 d)", "Did not arrive (90 d)",
                    "Share", "Most recent",
                ],
                rows: summary.appointmentTypes.map {
                    [
                        HTMLText.isolated($0.appointmentType), String($0.patientCount), String($0.upcoming),
                        String($0.attended90d), String($0.cancelled90d), String($0.didNotArrive90d),
                        String(format: "%.2f %%", $0.percentageOfTotal),
                        dates.timeElement($0.mostRecentAppointment, withTime: false),
                    ]
                }, numeric: [1, 2, 3, 4, 5, 6])
    }

    private func reEngagement(_ summary: OrganizationSummary, dates: LocalDateFormatter) -> String {
        let r = summary.reEngagement
        var html = "<section><h2>Re-engagement</h2><p>"
        html +=
            "Risk: " + ReportQueries.riskLevels.map { "\($0) \(r.riskDistribution[$0] ?? 0)" }.joined(separator: ", ")
        html += ". Engagement: "
        html += ReportQueries.engagements.map { "\($0) \(r.engagementDistribution[$0] ?? 0)" }.joined(separator: ", ")
        html += ". Priorities: "
        html += (1...4).compactMap { ReportQueries.priorityNames[$0] }
            .map { "\($0) \(r.actionPriorities[$0] ?? 0)" }.joined(separator: ", ")
        html += ".</p><h3>Patients to contact first</h3>"
        html += SVGChart.table(
            header: [
                "Priority", "Patient", "Id", "Risk", "Score", "Days since contact", "Next visit in (days)",
                "Recommended action",
            ],
            rows: r.priorityPatients.map {
                [
                    String($0.actionPriority), HTMLText.isolated($0.patientName), HTMLText.escape($0.patientID),
                    HTMLText.escape($0.riskLevel), String($0.riskScore), HTMLText.count($0.daysSinceLastContact),
                    HTMLText.count($0.daysToNextAppointment), HTMLText.isolated($0.recommendedAction),
                ]
            }, numeric: [4, 5, 6])
        return html + "</section>"
    }

    private func chatwoot(_ summary: OrganizationSummary) -> String {
        let c = summary.chatwoot
        return "<section><h2>Conversations (Chatwoot)</h2>"
            + SVGChart.table(
                header: ["Figure", "Value"],
                rows: [
                    ["Contacts", String(c.contacts)], ["Matched to a patient", String(c.matched)],
                    ["Ambiguous (shared phone or e-mail)", String(c.ambiguous)], ["Unmatched", String(c.unmatched)],
                    ["Open conversations", String(c.openConversations)],
                    ["Patients contacted in 30 days", String(c.patientsContacted30d)],
                ], numeric: [1], compact: true) + "</section>"
    }

    private func syncHealth(_ summary: OrganizationSummary, dates: LocalDateFormatter) -> String {
        let s = summary.sync
        var html = "<section><h2>Sync health</h2><p>"
        html += "\(s.totalSyncs) runs, \(s.successfulSyncs) succeeded, \(s.failedSyncs) failed; last success "
        html += "\(dates.timeElement(s.lastSuccessfulSyncAt)).</p>"
        html += SVGChart.bars(
            id: "sync", title: "Quarantined records per source (latest run)",
            segments: s.sources.map {
                .init(label: $0.source, value: $0.quarantinedLastRun, colorClass: "c-risk-high")
            }, unit: "records")
        html += "<h3>Sources</h3>"
        html += SVGChart.table(
            header: [
                "Source", "Resources", "All synced by (local)", "Last full sync", "Read (latest run)",
                "Quarantined (all time)", "Still in quarantine",
            ],
            rows: s.sources.map {
                [
                    HTMLText.escape($0.source), String($0.resources), dates.timeElement($0.lastSuccessAt),
                    dates.timeElement($0.lastFullAt), String($0.recordsReadLastRun), String($0.quarantined),
                    String($0.quarantinedOpen),
                ]
            }, numeric: [1, 4, 5, 6])
        html += "<h3>Recent runs</h3>"
        html += SVGChart.table(
            header: ["Started (local)", "Finished", "Status", "Read", "Written", "Quarantined"],
            rows: s.recentSyncs.map {
                [
                    dates.timeElement($0.startedAt), dates.timeElement($0.completedAt), HTMLText.escape($0.status),
                    String($0.recordsProcessed), String($0.recordsSuccess), String($0.recordsFailed),
                ]
            }, numeric: [3, 4, 5])
        return html + "</section>"
    }

    static func label(_ value: String) -> String {
        let spaced = value.replacingOccurrences(of: "_", with: " ")
        return spaced.prefix(1).uppercased() + spaced.dropFirst()
    }

    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <meta http-equiv="Content-Security-Policy" content="\(contentSecurityPolicy)">
        <title>\(HTMLText.escape(title))</title>
        <style>\(stylesheet)</style>
        </head><body>\(body)</body></html>

        """
    }

    /// Nothing may load or run: the page is one file with inline CSS, and a stray reference in data is refused by
    /// the browser rather than fetched.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

    static let stylesheet = """
        :root{color-scheme:light;--ink:#1d2433;--muted:#5b6475;--line:#d8dce3}
        *{box-sizing:border-box}
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);margin:0 auto;
        max-width:1100px;padding:24px}
        h1{font-size:1.7rem;margin:0 0 4px}h2{font-size:1.3rem;border-bottom:2px solid var(--line);padding-bottom:4px;
        margin-top:32px}h3{font-size:1.05rem;margin:16px 0 8px}
        .meta,figcaption{color:var(--muted)}figcaption{font-size:.9rem;margin:4px 0 8px}
        figure{margin:0 0 24px;break-inside:avoid}.chart svg{max-width:100%;height:auto}
        .pair{display:grid;grid-template-columns:minmax(240px,1fr) 2fr;gap:24px;align-items:start}
        .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-top:16px}
        .card{border:1px solid var(--line);border-radius:8px;padding:10px 12px;display:flex;flex-direction:column}
        .card .value{font-size:1.6rem;font-weight:600}
        .table-scroll{overflow-x:auto}
        table{border-collapse:collapse;width:100%;font-size:.9rem;margin:8px 0}table.compact{width:auto;min-width:min(100%,26rem)}
        th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:start;vertical-align:top}
        th{background:#f3f5f8}
        th.num,td.num{text-align:end;font-variant-numeric:tabular-nums}td.num{white-space:nowrap}
        time,.nowrap{white-space:nowrap}.id{color:var(--muted);font-size:.85em}
        .swatch{display:inline-block;width:10px;height:10px;margin-inline-end:6px;border-radius:2px}
        .legend{font-size:.85rem;margin:4px 0}.legend .swatch{margin-inline-start:12px}
        svg text{fill:var(--ink);font-family:inherit}svg .big{font-size:28px;font-weight:600}
        svg .small{font-size:12px}svg .tiny{font-size:10px}svg .axis{stroke:var(--muted)}
        svg .track{stroke:#eef0f3}
        .c0{stroke:#1b7f5f;background:#1b7f5f}.c1{stroke:#4fb286;background:#4fb286}
        .c2{stroke:#3a6ea5;background:#3a6ea5}.c3{stroke:#e08a2e;background:#e08a2e}
        .c4{stroke:#9b6fc4;background:#9b6fc4}.c5{stroke:#9aa3b2;background:#9aa3b2}
        .c-attended{fill:#1b7f5f;background:#1b7f5f}.c-cancelled{fill:#e0b12e;background:#e0b12e}
        .c-dna{fill:#c2413b;background:#c2413b}.c-booked{fill:#8fb3dc;background:#8fb3dc}
        .c-risk-high{fill:#c2413b;background:#c2413b}.c-risk-medium{fill:#e08a2e;background:#e08a2e}
        .c-risk-low{fill:#1b7f5f;background:#1b7f5f}
        @media (max-width:760px){.pair{grid-template-columns:1fr}}
        @media print{body{max-width:none;padding:0;font-size:11pt}h2{break-after:avoid}
        section{break-inside:auto}figure,table{break-inside:avoid}.table-scroll{overflow:visible}a{color:inherit;text-decoration:none}
        .swatch,.card,th{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
        """
}
