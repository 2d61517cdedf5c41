package import Load
package import Logging
package import PostgresNIO
package import ServiceLifecycle
import Synchronization

/// `routiq run` as a service: executes a ``PipelineRun`` and, on graceful shutdown (SIGINT or SIGTERM through the
/// ``ServiceGroup`` of ``runHandlingSignals()``), asks it to stop.
///
/// A stop cancels every organization's waits at once; its transaction rolls back and it is recorded as cancelled.
/// Should that take longer than ``stopDeadline`` (a statement stuck in an unresponsive database), the service logs
/// it and calls `whenStopDeadlinePasses`, which is expected to end the process: nothing of an uncommitted run is kept,
/// and the next run closes its `running` records as abandoned. The signal handlers are removed after the first
/// signal, so a second one ends the process at once.
package final class PipelineRunService: Service, CustomStringConvertible {
    /// How long after a stop request the run may take to roll back and record itself: 25 seconds by default.
    package static let defaultStopDeadline = Duration.seconds(25)

    /// The run.
    package let execution: PipelineRun
    /// How long after a stop request the organizations may take before ``whenStopDeadlinePasses`` is called.
    package let stopDeadline: Duration
    private let client: PostgresClient
    private let vault: CredentialVault
    private let whenStopDeadlinePasses: @Sendable () -> Void
    private let outcomes = Mutex<[OrganizationOutcome]?>(nil)

    /// The service's name in the service group's logs (never its configuration).
    package var description: String { "PipelineRunService" }

    /// Creates the service of one run.
    ///
    /// - Parameters:
    ///   - execution: The run.
    ///   - client: The database; it needs ``PipelineRun/connectionsNeeded(concurrency:)`` connections.
    ///   - vault: Opens the organizations' stored credentials.
    ///   - stopDeadline: How long a stop may take; ``defaultStopDeadline`` (25 seconds) by default.
    ///   - whenStopDeadlinePasses: Called once the organizations did not stop within `stopDeadline`; expected to end
    ///     the process (the run cannot return while a statement never does).
    package init(
        execution: PipelineRun,
        client: PostgresClient,
        vault: CredentialVault,
        stopDeadline: Duration = PipelineRunService.defaultStopDeadline,
        whenStopDeadlinePasses: @escaping @Sendable () -> Void
    ) {
        self.execution = execution
        self.client = client
        self.vault = vault
        self.stopDeadline = stopDeadline
        self.whenStopDeadlinePasses = whenStopDeadlinePasses
    }

    /// Executes the run; on graceful shutdown asks it to stop, and keeps the outcomes for ``runHandlingSignals()``.
    ///
    /// - Throws: What ``PipelineRun/execute(client:vault:)`` throws.
    package func run() async throws {
        let (execution, client, vault) = (self.execution, self.client, self.vault)
        let (stopDeadline, whenStopDeadlinePasses) = (self.stopDeadline, self.whenStopDeadlinePasses)
        let logger = execution.logger
        let result = try await withThrowingTaskGroup(of: [OrganizationOutcome]?.self) { group in
            group.addTask {
                try await withGracefulShutdownHandler {
                    try await execution.execute(client: client, vault: vault)
                } onGracefulShutdown: {
                    logger.warning("stopping: every organization rolls back at once and is recorded as cancelled")
                    execution.stop.request()
                }
            }
            group.addTask {
                // Returns when graceful shutdown begins; throws when the run finished first (this task is cancelled).
                guard (try? await gracefulShutdown()) != nil else { return nil }
                try? await Task.sleep(for: stopDeadline)
                guard !Task.isCancelled else { return nil }
                logger.error(
                    """
                    the organizations did not stop in time; exiting without them (nothing uncommitted is kept; the \
                    next run closes their records as abandoned)
                    """,
                    metadata: ["routiq.duration_ms": "\(stopDeadline.components.seconds * 1000)"])
                whenStopDeadlinePasses()
                return nil
            }
            while let next = try await group.next() {
                if let outcomes = next {
                    group.cancelAll()
                    return outcomes
                }
            }
            return []
        }
        outcomes.withLock { $0 = result }
    }

    /// Runs the service in a ``ServiceGroup`` that turns the first SIGTERM or SIGINT into a graceful shutdown, and
    /// ends when the run does.
    ///
    /// - Returns: Each organization's outcome, sorted by organization id.
    /// - Throws: What ``PipelineRun/execute(client:vault:)`` throws.
    package func runHandlingSignals() async throws -> [OrganizationOutcome] {
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(
                        service: self, successTerminationBehavior: .gracefullyShutdownGroup,
                        serviceName: description)
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [],
                logger: execution.logger
            )
        )
        try await group.run()
        return outcomes.withLock { $0 } ?? []
    }
}
