import Foundation
import Load

/// What one organization's part of a run did, for the summary table, the metrics file and the exit code.
struct OrganizationOutcome: Sendable, Codable {
    enum Status: String, Sendable, Codable {
        case succeeded, failed, skipped, cancelled
    }

    var organization: String
    var status: Status
    /// Why it failed or was skipped (safe to show: no patient data).
    var message: String?
    var totals: RunRecorder.Totals
    var resources: [ResourceFigures]
    var seconds: Double
    /// With `--dry-run`: what each source would read.
    var plan: [DryRunPlan.Source]? = nil
}

/// One resource's figures within an organization's run.
struct ResourceFigures: Sendable, Codable {
    var source: String
    var resource: String
    var pages = 0
    var requests = 0
    var retries = 0
    var rateLimitWaitMilliseconds = 0
    var read = 0
    var inserted = 0
    var updated = 0
    var unchanged = 0
    var removed = 0
    var quarantined = 0
    /// Records stamped after the run's as-of (loaded; the cursor stays at the as-of).
    var futureTimestamps = 0
    /// Entries of earlier runs' quarantine settled by this run: loaded now, gone from the source, or quarantined again.
    var quarantineSettled = 0
    var seconds = 0.0
    /// Of ``seconds``, the time spent copying pages into the staging tables (`COPY … FROM STDIN`).
    var copySeconds = 0.0
    /// Of ``seconds``, the time spent merging staged rows into the warehouse and marking removed rows.
    var mergeSeconds = 0.0
    /// Whether every page arrived (a full fetch may reconcile deletions only then).
    var complete = false
}
