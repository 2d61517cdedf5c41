import Foundation
import Load
import Logging
import Runner

extension RunSummary {
    /// `--metrics-prom`: reads every organization's standing with the pipeline from the database, then writes the
    /// Prometheus text file (``RunSummary/writePrometheusMetrics(to:standings:finishedAt:)``).
    ///
    /// When the database cannot be read within `timeout` (it went away during the run), the file is still written,
    /// with the run's own gauges and `routiq_run_history_loaded 0`, and a warning is logged.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - context: The run's database.
    ///   - timeout: How long reading the standings may take; 20 seconds by default.
    ///   - logger: For the query and the warning.
    /// - Throws: When the file cannot be written.
    func writePrometheusMetrics(
        to path: String, context: DatabaseContext, timeout: Duration = .seconds(20), logger: Logger
    ) async throws {
        let finishedAt = Date()
        let pipeline = self.pipeline
        var standings: [RunHistory.Standing]?
        do {
            standings = try await withThrowingTaskGroup(of: [RunHistory.Standing]?.self) { group in
                group.addTask {
                    let endpoint = try await context.endpoint(logger: logger)
                    return try await withPostgresClient(
                        endpoint: endpoint, logger: logger, connectTimeout: timeout, maximumConnections: 1
                    ) { client in
                        try await RunHistory(client: client).standings(pipeline: pipeline, logger: logger)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
            if standings == nil {
                logger.warning(
                    "the database did not answer in time; the metrics file has only the run's own figures",
                    metadata: ["routiq.duration_ms": "\(timeout.components.seconds * 1000)"])
            }
        } catch {
            logger.warning(
                "could not read the organizations' run records; the metrics file has only the run's own figures",
                metadata: ["routiq.error": "\(error)"])
        }
        try writePrometheusMetrics(to: path, standings: standings, finishedAt: finishedAt)
    }
}
