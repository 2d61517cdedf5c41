import Runner
import Synchronization

/// The live state of one `routiq run`, for the terminal's progress display: per organization, its status, current
/// stage and resource, and the records read so far.
///
/// The organizations' concurrent tasks report into it and the display reads a ``Snapshot`` a few times per second.
/// It holds organization ids, stage and resource names and counts only, never record values (STYLE rule 38). The run
/// reports through ``RunObserver``.
final class RunProgress: RunObserver {
    /// Where one organization is.
    enum Status: String, Sendable, CaseIterable {
        case waiting, running, succeeded, failed, skipped, cancelled, taken, done

        init(_ outcome: OrganizationOutcome.Status) {
            switch outcome {
            case .succeeded: self = .succeeded
            case .failed: self = .failed
            case .skipped: self = .skipped
            case .cancelled: self = .cancelled
            case .taken: self = .taken
            case .done: self = .done
            }
        }

        /// Whether the organization's part of the run is over.
        var isFinished: Bool {
            switch self {
            case .waiting, .running: false
            case .succeeded, .failed, .skipped, .cancelled, .taken, .done: true
            }
        }
    }

    /// One organization's progress.
    struct Organization: Sendable, Equatable {
        var id: String
        var status = Status.waiting
        /// The stage being run (its id, e.g. `extract.cliniko`), `nil` before the first and after the last.
        var stage: String?
        /// The resource being read within ``stage``, e.g. `patients`.
        var resource: String?
        /// Records read so far, over every resource.
        var records = 0
        /// Pages read so far, over every resource.
        var pages = 0
        /// Records read so far of ``resource``.
        var resourceRecords = 0
        /// Pages read so far of ``resource``.
        var resourcePages = 0
        /// How many records ``resource`` will yield, when its source said (Cliniko's `total_entries`).
        var resourceExpected: Int?
        var startedAt: ContinuousClock.Instant?
        var resourceStartedAt: ContinuousClock.Instant?
        /// When the last page of ``resource`` arrived.
        var resourceUpdatedAt: ContinuousClock.Instant?
        var finishedAt: ContinuousClock.Instant?
    }

    /// The whole run at one instant.
    struct Snapshot: Sendable, Equatable {
        /// What the run is called on screen (the pipeline file).
        var title: String
        var startedAt: ContinuousClock.Instant
        /// A stage the run does for every organization at once after they finished, e.g. `report`.
        var stage: String?
        /// In the order the run will take them.
        var organizations: [Organization]
    }

    private struct State {
        var snapshot: Snapshot
        var positions: [String: Int] = [:]

        mutating func update(_ id: String, _ body: (inout Organization) -> Void) {
            if let position = positions[id] {
                body(&snapshot.organizations[position])
            } else {
                var organization = Organization(id: id)
                body(&organization)
                positions[id] = snapshot.organizations.count
                snapshot.organizations.append(organization)
            }
        }
    }

    private let state: Mutex<State>

    /// Creates the progress of a run that starts at `start`.
    init(title: String, startedAt start: ContinuousClock.Instant = .now) {
        state = Mutex(State(snapshot: Snapshot(title: title, startedAt: start, organizations: [])))
    }

    /// The current state.
    var snapshot: Snapshot {
        state.withLock { $0.snapshot }
    }

    /// Lists the organizations the run will take, as waiting (organizations already known keep their state).
    func expect(_ organizations: [String]) {
        state.withLock { state in
            for id in organizations { state.update(id) { _ in } }
        }
    }

    /// One organization started.
    func organizationStarted(_ id: String, at instant: ContinuousClock.Instant = .now) {
        state.withLock { state in
            state.update(id) { organization in
                organization.status = .running
                organization.startedAt = instant
            }
        }
    }

    /// One organization entered `stage` (a stage id such as `extract.cliniko`, or a step such as `commit`).
    func stageStarted(_ stage: String, organization id: String) {
        state.withLock { state in
            state.update(id) { organization in
                organization.stage = stage
                Self.clearResource(&organization)
            }
        }
    }

    /// One organization started reading `resource` within its current stage.
    func resourceStarted(_ resource: String, organization id: String, at instant: ContinuousClock.Instant = .now) {
        state.withLock { state in
            state.update(id) { organization in
                Self.clearResource(&organization)
                organization.resource = resource
                organization.resourceStartedAt = instant
            }
        }
    }

    /// The current resource of one organization has read `records` records in `pages` pages so far (both running
    /// totals of that resource).
    ///
    /// - Parameter expected: How many records the resource will yield, when its source said; `nil` otherwise.
    func resourceRead(
        records: Int,
        pages: Int,
        expected: Int?,
        organization id: String,
        at instant: ContinuousClock.Instant = .now
    ) {
        state.withLock { state in
            state.update(id) { organization in
                organization.records += records - organization.resourceRecords
                organization.resourceRecords = records
                organization.pages += pages - organization.resourcePages
                organization.resourcePages = pages
                organization.resourceExpected = expected
                organization.resourceUpdatedAt = instant
            }
        }
    }

    /// One organization's part of the run is over.
    func organizationFinished(
        _ id: String, status: OrganizationOutcome.Status, at instant: ContinuousClock.Instant = .now
    ) {
        state.withLock { state in
            state.update(id) { organization in
                organization.status = Status(status)
                organization.stage = nil
                Self.clearResource(&organization)
                organization.finishedAt = instant
            }
        }
    }

    /// The run entered a stage it does once for every organization, after they finished (e.g. `report`).
    func runStageStarted(_ stage: String) {
        state.withLock { $0.snapshot.stage = stage }
    }

    private static func clearResource(_ organization: inout Organization) {
        organization.resource = nil
        organization.resourceRecords = 0
        organization.resourcePages = 0
        organization.resourceExpected = nil
        organization.resourceStartedAt = nil
        organization.resourceUpdatedAt = nil
    }
}

extension RunProgress {
    /// One organization started, now.
    func organizationStarted(_ id: String) {
        organizationStarted(id, at: .now)
    }

    /// One organization started reading `resource`, now.
    func resourceStarted(_ resource: String, organization id: String) {
        resourceStarted(resource, organization: id, at: .now)
    }

    /// The current resource of one organization has read `records` records in `pages` pages so far, as of now.
    func resourceRead(records: Int, pages: Int, expected: Int?, organization id: String) {
        resourceRead(records: records, pages: pages, expected: expected, organization: id, at: .now)
    }

    /// One organization's part of the run is over, now.
    func organizationFinished(_ id: String, status: OrganizationOutcome.Status) {
        organizationFinished(id, status: status, at: .now)
    }
}
