import AsyncHTTPClient
import Extract
import Foundation
import Load
import Logging
import Pipeline
import PostgresNIO
import Transform

extension OrganizationRunner {

    func makeNormalizer() -> RecordNormalizer {
        let region: String
        if case .normalizePhones(let settings) = definition.stages.first(where: {
            if case .normalizePhones = $0.settings { true } else { false }
        })?.settings,
            case .fixed(let code) = settings.defaultRegion
        {
            region = code
        } else {
            region = organization.phoneRegion
        }
        let parser = PhoneNumberParser.Configuration(defaultRegion: PhoneRegion(code: region) ?? .australia)
        return RecordNormalizer(configuration: .init(phoneNumbers: parser))
    }

    /// The stored cursor of an incremental read, never later than the run's as-of: a cursor stored in the future
    /// (by a version that did not cap it) would otherwise skip every change until then.
    private func cursor(_ cursors: [SyncStateStore.Entry], source: String, resource: String, mode: ExtractMode) -> Date?
    {
        guard !forceFull, mode == .incremental,
            let text = cursors.first(where: { $0.source == source && $0.resource == resource })?.cursor,
            let cursor = Self.parseCursor(text)
        else { return nil }
        return min(cursor, asOf)
    }

    /// Keeps a normalized record, or quarantines the original with the transform's reason.
    private func staged<Record: Encodable & Sendable>(
        _ result: Result<Record, TransformRejection>,
        original: Record,
        source: SourceKind,
        resource: String
    ) -> Staged<Record> {
        switch result {
        case .success(let normalized):
            return .keep(normalized)
        case .failure(let rejection):
            return .quarantine(
                QuarantineWriter.Entry(
                    source: source.rawValue, resource: resource, sourceID: rejection.recordID,
                    reason: rejection.code.description, raw: ResourceLoader.rawJSON(of: original)
                )
            )
        }
    }

    // MARK: Cliniko

    func extractCliniko(
        _ settings: ClinikoExtractSettings,
        cursors: [SyncStateStore.Entry],
        loader: ResourceLoader,
        normalizer: RecordNormalizer,
        into extraction: inout Extraction,
        logger: Logger
    ) async throws {
        let credential = try await credential(for: .cliniko, logger: logger)
        var settings = settings
        if let base = overrides.clinikoBaseURL { settings.common.baseURL = base }
        let metrics = ExtractMetrics()
        var ledger = MetricsLedger()
        let source = try ClinikoSource(
            configuration: .init(
                apiKey: credential.secret, settings: settings, http: definition.http, organizationID: organization.id),
            httpClient: httpClient, metrics: metrics, logger: logger
        )
        let reconcile = forceFull || settings.common.mode == .full
        for kind in settings.common.resources {
            let resource = kind.rawValue
            let since = cursor(cursors, source: "cliniko", resource: resource, mode: settings.common.mode)
            var loaded: ResourceLoader.StagedResource
            switch kind {
            case .patients:
                loaded = try await loader.stage(
                    source.patients(since: since), source: .cliniko, resource: resource, reconcile: reconcile,
                    refetch: source.patients(ids:),
                    transform: { staged(normalizer.normalize($0), original: $0, source: .cliniko, resource: resource) },
                    afterStage: { patient, encoder in
                        patient.encodePhoneRows(organization: organization.id, into: &encoder)
                    },
                    stagesPhones: true
                )
            case .individualAppointments:
                loaded = try await loader.stage(
                    source.appointments(since: since), source: .cliniko, resource: resource, reconcile: reconcile,
                    refetch: source.appointments(ids:),
                    transform: { staged(normalizer.normalize($0), original: $0, source: .cliniko, resource: resource) }
                )
            case .appointmentTypes:
                loaded = try await loader.stage(
                    source.appointmentTypes(since: since), source: .cliniko, resource: resource, reconcile: reconcile,
                    refetch: source.appointmentTypes(ids:)
                )
            case .practitioners:
                loaded = try await loader.stage(
                    source.practitioners(since: since), source: .cliniko, resource: resource, reconcile: reconcile,
                    refetch: source.practitioners(ids:)
                )
            case .businesses:
                loaded = try await loader.stage(
                    source.businesses(since: since), source: .cliniko, resource: resource, reconcile: reconcile,
                    refetch: source.businesses(ids:)
                )
            }
            loaded.figures = ledger.attribute(loaded.figures, metrics.snapshot())
            extraction.resources.append(.staged(loaded))
        }
    }

    // MARK: Chatwoot

    func extractChatwoot(
        _ settings: ChatwootExtractSettings,
        cursors: [SyncStateStore.Entry],
        loader: ResourceLoader,
        normalizer: RecordNormalizer,
        into extraction: inout Extraction,
        logger: Logger
    ) async throws {
        let credential = try await credential(for: .chatwoot, logger: logger)
        var settings = settings
        // The sandbox's URL wins; then the pipeline's `base_url`; the stored credential's only when the pipeline
        // names none (docs/pipelines.md).
        if let base = overrides.chatwootBaseURL ?? settings.common.baseURL ?? credential.settings["base_url"] {
            settings.common.baseURL = base
        }
        guard let accountID = credential.settings["account_id"].flatMap(Int.init) else {
            throw VaultError(
                .notFound,
                "the chatwoot credential of \(organization.id) has no account id (set it again with --account-id)")
        }
        let metrics = ExtractMetrics()
        var ledger = MetricsLedger()
        let source = try ChatwootSource(
            configuration: .init(
                accountID: accountID, apiAccessToken: credential.secret, settings: settings, http: definition.http,
                organizationID: organization.id
            ),
            httpClient: httpClient, metrics: metrics, logger: logger
        )
        let reconcile = forceFull || settings.common.mode == .full
        for kind in settings.common.resources {
            let resource = kind.rawValue
            let since = cursor(cursors, source: "chatwoot", resource: resource, mode: settings.common.mode)
            var loaded: ResourceLoader.StagedResource
            switch kind {
            case .contacts:
                loaded = try await loader.stage(
                    source.contacts(since: since), source: .chatwoot, resource: resource, reconcile: reconcile,
                    refetch: source.contacts(ids:),
                    transform: { staged(normalizer.normalize($0), original: $0, source: .chatwoot, resource: resource) }
                )
            case .conversations:
                loaded = try await loader.stage(
                    source.conversations(since: since), source: .chatwoot, resource: resource, reconcile: reconcile,
                    refetch: source.conversations(ids:)
                )
            case .messages:
                loaded = try await loader.stage(
                    source.messages(since: since), source: .chatwoot, resource: resource, reconcile: reconcile
                )
            }
            loaded.figures = ledger.attribute(loaded.figures, metrics.snapshot())
            extraction.resources.append(.staged(loaded))
        }
    }

    // MARK: Clerk

    func extractClerk(
        _ settings: ClerkExtractSettings,
        loader: ResourceLoader,
        into extraction: inout Extraction,
        logger: Logger
    ) async throws {
        let credential = try await credential(for: .clerk, logger: logger)
        var settings = settings
        if let base = overrides.clerkBaseURL { settings.common.baseURL = base }
        let metrics = ExtractMetrics()
        var ledger = MetricsLedger()
        let source = try ClerkSource(
            configuration: .init(
                secretKey: credential.secret, settings: settings, http: definition.http, organizationID: organization.id
            ),
            httpClient: httpClient, metrics: metrics, logger: logger
        )
        let resources = settings.common.resources
        if resources.contains(.organizations) {
            var figures = ResourceFigures(source: "clerk", resource: ClerkResource.organizations.rawValue)
            for try await page in source.organizations() {
                figures.pages += 1
                for remote in page.records where remote.id == organization.id {
                    figures.read += 1
                    // Applied in the final transaction, with the data.
                    extraction.clerkProfile = remote
                }
            }
            figures.complete = true
            extraction.resources.append(.read(ledger.attribute(figures, metrics.snapshot())))
        }
        // Users are instance-wide in Clerk: only this organization's members are stored with it.
        var memberIDs = Set<String>()
        if resources.contains(.memberships) || resources.contains(.users) {
            var loaded = try await loader.stage(
                source.memberships(organizationID: organization.id), source: .clerk,
                resource: ClerkResource.memberships.rawValue, reconcile: true,
                transform: { membership in
                    memberIDs.insert(membership.userID)
                    return resources.contains(.memberships) ? .keep(membership) : .skip
                }
            )
            loaded.figures = ledger.attribute(loaded.figures, metrics.snapshot())
            if resources.contains(.memberships) { extraction.resources.append(.staged(loaded)) }
        }
        if resources.contains(.users) {
            let members = memberIDs
            var loaded = try await loader.stage(
                source.users(since: nil), source: .clerk, resource: ClerkResource.users.rawValue, reconcile: true,
                transform: { user in members.contains(user.id) ? .keep(user) : .skip }
            )
            loaded.figures = ledger.attribute(loaded.figures, metrics.snapshot())
            extraction.resources.append(.staged(loaded))
        }
    }

    /// The organization's credential for `service`, read on a connection lent for that.
    private func credential(for service: CredentialService, logger: Logger) async throws -> ServiceCredential {
        let (credentials, organization) = (credentials, organization.id)
        return try await database.withConnection { connection in
            try await credentials.credential(for: service, organization: organization, on: connection, logger: logger)
        }
    }

    // MARK: Helpers

    /// Turns a source's running totals (one ``ExtractMetrics`` per source) into each resource's own requests,
    /// retries and rate-limit wait: what the source counted since the previous resource was attributed.
    struct MetricsLedger {
        private var previous = ExtractMetrics.Snapshot()

        mutating func attribute(_ figures: ResourceFigures, _ now: ExtractMetrics.Snapshot) -> ResourceFigures {
            var figures = figures
            figures.requests = now.requests - previous.requests
            figures.retries = now.retries - previous.retries
            figures.rateLimitWaitMilliseconds = now.rateLimitWaitMilliseconds - previous.rateLimitWaitMilliseconds
            previous = now
            return figures
        }
    }

    static func totals(of figures: [ResourceFigures]) -> RunRecorder.Totals {
        figures.reduce(into: RunRecorder.Totals()) { totals, figure in
            totals.read += figure.read
            totals.inserted += figure.inserted
            totals.updated += figure.updated
            totals.unchanged += figure.unchanged
            totals.removed += figure.removed
            totals.quarantined += figure.quarantined
        }
    }

    /// A message for the run record and the terminal: our errors' safe descriptions, never raw SQL or values.
    static func safeMessage(for error: any Error) -> String {
        switch error {
        case let error as PostgresTransactionError:
            if let inner = error.closureError ?? error.commitError { return safeMessage(for: inner) }
            return "the database transaction failed"
        case let error as ExtractError: return error.description
        case let error as VaultError: return error.description
        case let error as DatabaseError: return error.description
        case let error as PSQLError: return DatabaseError.statementFailed(error).description
        case is CancellationError: return "cancelled"
        case let error as RejectLimitExceeded: return error.description
        default: return String(describing: type(of: error))
        }
    }

    /// Whether `error` is (or wraps) a requested stop.
    static func isCancellation(_ error: any Error) -> Bool {
        if error is CancellationError { return true }
        if let error = error as? PostgresTransactionError, let inner = error.closureError {
            return isCancellation(inner)
        }
        return false
    }

    static func cursorText(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = .gmt
        return formatter.string(from: date)
    }

    static func parseCursor(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}
