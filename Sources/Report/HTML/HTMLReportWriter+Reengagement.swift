import Foundation

extension HTMLReportWriter {
    /// "Who to call": the model in one sentence, the call list with each patient's reason, the probability-alive
    /// distribution and the recency × frequency heat map.
    func whoToCall(_ summary: OrganizationSummary) -> String {
        let r = summary.reEngagement
        var html = "<section><h2>Who to call</h2><p>"
        switch r.model {
        case let model? where model.status == "fitted":
            let patients = model.patients
            html += "\(r.callList.count) of \(patients) patients with a visit are on the call list: regulars overdue "
            html += "by their own rhythm who are still likely patients, ranked by what a call is worth. "
            if let days = model.meanDaysBetweenVisits, let dropOut = model.meanDropOutAfterVisit {
                html += "This clinic's patients, while they keep coming, visit on average every "
                html += "\(HTMLText.escape(String(format: "%.0f", days))) days, and "
                html += "\(HTMLText.escape(String(format: "%.0f", dropOut * 100))) % stop after any one visit "
                html += "(BG/NBD model fitted to \(model.visitPatterns) distinct visit histories)."
            }
        case let model?:
            html += "The re-engagement model was not used ("
            html += HTMLText.escape(model.failureReason ?? model.model)
            html += "), so priorities follow the original rules and there is no call list."
        case nil:
            html += "No re-engagement model has been recorded for this organization yet."
        }
        html += "</p>"
        if !r.callList.isEmpty {
            html += SVGChart.table(
                header: ["#", "Patient", "Id", "Why", "Likely still a patient", "Expected visits (90 d)"],
                rows: r.callList.map {
                    [
                        String($0.callRank), HTMLText.isolated($0.patientName), HTMLText.escape($0.patientID),
                        HTMLText.escape($0.reason), HTMLText.percent($0.probabilityAlive),
                        $0.expectedVisits90d.map { String(format: "%.1f", $0) } ?? "–",
                    ]
                }, numeric: [0, 4, 5])
        }
        html += SVGChart.bars(
            id: "alive", title: "Patients by probability of still being a patient (per cent)",
            segments: ReportQueries.probabilityBuckets.map {
                .init(label: "\($0) %", value: r.probabilityAliveDistribution[$0] ?? 0, colorClass: "c-attended")
            }, unit: "patients")
        html += SVGChart.heatMap(
            id: "recency-frequency", title: "Patients by recency (rows) and frequency (columns) quintile",
            cells: r.recencyFrequency)
        html += "<h3>RFM segments</h3>"
        html += SVGChart.table(
            header: ["Segment", "Patients"],
            rows: ReportQueries.rfmSegments.map { [HTMLText.escape(Self.label($0)), String(r.rfmSegments[$0] ?? 0)] },
            numeric: [1], compact: true)
        return html + "</section>"
    }
}
