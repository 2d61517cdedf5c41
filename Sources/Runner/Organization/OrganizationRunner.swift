import AsyncHTTPClient
import Extract
import Foundation
import Load
import Logging
import Pipeline
import PostgresNIO
import Transform

/// Runs one pipeline for one organization with DESIGN §4's semantics, in two phases.
///
/// Holding the organization's advisory lock (on the process's lock session, ``OrganizationLocks``) and, with
/// `--batch`, its claim in the batch: record the run as `running` and discard what dead runs left in the staging
/// area. **Extract**: stream every source into the run-tagged staging tables, each `COPY` on a connection lent for
/// that statement alone, so an organization waiting on a rate limit holds no connection and no transaction.
/// **Commit**: one short transaction merges the staged rows, matches contacts, re-scores every patient from the
/// warehouse, advances the cursors, records success (fenced: the run record must still be this run's) and deletes
/// the run's staging rows. Any failure rolls the transaction back and is recorded on its own, leaving the previous
/// data intact; a kill at any point leaves staging rows that the next run discards.
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
    /// The process's lock session, which holds the organization's lock for the run.
    let locks: OrganizationLocks
    /// With `--batch`: the batch's claims, and when this process started by the server's clock.
    var batch: (claims: BatchClaimStore, startedAt: Date)? = nil
    /// Bounds how many organizations are in their final transaction at once; unbounded when `nil`.
    var mergeGate: MergeGate? = nil
    /// With `--due`: what the schedule decided; checked again under the lock, where a peer's success shows.
    var due: DueSchedule.Decision? = nil
    let logger: Logger

    /// Lends connections for the organization's short pieces of work.
    var database: DatabaseLease {
        DatabaseLease(
            client: client, organization: organization.id, leaseTimeout: leaseTimeout, stop: stop,
            lossWatch: lossWatch)
    }

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
            let runLogger = logger
            outcome = try await locks.withLock(organization.id, logger: logger) {
                try await runLocked(outcome: empty, logger: runLogger)
            }
        } catch let held as OrganizationLock.Held {
            if batch != nil || due != nil {
                // A peer of the batch (or of the schedule) runs it: not a failure of this worker.
                outcome.status = .taken
                outcome.message =
                    batch.map { "taken by another worker of batch \($0.claims.batch)" } ?? "taken by another worker"
                logger.info("organization taken by another worker; skipping it")
            } else {
                outcome.status = .skipped
                outcome.message = held.description
                logger.warning("\(held.description); skipping it")
            }
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

    /// The run proper, holding the organization's lock: claims it in the batch, records it as running, runs both
    /// phases (cancelled at once by a stop request), and records how it ended.
    private func runLocked(outcome: OrganizationOutcome, logger: Logger) async throws -> OrganizationOutcome {
        var outcome = outcome
        if let batch {
            let (runID, organization) = (runID, organization.id)
            let worker = "\(host) pid \(ProcessInfo.processInfo.processIdentifier)"
            let claim = try await database.withConnection { connection in
                try await batch.claims.claim(
                    organization: organization, runID: runID, worker: worker, startedAt: batch.startedAt,
                    on: connection, logger: logger)
            }
            switch claim {
            case .claimed(let previous):
                if let previous {
                    logger.info(
                        "organization claimed from an earlier worker of the batch",
                        metadata: ["routiq.previous_run_id": "\(previous)"])
                }
            case .alreadySucceeded(let run):
                outcome.status = .done
                outcome.message = "already succeeded in batch \(batch.claims.batch) (run \(run))"
                logger.info("organization already succeeded in this batch; skipping it")
                return outcome
            case .endedInThisStart(_, let status):
                outcome.status = .taken
                outcome.message =
                    "another worker of batch \(batch.claims.batch) ran it (\(status)); it is retried when the batch "
                    + "is started again"
                logger.info("organization ended in another worker of this batch; skipping it")
                return outcome
            }
        }
        if let due {
            let pipeline = definition.name
            let organization = organization.id
            let mark = try await database.withConnection { connection in
                try await ScheduleMarks(pipeline: pipeline).mark(
                    organization: organization, on: connection, logger: logger)
            }
            if DueSchedule.isAlreadyCovered(due, by: mark) {
                outcome.status = .done
                outcome.message = "already ran since its scheduled time"
                logger.info("organization already ran since its scheduled time; skipping it")
                return outcome
            }
        }
        let start = RunRecorder.Start(
            runID: runID, organization: organization.id, pipeline: definition.name,
            mode: isFull ? "full" : "incremental", startedBy: startedBy, host: host, asOf: asOf
        )
        let staging = StagingArea(organization: organization.id, runID: runID)
        try await database.withConnection { connection in
            try await RunRecorder().begin(start, on: connection, logger: logger)
            let discarded = try await staging.discardAbandoned(on: connection, logger: logger)
            if discarded > 0 {
                logger.debug("staged rows of dead runs discarded", metadata: ["routiq.rows": "\(discarded)"])
            }
        }
        do {
            let runner = self
            let committed = try await stop.cancellingOnRequest {
                try await runner.extractAndCommit(logger: logger)
            }
            outcome.resources = committed.figures
            outcome.totals = Self.totals(of: committed.figures)
            outcome.transactionSeconds = committed.transactionSeconds
            outcome.status = .succeeded
            logger.info(
                "organization committed",
                metadata: [
                    "routiq.inserted": "\(outcome.totals.inserted)",
                    "routiq.updated": "\(outcome.totals.updated)",
                    "routiq.quarantined": "\(outcome.totals.quarantined)",
                    "routiq.transaction_ms": "\(Int(committed.transactionSeconds * 1000))",
                ])
        } catch {
            // After a stop, whatever the cancelled work threw (a cancelled COPY, request or wait) means "stopped".
            let isCancelled = Self.isCancellation(error) || stop.isRequested
            let message =
                isCancelled ? "stopped by SIGINT or SIGTERM; its transaction rolled back" : Self.safeMessage(for: error)
            outcome.message = message
            outcome.status = isCancelled ? .cancelled : .failed
            await recordFailure(cancelled: isCancelled, message: message, logger: logger)
            if isCancelled {
                logger.warning("organization stopped; its transaction rolled back, its previous data is untouched")
            } else {
                logger.error(
                    "organization failed; its previous data is untouched", metadata: ["routiq.error": "\(message)"])
            }
        }
        return outcome
    }

    /// Records a run that failed or was stopped (run record, batch claim), and discards its staged rows, on a
    /// connection of its own: a stop does not abandon this wait, which is short.
    private func recordFailure(cancelled: Bool, message: String, logger: Logger) async {
        let (runID, organization, batch) = (runID, organization.id, batch)
        do {
            try await client.withConnection(leaseTimeout: .seconds(10), abandon: Latch()) { connection in
                try await RunRecorder().finish(
                    runID: runID, organization: organization, outcome: cancelled ? .cancelled : .failed,
                    totals: .init(), stats: "{}", error: message, on: connection, logger: logger
                )
                try await batch?.claims.finish(
                    organization: organization, runID: runID, outcome: cancelled ? .cancelled : .failed,
                    on: connection, logger: logger)
                try await StagingArea(organization: organization, runID: runID).discardRun(
                    on: connection, logger: logger)
            }
        } catch {
            logger.error(
                "the run's outcome could not be recorded; the next run closes it as abandoned",
                metadata: ["routiq.error": "\(Self.safeMessage(for: error))"])
        }
    }

    // MARK: The two phases

    /// The extract phase, then the final transaction.
    private func extractAndCommit(logger: Logger) async throws -> (
        figures: [ResourceFigures], transactionSeconds: Double
    ) {
        let organizationID = organization.id
        let cursors = try await database.withConnection { connection in
            try await SyncStateStore(organization: organizationID).entries(on: connection, logger: logger)
        }
        let loader = ResourceLoader(
            organization: organization.id, runID: runID, asOf: asOf, stop: stop, database: database,
            observer: observer, logger: logger)
        let normalizer = makeNormalizer()
        var extraction = Extraction()
        var timings: [String: Double] = [:]
        for stage in definition.stages {
            try stop.check()
            var stageLogger = logger
            stageLogger[metadataKey: "routiq.stage"] = "\(stage.id)"
            let stageStart = ContinuousClock.now
            let before = extraction.resources.count
            switch stage.settings {
            case .cliniko(let settings):
                observer?.stageStarted(stage.id, organization: organization.id)
                try await extractCliniko(
                    settings, cursors: cursors, loader: loader, normalizer: normalizer, into: &extraction,
                    logger: stageLogger)
            case .chatwoot(let settings):
                observer?.stageStarted(stage.id, organization: organization.id)
                try await extractChatwoot(
                    settings, cursors: cursors, loader: loader, normalizer: normalizer, into: &extraction,
                    logger: stageLogger)
            case .clerk(let settings):
                observer?.stageStarted(stage.id, organization: organization.id)
                try await extractClerk(settings, loader: loader, into: &extraction, logger: stageLogger)
            case .matchContacts, .scoreActivity, .aggregateAppointments, .normalizePhones, .load, .report:
                // Transforms run in the final transaction (normalization runs per record during the extracts), and
                // reports are written after the commit (`ReportStage`).
                continue
            }
            let seconds = (ContinuousClock.now - stageStart).seconds
            timings[stage.id] = seconds
            Self.logStageFinished(
                rows: extraction.resources[before...].reduce(0) { $0 + $1.figures.read }, seconds: seconds,
                logger: stageLogger)
        }
        try stop.check()
        observer?.stageStarted("commit", organization: organization.id)
        let (runner, staged, stageTimings) = (self, extraction, timings)
        let committed = try await (mergeGate ?? MergeGate(limit: 1)).withPlace {
            try await runner.database.withConnection { connection in
                let began = ContinuousClock.now
                let figures = try await connection.withTransaction(logger: logger) { transaction in
                    try await runner.commit(
                        staged, timings: stageTimings, transactionStarted: began, on: transaction, logger: logger)
                }
                return (figures: figures, transactionSeconds: (ContinuousClock.now - began).seconds)
            }
        }
        return committed
    }

    /// The final transaction: merge what was staged, match and score, check the reject limit, advance the cursors,
    /// record success (the fence) and delete the run's staging rows.
    private func commit(
        _ extraction: Extraction, timings: [String: Double], transactionStarted: ContinuousClock.Instant,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> [ResourceFigures] {
        // Every query of this transaction works on a whole organization's rows, most of them staged by this very run,
        // which the planner's statistics (none yet, or other organizations' committed rows) know nothing of: it then
        // guesses one row and picks a nested loop over a sequential scan, which took minutes per organization where
        // hash joins take a second (matching in the 10-organization benchmark). ANALYZE is not an option: its lock
        // would queue every other organization's run behind this one.
        try await connection.query("SET LOCAL enable_nestloop = off", logger: logger)
        try await QuarantineWriter(organization: organization.id, runID: runID).promote(on: connection, logger: logger)
        let loader = ResourceLoader(
            organization: organization.id, runID: runID, asOf: asOf, stop: stop, database: database, logger: logger)
        var figures: [ResourceFigures] = []
        for resource in extraction.resources {
            try stop.check()
            switch resource {
            case .staged(let staged): figures.append(try await loader.merge(staged, on: connection))
            case .read(let read): figures.append(read)
            }
        }
        if let profile = extraction.clerkProfile {
            try await OrganizationStore.applyClerkProfile(profile, on: connection, logger: logger)
        }
        var timings = timings
        var derived = false
        for stage in definition.stages {
            try stop.check()
            var stageLogger = logger
            stageLogger[metadataKey: "routiq.stage"] = "\(stage.id)"
            let stageStart = ContinuousClock.now
            switch stage.settings {
            case .matchContacts(let settings):
                observer?.stageStarted(stage.id, organization: organization.id)
                try await ContactMatching(organization: organization.id, settings: settings).run(
                    on: connection, logger: stageLogger)
            case .scoreActivity, .aggregateAppointments:
                observer?.stageStarted(stage.id, organization: organization.id)
                // Both are computed in one pass over the patients, at the first of the two stages.
                if !derived {
                    try await derive(on: connection, logger: stageLogger)
                    derived = true
                }
            case .cliniko, .chatwoot, .clerk, .normalizePhones, .load, .report:
                continue
            }
            let seconds = (ContinuousClock.now - stageStart).seconds
            timings[stage.id] = seconds
            Self.logStageFinished(rows: 0, seconds: seconds, logger: stageLogger)
        }
        let limit = RejectLimit(limit: maxRejects ?? definition.load?.maxRejects ?? LoadSettings().maxRejects)
        let totals = Self.totals(of: figures)
        if let violation = limit.violation(rejected: totals.quarantined, read: totals.read) {
            throw RejectLimitExceeded(description: violation + "; nothing of this run was kept (see the sources' data)")
        }
        let state = SyncStateStore(organization: organization.id)
        for mark in extraction.cursorMarks {
            try await state.advance(
                source: mark.source, resource: mark.resource, to: mark.mark.map(Self.cursorText),
                notAfter: Self.cursorText(asOf), complete: isFull && mark.complete,
                runID: runID, on: connection, logger: logger
            )
        }
        let windows = ReportStage.windows(of: definition)
        let statistics = RunStatistics(
            resources: figures,
            // Every stage, in file order; those with no work of their own here (normalization runs per record, the
            // load is this transaction, reports come after it) took no time.
            stages: definition.stages.map { .init(stage: $0.id, seconds: timings[$0.id] ?? 0) },
            peakResidentBytes: RunStatistics.peakResidentBytes,
            scoring: .init(
                attendanceWindowDays: windows.windowDays, lateCancellationHours: windows.lateCancellationHours),
            transactionSeconds: (ContinuousClock.now - transactionStarted).seconds)
        let statsEncoder = JSONEncoder()
        statsEncoder.keyEncodingStrategy = .convertToSnakeCase
        statsEncoder.outputFormatting = .sortedKeys
        let stats = String(decoding: try statsEncoder.encode(statistics), as: UTF8.self)
        try await RunRecorder().finish(
            runID: runID, organization: organization.id, outcome: .succeeded, totals: totals, stats: stats,
            error: nil, on: connection, logger: logger
        )
        try await batch?.claims.finish(
            organization: organization.id, runID: runID, outcome: .succeeded, on: connection, logger: logger)
        try await StagingArea(organization: organization.id, runID: runID).discardRun(on: connection, logger: logger)
        logger.debug("committing")
        return figures
    }

    private static func logStageFinished(rows: Int, seconds: Double, logger: Logger) {
        logger.info(
            "stage finished",
            metadata: ["routiq.rows": "\(rows)", "routiq.duration_ms": "\(Int(seconds * 1000))"]
        )
    }
}
