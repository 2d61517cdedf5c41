import AsyncHTTPClient
package import Foundation
package import Load
package import Logging
package import Pipeline
package import PostgresNIO
import Report
package import Sandbox

/// One execution of a pipeline: resolves the organizations, starts the in-process sandbox when the pipeline asks
/// for it (registering its organizations and credentials), and runs organizations concurrently up to a bound.
package struct PipelineRun: Sendable {
    /// The validated pipeline file.
    package var definition: PipelineDefinition
    /// The run's id, shared by every organization's run record.
    package var runID: UUID
    /// The instant scoring uses; the run's start (or the sandbox's present) when `nil`.
    package var asOf: Date?
    /// `--full`: fetch everything whatever the stages' mode, and reconcile deletions.
    package var forceFull: Bool
    /// `--max-rejects`, overriding the pipeline's `max_rejects`; `nil` by default.
    package var maxRejects: LoadSettings.RejectLimit? = nil
    /// How many organizations run at once.
    package var concurrency: Int
    /// `--dry-run`: plan each organization (sources, cursors, credentials) without fetching or writing anything.
    package var isDryRun: Bool
    /// `--org`: only these organizations (they must be covered by the pipeline).
    package var onlyOrganizations: [String]
    /// Who started the run, for the run records and the audit log.
    package var actor: String
    /// Set by SIGINT/SIGTERM: organizations stop at their next checkpoint and roll back.
    package var stop = StopRequest()
    /// A sandbox that is already running (tests that advance or fault it between runs); when `nil`, a pipeline with a
    /// `sandbox:` section starts its own in-process sandbox.
    package var runningSandbox: SandboxEndpoints? = nil
    /// Told how the run progresses (the terminal's progress display), when something watches; `nil` by default.
    package var observer: (any RunObserver)? = nil
    /// How long an organization waits for a free database connection before it fails; 60 seconds by default.
    package var leaseTimeout: Duration = .seconds(60)
    /// Called with the outcomes when the run cannot finish because every organization still running lost its database
    /// connection under a statement that never returns (``ConnectionLossWatch``); expected to report them and end the
    /// process. `nil` (tests) watches for nothing.
    package var abandon: (@Sendable ([OrganizationOutcome]) -> Void)? = nil
    /// `--batch`: the batch this process shares with other workers given the same id (``BatchClaimStore``);
    /// `nil` for a run of its own.
    package var batch: String? = nil
    /// `--due`: only the organizations the pipeline's `schedule:` makes due now (``DueSchedule``), each as a full run
    /// when its `full_schedule:` says so.
    package var due = false
    /// Where the run logs.
    package var logger: Logger

    /// Describes a run; nothing happens until ``execute(client:vault:)``.
    ///
    /// The other settings keep their defaults: no `--max-rejects`, a new ``StopRequest``, no running sandbox, no
    /// observer, a 60-second lease timeout and no `abandon` handler.
    ///
    /// - Parameters:
    ///   - definition: The validated pipeline file.
    ///   - runID: The run's id.
    ///   - asOf: The instant scoring uses; `nil` for the run's start (or the sandbox's present).
    ///   - forceFull: Whether to fetch everything (`--full`).
    ///   - concurrency: How many organizations run at once.
    ///   - isDryRun: Whether to plan only (`--dry-run`).
    ///   - onlyOrganizations: `--org`: only these organizations; every one the pipeline covers when empty.
    ///   - actor: Who started the run.
    ///   - logger: Where the run logs.
    package init(
        definition: PipelineDefinition,
        runID: UUID,
        asOf: Date?,
        forceFull: Bool,
        concurrency: Int,
        isDryRun: Bool,
        onlyOrganizations: [String],
        actor: String,
        logger: Logger
    ) {
        self.definition = definition
        self.runID = runID
        self.asOf = asOf
        self.forceFull = forceFull
        self.concurrency = concurrency
        self.isDryRun = isDryRun
        self.onlyOrganizations = onlyOrganizations
        self.actor = actor
        self.logger = logger
    }

    /// The connection pool a run of `concurrency` organizations needs, which does not grow with the organizations:
    /// the lock session, the final transactions that may run at once (``finalTransactionsAtOnce(concurrency:)``), as
    /// many short leases for staging and bookkeeping, and one to spare; at least what the report stage writes at once
    /// plus two.
    ///
    /// - Parameter concurrency: How many organizations run at once.
    /// - Returns: The pool's maximum number of connections.
    package static func connectionsNeeded(concurrency: Int) -> Int {
        let transactions = finalTransactionsAtOnce(concurrency: concurrency)
        let reports = ReportGenerator.Configuration.Options().maximumConcurrentOrganizations + 2
        return max(1 + transactions + min(concurrency, 4) + 1, reports)
    }

    /// How many organizations may be in their final transaction at once: four (or fewer organizations). More
    /// would not merge faster on the database's cores, and would take the connections the others stage with.
    static func finalTransactionsAtOnce(concurrency: Int) -> Int {
        min(concurrency, 4)
    }

    /// Runs the pipeline for its organizations (after starting and registering the in-process sandbox when the
    /// pipeline has one), then writes the `report:` stages.
    ///
    /// - Parameters:
    ///   - client: The database; it needs ``connectionsNeeded(concurrency:)`` connections.
    ///   - vault: Opens the organizations' stored credentials.
    /// - Returns: Each organization's outcome, sorted by organization id.
    /// - Throws: When the organizations cannot be resolved (an organization the pipeline or `--org` names is not
    ///   registered) or the sandbox cannot start; an organization's own failure is its outcome, never thrown.
    package func execute(client: PostgresClient, vault: CredentialVault) async throws -> [OrganizationOutcome] {
        if let runningSandbox {
            let present = asOf ?? Instant.parse(runningSandbox.now) ?? Date()
            return try await run(against: runningSandbox, asOf: present, client: client, vault: vault)
        }
        guard let sandbox = definition.sandbox else {
            let asOf = asOf ?? Date()
            let outcomes = try await runOrganizations(asOf: asOf, client: client, vault: vault, registration: nil)
            return await writeReports(outcomes, asOf: asOf, client: client)
        }
        let now: Date
        switch sandbox.now {
        case .startOfDay:
            now = Instant.startOfUTCDay(containing: Date())
        case .instant(let instant):
            now = instant
        }
        let configuration = SandboxServer.Configuration(
            port: 0, seed: UInt64(sandbox.seed), organizationCount: sandbox.organizations,
            patientsPerOrganization: sandbox.patients, now: now, rateLimits: .unlimited
        )
        var sandboxLogger = logger
        if sandboxLogger.logLevel > .debug { sandboxLogger.logLevel = .warning }
        return try await withRunningSandbox(configuration: configuration, logger: sandboxLogger) { endpoints in
            logger.info("in-process sandbox ready", metadata: ["routiq.orgs": "\(endpoints.organizations.count)"])
            return try await run(against: endpoints, asOf: asOf ?? now, client: client, vault: vault)
        }
    }

    /// Registers the sandbox's organizations and credentials, then runs them against it.
    private func run(against endpoints: SandboxEndpoints, asOf: Date, client: PostgresClient, vault: CredentialVault)
        async throws -> [OrganizationOutcome]
    {
        let registration = SandboxRegistration(endpoints: endpoints, client: client, vault: vault, actor: actor)
        try await registration.register(logger: logger)
        let outcomes = try await runOrganizations(asOf: asOf, client: client, vault: vault, registration: registration)
        return await writeReports(outcomes, asOf: asOf, client: client)
    }

    /// The `report:` stages, after every organization's data committed.
    private func writeReports(_ outcomes: [OrganizationOutcome], asOf: Date, client: PostgresClient) async
        -> [OrganizationOutcome]
    {
        let reports = ReportStage(definition: definition)
        guard !reports.isEmpty, !isDryRun, !stop.isRequested, !outcomes.isEmpty else { return outcomes }
        observer?.runStageStarted("report")
        if outcomes.contains(where: { $0.status == .succeeded }) {
            do {
                let analyzed = try await PlannerStatistics().refreshStale(client: client, logger: logger)
                logger.debug("planner statistics refreshed", metadata: ["routiq.tables": "\(analyzed)"])
            } catch {
                logger.warning(
                    "planner statistics could not be refreshed; reports may be slower",
                    metadata: ["routiq.error": "\(error)"])
            }
        }
        return await reports.write(outcomes: outcomes, asOf: asOf, runID: runID, client: client, logger: logger)
    }

    private func runOrganizations(
        asOf: Date,
        client: PostgresClient,
        vault: CredentialVault,
        registration: SandboxRegistration?
    ) async throws -> [OrganizationOutcome] {
        var selected = try await selectOrganizations(client: client, registration: registration)
        if selected.isEmpty {
            logger.warning("no organizations to run; register one with `routiq orgs add`")
            return []
        }
        var decisions: [String: DueSchedule.Decision] = [:]
        if due {
            decisions = try await decideDue(selected, asOf: asOf, client: client)
            if !isDryRun {
                let due = selected.filter { decisions[$0.id]?.isDue == true }
                logger.info(
                    due.isEmpty ? "nothing is due" : "organizations due",
                    metadata: ["routiq.orgs": "\(due.count)", "routiq.not_due": "\(selected.count - due.count)"])
                selected = due
                if selected.isEmpty { return [] }
            }
        }
        let credentials = CredentialStore(client: client, vault: vault)
        if isDryRun, due {
            return selected.map { organization in
                var outcome = OrganizationOutcome(
                    organization: organization.id, status: .succeeded, message: nil, totals: .init(), resources: [],
                    seconds: 0)
                outcome.due = decisions[organization.id]
                return outcome
            }
        }
        if isDryRun {
            var plans: [OrganizationOutcome] = []
            for organization in selected {
                plans.append(
                    try await DryRunPlan(organization: organization, definition: definition, forceFull: forceFull)
                        .outcome(credentials: credentials, client: client, logger: logger))
            }
            return plans
        }
        observer?.expect(selected.map(\.id))
        await warnWhenConnectionsAreShort(client: client)
        // The process's lock session: every organization's advisory lock lives on this one connection for as long as
        // the organization runs, so a worker needs a handful of connections however many organizations it runs.
        let (run, organizations, dueDecisions) = (self, selected, decisions)
        return try await client.withConnection(leaseTimeout: leaseTimeout, abandon: stop.latch) { lockSession in
            try await run.runOrganizations(
                organizations, asOf: asOf, locks: OrganizationLocks(connection: lockSession), client: client,
                credentials: credentials, registration: registration, decisions: dueDecisions)
        }
    }

    /// Runs the organizations, `concurrency` at a time, their locks on `locks`.
    private func runOrganizations(
        _ selected: [Organization],
        asOf: Date,
        locks: OrganizationLocks,
        client: PostgresClient,
        credentials: CredentialStore,
        registration: SandboxRegistration?,
        decisions: [String: DueSchedule.Decision]
    ) async throws -> [OrganizationOutcome] {
        let host = ProcessInfo.processInfo.hostName
        let watch = ConnectionLossWatch()
        var claims: (claims: BatchClaimStore, startedAt: Date)?
        if let batch {
            // Failed claims of this batch are retried by workers that started after them, by the server's clock.
            claims = (BatchClaimStore(batch: batch), try await locks.serverNow(logger: logger))
        }
        let batchClaims = claims
        let mergeGate = MergeGate(limit: Self.finalTransactionsAtOnce(concurrency: concurrency))
        return try await withThrowingTaskGroup(of: OrganizationOutcome?.self) { group in
            var outcomes: [OrganizationOutcome] = []
            var pending = selected[...]
            func startNext() {
                guard let organization = pending.popFirst() else { return }
                if stop.isRequested {
                    // A stopped run starts nothing new: the organizations still waiting are reported as cancelled.
                    let notStarted = OrganizationOutcome(
                        organization: organization.id, status: .cancelled, message: "not started: the run was stopped",
                        totals: .init(), resources: [], seconds: 0)
                    group.addTask { notStarted }
                    return
                }
                let decision = decisions[organization.id]
                var runner = OrganizationRunner(
                    organization: organization, definition: definition, runID: runID, asOf: asOf,
                    forceFull: forceFull || decision?.isFull == true,
                    startedBy: actor, host: host, overrides: registration?.overrides(for: organization.id) ?? .init(),
                    client: client, credentials: credentials, httpClient: .sharedForExtract, stop: stop, locks: locks,
                    logger: logger
                )
                runner.maxRejects = maxRejects
                runner.observer = observer
                runner.leaseTimeout = leaseTimeout
                runner.lossWatch = watch
                runner.batch = batchClaims
                runner.mergeGate = mergeGate
                runner.due = decision
                watch.started(organization.id)
                group.addTask { await runner.run() }
            }
            for _ in 0..<min(concurrency, pending.count) { startNext() }
            if let abandon {
                group.addTask {
                    await Self.abandonWhenStuck(watch, abandon: abandon, logger: logger)
                    return nil
                }
            }
            while outcomes.count < selected.count, let next = try await group.next() {
                guard let outcome = next else { continue }
                watch.finished(outcome)
                outcomes.append(outcome)
                startNext()
            }
            group.cancelAll()
            return outcomes.sorted { $0.organization < $1.organization }
        }
    }

    /// Decides, for each organization, whether the schedule makes it due now (``DueSchedule``).
    private func decideDue(_ organizations: [Organization], asOf: Date, client: PostgresClient) async throws
        -> [String: DueSchedule.Decision]
    {
        guard let schedule = DueSchedule(definition: definition) else {
            throw DatabaseError(.invalidInput, "--due needs a 'schedule:' in pipeline '\(definition.name)'")
        }
        let (pipeline, logger) = (definition.name, logger)
        let marks = try await client.withConnection(leaseTimeout: leaseTimeout, abandon: stop.latch) { connection in
            try await ScheduleMarks(pipeline: pipeline).marks(on: connection, logger: logger)
        }
        var decisions: [String: DueSchedule.Decision] = [:]
        for organization in organizations {
            let decision = schedule.decide(
                organization: organization.id, now: asOf, timeZone: definition.timeZone(of: organization),
                mark: marks[organization.id] ?? .init())
            decisions[organization.id] = decision
            logger.debug(
                "schedule decision",
                metadata: [
                    "routiq.org": "\(organization.id)", "routiq.due": "\(decision.isDue)",
                    "routiq.full": "\(decision.isFull)",
                ])
        }
        return decisions
    }

    /// Checks every second whether the run can still finish; when every organization still running lost its
    /// connection for good, hands the outcomes to `abandon` (which ends the process). Returns when cancelled.
    private static func abandonWhenStuck(
        _ watch: ConnectionLossWatch, abandon: @Sendable ([OrganizationOutcome]) -> Void, logger: Logger
    ) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            guard let outcomes = watch.abandonedOutcomes() else { continue }
            logger.error(
                """
                the database went away under running organizations and their statements never returned; ending the \
                run (nothing of theirs was committed; the next run closes their records as abandoned)
                """,
                metadata: ["routiq.orgs": "\(outcomes.filter { $0.status == .failed }.count)"])
            abandon(outcomes)
            return
        }
    }

    /// Says so up front when the server has fewer free connection slots than the run's pool may open
    /// (``connectionsNeeded(concurrency:)``): organizations that get no connection within ``leaseTimeout`` fail, so
    /// raise the server's `max_connections` or put fewer workers on it.
    private func warnWhenConnectionsAreShort(client: PostgresClient) async {
        let needed = Self.connectionsNeeded(concurrency: concurrency)
        guard let free = try? await ConnectionCapacity.freeSlots(client: client, logger: logger), free < needed else {
            return
        }
        logger.warning(
            """
            the database accepts fewer new connections than this run may open; some organizations may wait and fail: \
            raise the server's max_connections or run fewer workers at once
            """,
            metadata: ["routiq.free_connections": "\(free)", "routiq.connections": "\(needed)"])
    }

    /// The pipeline's organizations (with a sandbox, `all` means the sandbox's), narrowed by `--org`.
    private func selectOrganizations(client: PostgresClient, registration: SandboxRegistration?) async throws
        -> [Organization]
    {
        let registered = try await OrganizationStore(client: client).list(logger: logger)
        var selected: [Organization]
        switch definition.organizations {
        case .all:
            let sandboxIDs = registration.map { Set($0.endpoints.organizations.map(\.id)) }
            selected = registered.filter { sandboxIDs?.contains($0.id) ?? true }
        case .only(let ids):
            let missing = ids.map(\.rawValue).filter { id in !registered.contains { $0.id == id } }
            guard missing.isEmpty else {
                throw DatabaseError(
                    .notFound,
                    "organizations not registered: \(missing.joined(separator: ", ")) (see `routiq orgs add`)")
            }
            selected = registered.filter { organization in ids.contains { $0.rawValue == organization.id } }
        }
        if !onlyOrganizations.isEmpty {
            let unknown = onlyOrganizations.filter { id in !selected.contains { $0.id == id } }
            guard unknown.isEmpty else {
                throw DatabaseError(
                    .notFound,
                    "--org names organizations this pipeline does not cover: \(unknown.joined(separator: ", "))")
            }
            selected = selected.filter { onlyOrganizations.contains($0.id) }
        }
        return selected
    }
}
