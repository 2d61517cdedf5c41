import Foundation
import Load
import Logging
import Pipeline
import PostgresNIO

/// What `routiq run --dry-run` reports for one organization: per source, the resources it would read and from
/// where (everything, or the changes since its stored cursor), and whether the source's credential is in the vault.
///
/// Nothing is fetched and nothing is written; an organization missing a credential is a failed plan (exit code 1),
/// so a dry run is a pre-flight check for a nightly job.
package struct DryRunPlan: Sendable {
    /// One extract stage's part of the plan.
    package struct Source: Sendable, Codable {
        /// The source, e.g. `cliniko`.
        package var source: String
        /// The resources the stage reads.
        package var resources: [String]
        /// `everything (full: …)`, `everything (first run)` or `changes since <cursor>`.
        package var reads: String
        /// Whether the organization's credential for the source is in the vault.
        package var hasCredential: Bool
    }

    let organization: Organization
    let definition: PipelineDefinition
    let forceFull: Bool

    func outcome(credentials: CredentialStore, client: PostgresClient, logger: Logger) async throws
        -> OrganizationOutcome
    {
        let cursors = try await client.withConnection { connection in
            try await SyncStateStore(organization: organization.id).entries(on: connection, logger: logger)
        }
        var sources: [Source] = []
        for stage in definition.stages {
            let service: CredentialService
            let mode: ExtractMode
            let resources: [String]
            switch stage.settings {
            case .cliniko(let settings):
                (service, mode, resources) = (.cliniko, settings.common.mode, settings.common.resources.map(\.rawValue))
            case .chatwoot(let settings):
                (service, mode, resources) = (
                    .chatwoot, settings.common.mode, settings.common.resources.map(\.rawValue)
                )
            case .clerk(let settings):
                (service, mode, resources) = (.clerk, settings.common.mode, settings.common.resources.map(\.rawValue))
            case .normalizePhones, .matchContacts, .scoreActivity, .aggregateAppointments, .load, .report:
                continue
            }
            let stored = try? await credentials.credential(
                for: service, organization: organization.id, logger: logger)
            sources.append(
                Source(
                    source: service.rawValue, resources: resources,
                    reads: reads(service, mode: mode, resources: resources, cursors),
                    hasCredential: stored != nil))
        }
        let missing = sources.filter { !$0.hasCredential }.map(\.source)
        var outcome = OrganizationOutcome(
            organization: organization.id, status: .succeeded, message: nil, totals: .init(), resources: [],
            seconds: 0, plan: sources)
        if !missing.isEmpty {
            outcome.status = .failed
            outcome.message = "no credential for \(missing.joined(separator: ", ")) (see `routiq orgs set-credential`)"
        }
        return outcome
    }

    /// What the stage reads: everything (full or first run) or the changes since its resources' oldest cursor.
    private func reads(
        _ service: CredentialService,
        mode: ExtractMode,
        resources: [String],
        _ cursors: [SyncStateStore.Entry]
    ) -> String {
        if forceFull || mode == .full { return "everything (full: reconciles removals)" }
        let stored = cursors.filter { $0.source == service.rawValue && resources.contains($0.resource) }
        guard let oldest = stored.compactMap(\.cursor).min() else { return "everything (first run)" }
        return "changes since \(oldest)"
    }
}
