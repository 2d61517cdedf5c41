import Foundation
import Runner

extension RunSummary {
    /// Prints the end-of-run table to standard output: per organization its status and figures (with `dryRun`, what
    /// each source would read), then one line with the run's totals.
    func print(dryRun: Bool) {
        if dryRun, outcomes.contains(where: { $0.due != nil }) {
            var plan = TextTable(["ORGANIZATION", "DUE", "RUN", "WHY"])
            for outcome in outcomes {
                guard let due = outcome.due else { continue }
                plan.append([
                    outcome.organization, due.isDue ? "yes" : "no",
                    due.isDue ? (due.isFull ? "full" : "incremental") : "-",
                    due.reason,
                ])
            }
            Swift.print(plan.rendered)
            let count = outcomes.filter { $0.due?.isDue == true }.count
            Swift.print(
                "dry run of '\(pipeline)' --due: \(count) of \(outcomes.count) organization(s) due; nothing was run")
            return
        }
        if dryRun {
            var plan = TextTable(["ORGANIZATION", "SOURCE", "CREDENTIAL", "READS", "RESOURCES"])
            for outcome in outcomes {
                for source in outcome.plan ?? [] {
                    plan.append([
                        outcome.organization, source.source, source.hasCredential ? "stored" : "MISSING", source.reads,
                        source.resources.joined(separator: ", "),
                    ])
                }
            }
            Swift.print(plan.rendered)
            let blocked = outcomes.filter { $0.status != .succeeded }.count
            Swift.print(
                "dry run of '\(pipeline)': \(outcomes.count) organization(s), \(blocked) missing credentials; "
                    + "nothing was fetched or written")
            return
        }
        var table = TextTable([
            "ORGANIZATION", "STATUS", "READ", "INSERTED", "UPDATED", "UNCHANGED", "REMOVED", "QUARANTINED", "SECONDS",
            "TXN S",
        ])
        for outcome in outcomes {
            table.append([
                outcome.organization, outcome.status.rawValue, String(outcome.totals.read),
                String(outcome.totals.inserted),
                String(outcome.totals.updated), String(outcome.totals.unchanged), String(outcome.totals.removed),
                String(outcome.totals.quarantined), String(format: "%.1f", outcome.seconds),
                outcome.transactionSeconds.map { String(format: "%.2f", $0) } ?? "-",
            ])
        }
        Swift.print(table.rendered)
        for outcome in outcomes where outcome.message != nil && outcome.status != .succeeded {
            Swift.print("\(outcome.organization): \(outcome.status.rawValue): \(outcome.message ?? "")")
        }
        let read = outcomes.reduce(0) { $0 + $1.totals.read }
        let rate = seconds > 0 ? Double(read) / seconds : 0
        Swift.print(
            String(
                format:
                    "%@run %@ of '%@': %d organization(s), %d records in %.1f s (%.0f records/s), peak memory %.0f MB",
                dryRun ? "dry " : "", runID.uuidString, pipeline, outcomes.count, read, seconds, rate,
                Double(peakResidentBytes) / 1_048_576
            )
        )
    }
}
