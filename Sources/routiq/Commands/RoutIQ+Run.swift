import ArgumentParser
import Foundation
import Pipeline
import Runner

extension RoutIQ {
    /// `routiq run PIPELINE`: the main job.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a pipeline: extract, transform and load every organization, each in one transaction.",
            discussion: """
                Organizations run concurrently up to --concurrency; one organization's failure never affects another. \
                Each organization's data, cursors and run record commit together or not at all, in one short \
                transaction after its sources were read. Workers started with the same --batch share one run: \
                each organization is run by one of them.

                Exit codes: 0 every organization succeeded (with --batch: or was taken by another worker, or \
                had already succeeded in the batch); 1 some organization failed, was stopped, or was skipped \
                (another run held it); 2 invalid pipeline file or usage; 3 could not start (database unreachable, \
                PostgreSQL missing).
                """
        )

        @Argument(help: ArgumentHelp("The pipeline file, e.g. pipelines/demo.yml.", valueName: "pipeline"))
        var pipeline: String

        @Option(
            name: .customLong("org"), help: ArgumentHelp("Only this organization (repeatable).", valueName: "org-id"))
        var organizations: [String] = []

        @Flag(help: "Fetch everything, whatever the stages' mode (also reconciles deletions).")
        var full = false

        @Option(
            help: ArgumentHelp(
                "The instant scoring uses, ISO-8601; the run's start (or the sandbox's present) by default.",
                valueName: "instant"))
        var asOf: String?

        @Option(
            help: """
                Organizations run at once (64 by default). Each holds a database connection only while it uses one, \
                so the pool stays at about 10 connections at any width.
                """)
        var concurrency: Int = 64

        @Option(
            help: ArgumentHelp(
                """
                Share one run with every worker given the same id (e.g. the Kubernetes Job's name or the date): each \
                organization is claimed by one worker; those taken or already succeeded are skipped without error.
                """,
                valueName: "id"))
        var batch: String?

        @Flag(
            help: """
                Run only the organizations whose scheduled time (the pipeline's 'schedule:', in each clinic's time \
                zone) has passed with no successful run since; a full run when 'full_schedule:' says so. Meant to be \
                called every few minutes (cron, a systemd timer, a Kubernetes CronJob); with --dry-run, lists what is \
                due and why.
                """)
        var due = false

        @Flag(
            help:
                "Validate, resolve organizations, credentials and cursors, print what each source would read, and stop."
        )
        var dryRun = false

        @Option(
            help: ArgumentHelp(
                "Fail an organization when more records than this are rejected: a count (100) or a share (5%); "
                    + "overrides the load stage's max_rejects (10% by default).",
                valueName: "limit"
            )
        )
        var maxRejects: String?

        @Option(help: ArgumentHelp("Write the run's figures as JSON to this file.", valueName: "file"))
        var metricsJSON: String?

        @Option(
            help: ArgumentHelp(
                "Write a Prometheus text file (for node_exporter's textfile collector) with the run's and every "
                    + "organization's figures; replaced atomically; not with --dry-run.",
                valueName: "file"))
        var metricsProm: String?

        @OptionGroup var options: GlobalOptions

        func validate() throws {
            guard (1...256).contains(concurrency) else {
                throw ValidationError("--concurrency must be between 1 and 256")
            }
            for organization in organizations where OrganizationID(organization) == nil {
                throw ValidationError(
                    "'\(organization)' is not a well-formed organization id (expected \(OrganizationID.formatDescription))"
                )
            }
            if let maxRejects, RejectLimit.parse(maxRejects) == nil {
                throw ValidationError("--max-rejects must be a count such as 100 or a percentage such as 5%")
            }
            if let batch, batch.isEmpty || batch.count > 200 || batch.contains(where: \.isNewline) {
                throw ValidationError("--batch must be 1 to 200 characters on one line")
            }
            if due, batch != nil {
                throw ValidationError("--due and --batch do not go together: due runs are coordinated by the schedule")
            }
            if let asOf, Instant.parse(asOf) == nil {
                throw ValidationError("--as-of must be an ISO-8601 instant such as 2026-03-01T00:00:00Z")
            }
        }

        func run() async throws {
            try await run(display: nil)
        }

        /// Runs the pipeline, with `display` showing its progress on the terminal when there is one.
        func run(display: TerminalProgressDisplay?) async throws {
            let environment = RuntimeEnvironment()
            let logger = options.makeLogger(environment: environment)
            let definition = try environment.pipeline(at: pipeline, scheduledFor: due ? "--due" : nil)
            let started = ContinuousClock.now
            let runID = UUID()
            let context = DatabaseContext(environment: environment)
            var configured = PipelineRun(
                definition: definition, runID: runID, asOf: asOf.flatMap(Instant.parse), forceFull: full,
                concurrency: concurrency, isDryRun: dryRun, onlyOrganizations: organizations, actor: environment.actor,
                logger: logger
            )
            configured.maxRejects = maxRejects.flatMap(RejectLimit.parse)
            configured.batch = batch
            configured.due = due
            configured.observer = display?.progress
            let (dryRun, metricsJSON, metricsProm) = (self.dryRun, self.metricsJSON, self.metricsProm)
            configured.abandon = { outcomes in
                // Statements that never return hold the run and its connection pool: report and end the process.
                let summary = RunSummary(
                    runID: runID, pipeline: definition.name, outcomes: outcomes,
                    seconds: (ContinuousClock.now - started).seconds)
                summary.print(dryRun: dryRun)
                if let metricsJSON { try? summary.writeMetrics(to: metricsJSON) }
                if let metricsProm, !dryRun { try? summary.writePrometheusMetrics(to: metricsProm, standings: nil) }
                Foundation.exit(CommandFailure.someOrganizationsFailed.rawValue)
            }
            let execution = configured
            let outcomes: [OrganizationOutcome] = try await CommandFailure.reporting {
                try await TerminalProgressDisplay.showing(display) {
                    try await context.withMigratedDatabase(
                        logger: logger, maximumConnections: PipelineRun.connectionsNeeded(concurrency: concurrency)
                    ) { client in
                        let service = PipelineRunService(
                            execution: execution, client: client, vault: try context.vault(),
                            whenStopDeadlinePasses: { Foundation.exit(CommandFailure.someOrganizationsFailed.rawValue) }
                        )
                        return try await service.runHandlingSignals()
                    }
                }
            }
            let seconds = (ContinuousClock.now - started).seconds
            RunSummary(runID: runID, pipeline: definition.name, outcomes: outcomes, seconds: seconds).print(
                dryRun: dryRun)
            if let metricsJSON {
                try RunSummary(runID: runID, pipeline: definition.name, outcomes: outcomes, seconds: seconds)
                    .writeMetrics(to: metricsJSON)
            }
            if let metricsProm, !dryRun {
                try await RunSummary(runID: runID, pipeline: definition.name, outcomes: outcomes, seconds: seconds)
                    .writePrometheusMetrics(to: metricsProm, context: context, logger: logger)
            }
            if outcomes.contains(where: \.status.isFailure) { throw CommandFailure.someOrganizationsFailed }
        }
    }
}
