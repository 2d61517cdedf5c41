package import Load

/// What one organization's part of a run did, for the summary table, the metrics file and the exit code.
package struct OrganizationOutcome: Sendable, Codable {
    /// How the organization's part of the run ended.
    package enum Status: String, Sendable, Codable, CaseIterable {
        case succeeded, failed, skipped, cancelled
        /// `--batch`: another worker of the batch runs (or ran) it in this start.
        case taken
        /// `--batch`: the batch already ran it to success; nothing to do.
        case done

        /// Whether the organization's part counts against the run's exit code: it failed, was stopped, or another
        /// run outside the batch held it.
        package var isFailure: Bool {
            switch self {
            case .succeeded, .taken, .done: false
            case .failed, .skipped, .cancelled: true
            }
        }
    }

    /// The organization's id.
    package var organization: String
    /// How it ended.
    package var status: Status
    /// Why it failed or was skipped (safe to show: no patient data).
    package var message: String?
    /// The records read, inserted, updated, unchanged, removed and quarantined over every resource.
    package var totals: RunRecorder.Totals
    /// Each resource's figures, in the order they were read.
    package var resources: [ResourceFigures]
    /// How long the organization's part took, in seconds.
    package var seconds: Double
    /// With `--dry-run`: what each source would read.
    package var plan: [DryRunPlan.Source]? = nil
    /// How long its final transaction was held, in seconds, when it committed.
    package var transactionSeconds: Double? = nil
    /// With `--due`: what the schedule decided for it, and why.
    package var due: DueSchedule.Decision? = nil

    /// Creates an outcome.
    ///
    /// - Parameters:
    ///   - organization: The organization's id.
    ///   - status: How it ended.
    ///   - message: Why it failed or was skipped; `nil` when it succeeded.
    ///   - totals: The records over every resource.
    ///   - resources: Each resource's figures.
    ///   - seconds: How long it took.
    ///   - plan: With `--dry-run`, what each source would read; `nil` by default.
    package init(
        organization: String,
        status: Status,
        message: String?,
        totals: RunRecorder.Totals,
        resources: [ResourceFigures],
        seconds: Double,
        plan: [DryRunPlan.Source]? = nil
    ) {
        self.organization = organization
        self.status = status
        self.message = message
        self.totals = totals
        self.resources = resources
        self.seconds = seconds
        self.plan = plan
    }
}
