package import Foundation
package import Load
package import Logging
package import PostgresNIO
package import ServiceLifecycle

/// `routiq schedule`: the `--due` run as a long-running service for single-box installs.
///
/// Every minute (on the minute) it runs the organizations the pipeline's schedule makes due (a ``PipelineRun`` with
/// ``PipelineRun/due`` set), then sleeps until the next minute. A run that cannot even start (the database is down)
/// is logged and tried again a minute later: the service keeps going. On graceful shutdown (SIGTERM or SIGINT) a run
/// in progress is asked to stop (its organizations roll back and are recorded as cancelled) and the service returns.
package final class ScheduleService: Service, CustomStringConvertible {
    /// Makes the run of one evaluation, with a new run id.
    package typealias RunFactory = @Sendable (UUID) -> PipelineRun

    private let makeRun: RunFactory
    private let client: PostgresClient
    private let vault: CredentialVault
    private let afterRun: @Sendable (PipelineRun, [OrganizationOutcome], Double) async -> Void
    private let logger: Logger

    /// The service's name in the service group's logs.
    package var description: String { "ScheduleService" }

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - makeRun: The run of one evaluation (``PipelineRun/due`` is set on it here).
    ///   - client: The database; it needs ``PipelineRun/connectionsNeeded(concurrency:)`` connections.
    ///   - vault: Opens the organizations' stored credentials.
    ///   - afterRun: Called after each evaluation that ran (the summary, the metrics file), with its duration in
    ///     seconds.
    ///   - logger: Where the service logs.
    package init(
        makeRun: @escaping RunFactory,
        client: PostgresClient,
        vault: CredentialVault,
        afterRun: @escaping @Sendable (PipelineRun, [OrganizationOutcome], Double) async -> Void,
        logger: Logger
    ) {
        self.makeRun = makeRun
        self.client = client
        self.vault = vault
        self.afterRun = afterRun
        self.logger = logger
    }

    /// Evaluates the schedule every minute until graceful shutdown.
    package func run() async throws {
        logger.info("schedule started: the due organizations run every minute on the minute")
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            var execution = makeRun(UUID())
            execution.due = true
            let started = ContinuousClock.now
            let (client, vault, logger) = (client, vault, logger)
            do {
                let run = execution
                let outcomes = try await withGracefulShutdownHandler {
                    try await run.execute(client: client, vault: vault)
                } onGracefulShutdown: {
                    logger.warning("stopping: every running organization rolls back and is recorded as cancelled")
                    run.stop.request()
                }
                if !outcomes.isEmpty {
                    await afterRun(execution, outcomes, (ContinuousClock.now - started).seconds)
                }
            } catch {
                logger.error(
                    "the scheduled run could not start; trying again in a minute",
                    metadata: ["routiq.error": "\(OrganizationRunner.safeMessage(for: error))"])
            }
            let wait = Self.untilNextMinute(after: Date())
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
        }
        logger.info("schedule stopped")
    }

    /// Runs the service in a ``ServiceGroup`` that turns SIGTERM or SIGINT into a graceful shutdown.
    package func runHandlingSignals() async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: self, successTerminationBehavior: .gracefullyShutdownGroup, serviceName: description)
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [],
                logger: logger
            )
        )
        try await group.run()
    }

    /// How long from `now` to the start of the next minute (at least one second).
    static func untilNextMinute(after now: Date) -> Duration {
        let seconds = now.timeIntervalSince1970
        let next = (seconds / 60).rounded(.down) * 60 + 60
        return .milliseconds(Int64(max(1, next - seconds) * 1000))
    }
}
