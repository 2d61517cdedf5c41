import Foundation
import Logging
import Pipeline
import PostgresNIO
import Report

/// The pipeline's `report:` stages: after the organizations' data committed, write each one's reports and the
/// index, per output folder.
struct ReportStage: Sendable {
    /// The formats wanted per output folder, from the `report:` stages.
    let folders: [String: Set<ReportGenerator.Format>]
    /// The windows organizations were scored with (the `score_activity` stage's), so the summaries' figures agree
    /// with the per-patient ones.
    let windows: ReportGenerator.Windows

    init(definition: PipelineDefinition) {
        windows = Self.windows(of: definition)
        var folders: [String: Set<ReportGenerator.Format>] = [:]
        for stage in definition.stages {
            guard case .report(let settings) = stage.settings,
                let format = ReportGenerator.Format(rawValue: settings.format.rawValue)
            else { continue }
            folders[settings.outputDirectory, default: []].insert(format)
        }
        self.folders = folders
    }

    var isEmpty: Bool { folders.isEmpty }

    /// Writes every succeeded organization's reports (a few organizations at a time, each streaming its patients) and
    /// the index; an organization whose reports cannot be written is marked failed (its committed data stays).
    func write(
        outcomes: [OrganizationOutcome],
        asOf: Date,
        runID: UUID?,
        client: PostgresClient,
        logger: Logger
    ) async -> [OrganizationOutcome] {
        var outcomes = outcomes
        let warehouse = WarehouseReportAccess(client: client)
        for (folder, formats) in folders.sorted(by: { $0.key < $1.key }) {
            let generator = ReportGenerator(
                configuration: .init(
                    outputDirectory: URL(fileURLWithPath: folder, isDirectory: true), formats: formats,
                    options: .init(windowDays: windows.windowDays, lateCancellationHours: windows.lateCancellationHours)
                )
            )
            let succeeded = outcomes.indices.filter { outcomes[$0].status == .succeeded }
            let results = await generator.generate(
                succeeded.map { .init(organization: outcomes[$0].organization, asOf: asOf, runID: runID) },
                warehouse: warehouse, logger: logger)
            var summaries: [OrganizationSummary] = []
            for (index, result) in zip(succeeded, results) {
                switch result {
                case .success(let files):
                    summaries.append(files.summary)
                case .failure(let error):
                    outcomes[index].status = .failed
                    outcomes[index].message = "the reports could not be written: \(error)"
                    logger.error(
                        "reports could not be written; the organization's data is committed",
                        metadata: ["routiq.org": "\(outcomes[index].organization)", "routiq.error": "\(error)"]
                    )
                }
            }
            do {
                try await generator.writeIndex(summaries: summaries, asOf: asOf, warehouse: warehouse, logger: logger)
                logger.info(
                    "reports written", metadata: ["routiq.path": "\(folder)", "routiq.orgs": "\(summaries.count)"])
            } catch {
                logger.error("the report index could not be written", metadata: ["routiq.error": "\(error)"])
            }
        }
        return outcomes
    }

    /// The `score_activity` stage's windows (its defaults when the pipeline has none).
    static func windows(of definition: PipelineDefinition) -> ReportGenerator.Windows {
        let scoring =
            definition.stages.lazy.compactMap { stage -> ScoreActivitySettings? in
                if case .scoreActivity(let settings) = stage.settings { settings } else { nil }
            }.first ?? ScoreActivitySettings()
        return ReportGenerator.Windows(
            windowDays: scoring.attendanceWindowDays, lateCancellationHours: scoring.lateCancellationHours)
    }
}
