import Foundation
import PostgresNIO
import Synchronization

/// Notices organizations whose database connection closed under them, and ends a run that nothing can finish.
///
/// When the server goes away (a restart, a failover, a killed backend), postgres-nio 1.33 fails the statement in
/// flight, but a statement written after the connection closed (the transaction's `ROLLBACK`, the next `COPY`) never
/// returns: its continuation is dropped. The organization's task then waits forever, and so would the run and the
/// connection pool's shutdown. This watch records each organization whose connection closed while it was lent to it; once
/// every organization still running is one of those and has not finished within ``grace``, the run is abandoned:
/// the caller reports what finished, and those organizations as failed, and ends the process (nothing of theirs was
/// committed; the next run closes their `running` records as abandoned).
final class ConnectionLossWatch: Sendable {
    private struct State {
        var running: Set<String> = []
        var lost: [String: ContinuousClock.Instant] = [:]
        var outcomes: [OrganizationOutcome] = []
        /// Connections lent now, by lease, to their organization.
        var lent: [Int: String] = [:]
        var nextLease = 0
    }

    /// How long an organization whose connection closed may take to finish before it counts as stuck: 15 seconds.
    let grace: Duration
    private let state = Mutex(State())

    init(grace: Duration = .seconds(15)) {
        self.grace = grace
    }

    /// Records that `organization` started.
    func started(_ organization: String) {
        state.withLock { _ = $0.running.insert(organization) }
    }

    /// A connection lent to an organization, until ``returned(_:)``.
    struct Lease: Sendable, Hashable {
        fileprivate let id: Int
    }

    /// Watches `connection` while it is lent to `organization`: if it closes before ``returned(_:)``, the
    /// organization may be stuck on it.
    func lent(_ connection: PostgresConnection, to organization: String) -> Lease {
        let lease = state.withLock { state in
            state.nextLease += 1
            state.lent[state.nextLease] = organization
            return Lease(id: state.nextLease)
        }
        connection.closeFuture.whenComplete { [self] _ in
            state.withLock { state in
                guard let organization = state.lent[lease.id], state.running.contains(organization),
                    state.lost[organization] == nil
                else { return }
                state.lost[organization] = .now
            }
        }
        return lease
    }

    /// The lent connection came back: its closing no longer concerns the organization.
    func returned(_ lease: Lease) {
        state.withLock { _ = $0.lent.removeValue(forKey: lease.id) }
    }

    /// Records how `outcome`'s organization finished.
    func finished(_ outcome: OrganizationOutcome) {
        state.withLock { state in
            state.running.remove(outcome.organization)
            state.lost[outcome.organization] = nil
            state.outcomes.append(outcome)
        }
    }

    /// The run's outcomes so far plus a failure for each stuck organization, when every organization still running
    /// lost its connection more than ``grace`` ago; `nil` while any could still finish.
    func abandonedOutcomes(now: ContinuousClock.Instant = .now) -> [OrganizationOutcome]? {
        state.withLock { state in
            guard !state.running.isEmpty,
                state.running.allSatisfy({ organization in
                    state.lost[organization].map { now - $0 > grace } ?? false
                })
            else { return nil }
            let stuck = state.running.sorted().map { organization in
                OrganizationOutcome(
                    organization: organization, status: .failed,
                    message: "the connection to PostgreSQL was lost and a statement on it never returned; nothing of "
                        + "this run was committed", totals: .init(), resources: [], seconds: 0)
            }
            return (state.outcomes + stuck).sorted { $0.organization < $1.organization }
        }
    }
}
