import ArgumentParser
import Foundation
import Pipeline
import Runner

extension RoutIQ {
    /// `routiq schedule PIPELINE`: `routiq run --due` every minute, as a long-running service.
    struct Schedule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a pipeline's due organizations every minute, each in its own time zone's night.",
            discussion: """
                Every minute, runs the organizations whose scheduled time (the pipeline's 'schedule:', a cron \
                expression read in each clinic's time zone) has passed with no successful run since, as \
                `routiq run --due` does; a full run when 'full_schedule:' says so. After downtime each organization \
                catches up once. SIGTERM or SIGINT stops it gracefully (a run in progress rolls back and is recorded \
                as cancelled). For installs with cron, a systemd timer or a Kubernetes CronJob, call \
                `routiq run PIPELINE --due` every few minutes instead (docs/deploy.md).

                Exit codes: 0 stopped by a signal; 2 invalid pipeline file (or no 'schedule:') or usage; 3 could not \
                start.
                """
        )

        @Argument(help: ArgumentHelp("The pipeline file, e.g. pipelines/nightly.yml.", valueName: "pipeline"))
        var pipeline: String

        @Option(help: "Organizations run at once within one evaluation (64 by default).")
        var concurrency: Int = 64

        @Option(
            help: ArgumentHelp(
                "After each run, write per-organization figures as a Prometheus text file (node_exporter's textfile "
                    + "collector).",
                valueName: "file"))
        var metricsProm: String?

        @OptionGroup var options: GlobalOptions

        func validate() throws {
            guard (1...256).contains(concurrency) else {
                throw ValidationError("--concurrency must be between 1 and 256")
            }
        }

        func run() async throws {
            let environment = RuntimeEnvironment()
            let logger = options.makeLogger(environment: environment)
            let definition = try environment.pipeline(at: pipeline, scheduledFor: "`routiq schedule`")
            let context = DatabaseContext(environment: environment)
            let (concurrency, metricsProm, actor) = (self.concurrency, self.metricsProm, environment.actor)
            try await CommandFailure.reporting {
                try await context.withMigratedDatabase(
                    logger: logger, maximumConnections: PipelineRun.connectionsNeeded(concurrency: concurrency)
                ) { client in
                    let service = ScheduleService(
                        makeRun: { runID in
                            PipelineRun(
                                definition: definition, runID: runID, asOf: nil, forceFull: false,
                                concurrency: concurrency, isDryRun: false, onlyOrganizations: [], actor: actor,
                                logger: logger)
                        },
                        client: client, vault: try context.vault(),
                        afterRun: { run, outcomes, seconds in
                            let summary = RunSummary(
                                runID: run.runID, pipeline: definition.name, outcomes: outcomes, seconds: seconds)
                            summary.print(dryRun: false)
                            guard let metricsProm else { return }
                            do {
                                try await summary.writePrometheusMetrics(
                                    to: metricsProm, context: context, logger: logger)
                            } catch {
                                logger.error(
                                    "the Prometheus metrics file could not be written",
                                    metadata: ["routiq.error": "\(type(of: error))"])
                            }
                        },
                        logger: logger)
                    try await service.runHandlingSignals()
                }
            }
        }
    }
}
