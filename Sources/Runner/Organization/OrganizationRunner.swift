import AsyncHTTPClient
import Extract
import Foundation
import Load
import Logging
import Pipeline
import PostgresNIO
import Transform

/// Runs one pipeline for one organization with DESIGN §4's semantics.
///
/// On one connection: take the organization's advisory lock, record the run as `running`, then in one transaction
/// stream every extract into staging tables, merge, match contacts, re-score every patient from the warehouse,
/// advance the cursors and record success; commit. Any failure rolls everything back and is recorded in a separate
/// short transaction, leaving the previous data intact.
struct OrganizationRunner: Sendable {
    /// Base URLs that replace the real services' (the in-process sandbox).
    struct Overrides: Sendable {
        var clinikoBaseURL: String?
        var chatwootBaseURL: String?
        var clerkBaseURL: String?
    }

    let organization: Organization
    let definition: PipelineDefinition
    let runID: UUID
    let asOf: Date
    let forceFull: Bool
    /// `--max-rejects`, overriding the load stage's `max_rejects`.
    var maxRejects: LoadSettings.RejectLimit? = nil
    let startedBy: String
    let host: String
    let overrides: Overrides
    let client: PostgresClient
    let credentials: CredentialStore
    let httpClient: HTTPClient
    let stop: StopRequest
    /// Told how the run progresses (the terminal's progress display), when something watches.
    var observer: (any RunObserver)? = nil
    /// How long to wait for a free database connection before failing the organization; 60 seconds by default.
    var leaseTimeout: Duration = .seconds(60)
    /// Told which connection the organization holds, to notice the server going away under it.
    var lossWatch: ConnectionLossWatch? = nil
    let logger: Logger

    private var isFull: Bool {
        forceFull
            || definition.stages.contains { stage in
                switch stage.settings {
                case .cliniko(let settings): settings.common.mode == .full
                case .chatwoot(let settings): settings.common.mode == .full
                case .clerk(let settings): settings.common.mode == .full
                case .normalizePhones, .matchContacts, .scoreActivity, .aggregateAppointments, .load, .report: false
                }
            }
    }

    func run() async -> OrganizationOutcome {
        let started = ContinuousClock.now
        observer?.organizationStarted(organization.id)
        var logger = logger
        logger[metadataKey: "routiq.org"] = "\(organization.id)"
        logger[metadataKey: "routiq.run_id"] = "\(runID)"
        let empty = OrganizationOutcome(
            organization: organization.id, status: .failed, message: nil, totals: .init(), resources: [], seconds: 0
        )
        var outcome = empty
        do {
            // One connection for the whole organization: its lock, its run record, its transaction and its
            // credentials. The wait for it is bounded, and a stop abandons it.
            let runner = self
            let runLogger = logger
            outcome = try await client.withConnection(leaseTimeout: leaseTimeout, abandon: stop.latch) { connection in
                runner.lossWatch?.watch(connection, for: runner.organization.id)
                return try await OrganizationLock.withLock(
                    organization: runner.organization.id, on: connection, logger: runLogger
                ) {
                    try await runner.runLocked(on: connection, outcome: empty, logger: runLogger)
                }
            }
        } catch let held as OrganizationLock.Held {
            outcome.status = .skipped
            outcome.message = held.description
            logger.warning("\(held.description); skipping it")
        } catch is CancellationError {
            outcome.status = .cancelled
            outcome.message = "stopped before it started"
            logger.warning("organization stopped before it started")
        } catch {
            outcome.message = Self.safeMessage(for: error)
            logger.error("organization could not start", metadata: ["routiq.error": "\(outcome.message ?? "")"])
        }
        outcome.seconds = (ContinuousClock.now - started).seconds
        observer?.organizationFinished(organization.id, status: outcome.status)
        return outcome
    }

    /// The run proper, holding the organization's lock on `connection`: records it as running, runs the transaction
    /// (cancelled at once by a stop request), and records how it ended.
    private func runLocked(on connection: PostgresConnection, outcome: OrganizationOutcome, logger: Logger)
        async throws -> OrganizationOutcome
    {
        var outcome = outcome
        let start = RunRecorder.Start(
            runID: runID, organization: organization.id, pipeline: definition.name,
            mode: isFull ? "full" : "incremental", startedBy: startedBy, host: host, asOf: asOf
        )
        try await RunRecorder().begin(start, on: connection, logger: logger)
        do {
            let runner = self
            let resources = try await stop.cancellingOnRequest {
                try await connection.withTransaction(logger: logger) { transaction in
                    try await runner.loadAndDerive(on: transaction, logger: logger)
                }
            }
            outcome.resources = resources
            outcome.totals = Self.totals(of: resources)
            outcome.status = .succeeded
            logger.info(
                "organization committed",
                metadata: [
                    "routiq.inserted": "\(outcome.totals.inserted)",
                    "routiq.updated": "\(outcome.totals.updated)",
                    "routiq.quarantined": "\(outcome.totals.quarantined)",
                ])
        } catch {
            // After a stop, whatever the cancelled work threw (a cancelled COPY, request or wait) means "stopped".
            let isCancelled = Self.isCancellation(error) || stop.isRequested
            let message =
                isCancelled ? "stopped by SIGINT or SIGTERM; its transaction rolled back" : Self.safeMessage(for: error)
            outcome.message = message
            outcome.status = isCancelled ? .cancelled : .failed
            do {
                try await RunRecorder().finish(
                    runID: runID, organization: organization.id, outcome: isCancelled ? .cancelled : .failed,
                    totals: .init(), stats: "{}", error: message, on: connection, logger: logger
                )
            } catch {
                logger.error(
                    "the run's outcome could not be recorded; the next run closes it as abandoned",
                    metadata: ["routiq.error": "\(Self.safeMessage(for: error))"])
            }
            if isCancelled {
                logger.warning("organization stopped; its transaction rolled back, its previous data is untouched")
            } else {
                logger.error(
                    "organization failed; its previous data is untouched", metadata: ["routiq.error": "\(message)"])
            }
        }
        return outcome
    }

    // MARK: The transaction

    private func loadAndDerive(on connection: PostgresConnection, logger: Logger) async throws -> [ResourceFigures] {
        // Every query of this transaction works on a whole organization's rows, most of them written in this very
        // transaction, which the planner's statistics (none yet, or other organizations' committed rows) know
        // nothing of: it then guesses one row and picks a nested loop over a sequential scan, which took minutes
        // per organization where hash joins take a second (matching in the 10-organization benchmark). ANALYZE is
        // not an option: its lock would queue every other organization's run behind this one.
        try await connection.query("SET LOCAL enable_nestloop = off", logger: logger)
        let cursors = try await SyncStateStore(organization: organization.id).entries(on: connection, logger: logger)
        var figures: [ResourceFigures] = []
        var marks: [(source: String, resource: String, mark: Date?, complete: Bool)] = []
        let loader = ResourceLoader(
            organization: organization.id, runID: runID, asOf: asOf, stop: stop, observer: observer, logger: logger)
        let normalizer = makeNormalizer()
        var derived = false
        var stages: [RunStatistics.StageTiming] = []

        for stage in definition.stages {
            try stop.check()
            observer?.stageStarted(stage.id, organization: organization.id)
            var stageLogger = logger
            stageLogger[metadataKey: "routiq.stage"] = "\(stage.id)"
            let stageStart = ContinuousClock.now
            let before = figures.count
            switch stage.settings {
            case .cliniko(let settings):
                let results = try await extractCliniko(
                    settings, cursors: cursors, loader: loader, normalizer: normalizer, on: connection,
                    logger: stageLogger)
                figures += results.map(\.0)
                marks += results.map { ("cliniko", $0.0.resource, $0.1, $0.0.complete) }
            case .chatwoot(let settings):
                let results = try await extractChatwoot(
                    settings, cursors: cursors, loader: loader, normalizer: normalizer, on: connection,
                    logger: stageLogger)
                figures += results.map(\.0)
                marks += results.map { ("chatwoot", $0.0.resource, $0.1, $0.0.complete) }
            case .clerk(let settings):
                let results = try await extractClerk(settings, loader: loader, on: connection, logger: stageLogger)
                figures += results.map(\.0)
                marks += results.map { ("clerk", $0.0.resource, $0.1, $0.0.complete) }
            case .matchContacts(let settings):
                try await ContactMatching(organization: organization.id, settings: settings).run(
                    on: connection, logger: stageLogger)
            case .scoreActivity, .aggregateAppointments:
                // Both are computed in one pass over the patients, at the first of the two stages.
                if !derived {
                    try await derive(on: connection, logger: stageLogger)
                    derived = true
                }
            case .normalizePhones, .load, .report:
                // Normalization runs per record during the extracts, the load is this transaction, and reports are
                // written after the commit (`ReportStage`).
                break
            }
            let added = figures[before...]
            let seconds = (ContinuousClock.now - stageStart).seconds
            stages.append(.init(stage: stage.id, seconds: seconds))
            stageLogger.info(
                "stage finished",
                metadata: [
                    "routiq.rows": "\(added.reduce(0) { $0 + $1.read })",
                    "routiq.duration_ms": "\(Int(seconds * 1000))",
                ]
            )
        }
        observer?.stageStarted("commit", organization: organization.id)
        let limit = RejectLimit(limit: maxRejects ?? definition.load?.maxRejects ?? LoadSettings().maxRejects)
        let totals = Self.totals(of: figures)
        if let violation = limit.violation(rejected: totals.quarantined, read: totals.read) {
            throw RejectLimitExceeded(description: violation + "; nothing of this run was kept (see the sources' data)")
        }
        let state = SyncStateStore(organization: organization.id)
        for mark in marks {
            try await state.advance(
                source: mark.source, resource: mark.resource, to: mark.mark.map(Self.cursorText),
                notAfter: Self.cursorText(asOf), complete: isFull && mark.complete,
                runID: runID, on: connection, logger: logger
            )
        }
        let windows = ReportStage.windows(of: definition)
        let statistics = RunStatistics(
            resources: figures, stages: stages, peakResidentBytes: RunStatistics.peakResidentBytes,
            scoring: .init(
                attendanceWindowDays: windows.windowDays, lateCancellationHours: windows.lateCancellationHours))
        let statsEncoder = JSONEncoder()
        statsEncoder.keyEncodingStrategy = .convertToSnakeCase
        statsEncoder.outputFormatting = .sortedKeys
        let stats = String(decoding: try statsEncoder.encode(statistics), as: UTF8.self)
        try await RunRecorder().finish(
            runID: runID, organization: organization.id, outcome: .succeeded, totals: Self.totals(of: figures),
            stats: stats,
            error: nil, on: connection, logger: logger
        )
        logger.debug("committing")
        return figures
    }
}
