import AsyncHTTPClient
import Extract
import Foundation
import Load
import Logging
import Pipeline
import PostgresNIO
import Transform

extension OrganizationRunner {
    typealias Loaded = (ResourceFigures, Date?)

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
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> [Loaded] {
        let credential = try await credentials.credential(
            for: .cliniko, organization: organization.id, on: connection, logger: logger)
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
        var results: [Loaded] = []
        for kind in settings.common.resources {
            let resource = kind.rawValue
            let since = cursor(cursors, source: "cliniko", resource: resource, mode: settings.common.mode)
            var loaded: Loaded
            switch kind {
            case .patients:
                try await connection.query(
                    """
                    CREATE TEMP TABLE IF NOT EXISTS staging_patient_phones
                        (LIKE patient_phones INCLUDING DEFAULTS, version timestamptz) ON COMMIT DROP
                    """,
                    logger: logger
                )
                loaded = try await loader.load(
                    source.patients(since: since), source: .cliniko, resource: resource, reconcile: reconcile,
                    on: connection, refetch: source.patients(ids:),
                    transform: { staged(normalizer.normalize($0), original: $0, source: .cliniko, resource: resource) },
                    afterStage: { patient, encoder in
                        patient.encodePhoneRows(organization: organization.id, into: &encoder)
                    },
                    childTable: ("staging_patient_phones", WarehouseTable.patientPhoneColumns)
                )
                try await mergePhones(on: connection, logger: logger)
            case .individualAppointments:
                loaded = try await loader.load(
                    source.appointments(since: since), source: .cliniko, resource: resource, reconcile: reconcile,
                    on: connection, refetch: source.appointments(ids:),
                    transform: { staged(normalizer.normalize($0), original: $0, source: .cliniko, resource: resource) }
                )
            case .appointmentTypes:
                loaded = try await loader.load(
                    source.appointmentTypes(since: since), source: .cliniko, resource: resource, reconcile: reconcile,
                    on: connection, refetch: source.appointmentTypes(ids:)
                )
            case .practitioners:
                loaded = try await loader.load(
                    source.practitioners(since: since), source: .cliniko, resource: resource, reconcile: reconcile,
                    on: connection, refetch: source.practitioners(ids:)
                )
            case .businesses:
                loaded = try await loader.load(
                    source.businesses(since: since), source: .cliniko, resource: resource, reconcile: reconcile,
                    on: connection, refetch: source.businesses(ids:)
                )
            }
            results.append(ledger.attribute(loaded, metrics.snapshot()))
        }
        return results
    }

    /// Rewrites the phones of patients staged in this transaction, touching only rows that changed.
    private func mergePhones(on connection: PostgresConnection, logger: Logger) async throws {
        let organization = organization.id
        try await connection.query(
            """
            DELETE FROM patient_phones t
            WHERE t.organization_id = \(organization)
              AND t.patient_id IN (SELECT patient_id FROM staging_patients)
              AND NOT EXISTS (
                  SELECT 1 FROM staging_patient_phones s
                  WHERE s.patient_id = t.patient_id AND s.position = t.position
                    AND s.version = (SELECT max(version) FROM staging_patient_phones v WHERE v.patient_id = s.patient_id)
              )
            """,
            logger: logger
        )
        try await connection.query(
            """
            INSERT INTO patient_phones AS t (organization_id, patient_id, position, raw_number, phone_type, e164, number_kind, normalization)
            SELECT DISTINCT ON (patient_id, position)
                   organization_id, patient_id, position, raw_number, phone_type, e164, number_kind, normalization
            FROM staging_patient_phones
            WHERE organization_id = \(organization)
            ORDER BY patient_id, position, version DESC
            ON CONFLICT (organization_id, patient_id, position) DO UPDATE
            SET raw_number = EXCLUDED.raw_number, phone_type = EXCLUDED.phone_type, e164 = EXCLUDED.e164,
                number_kind = EXCLUDED.number_kind, normalization = EXCLUDED.normalization
            WHERE (t.raw_number, t.phone_type, t.e164, t.number_kind, t.normalization)
                  IS DISTINCT FROM (EXCLUDED.raw_number, EXCLUDED.phone_type, EXCLUDED.e164, EXCLUDED.number_kind, EXCLUDED.normalization)
            """,
            logger: logger
        )
        try await connection.query(
            """
            UPDATE patients p SET primary_phone_e164 = NULL
            WHERE p.organization_id = \(organization) AND p.primary_phone_e164 IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM patient_phones f WHERE f.organization_id = p.organization_id
                              AND f.patient_id = p.patient_id AND f.e164 = p.primary_phone_e164)
              AND p.patient_id IN (SELECT patient_id FROM staging_patients)
            """,
            logger: logger
        )
    }

    // MARK: Chatwoot

    func extractChatwoot(
        _ settings: ChatwootExtractSettings,
        cursors: [SyncStateStore.Entry],
        loader: ResourceLoader,
        normalizer: RecordNormalizer,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> [Loaded] {
        let credential = try await credentials.credential(
            for: .chatwoot, organization: organization.id, on: connection, logger: logger)
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
        var results: [Loaded] = []
        for kind in settings.common.resources {
            let resource = kind.rawValue
            let since = cursor(cursors, source: "chatwoot", resource: resource, mode: settings.common.mode)
            let loaded: Loaded
            switch kind {
            case .contacts:
                loaded = try await loader.load(
                    source.contacts(since: since), source: .chatwoot, resource: resource, reconcile: reconcile,
                    on: connection, refetch: source.contacts(ids:),
                    transform: { staged(normalizer.normalize($0), original: $0, source: .chatwoot, resource: resource) }
                )
            case .conversations:
                loaded = try await loader.load(
                    source.conversations(since: since), source: .chatwoot, resource: resource, reconcile: reconcile,
                    on: connection, refetch: source.conversations(ids:)
                )
            case .messages:
                loaded = try await loader.load(
                    source.messages(since: since), source: .chatwoot, resource: resource, reconcile: reconcile,
                    on: connection
                )
            }
            results.append(ledger.attribute(loaded, metrics.snapshot()))
        }
        return results
    }

    // MARK: Clerk

    func extractClerk(
        _ settings: ClerkExtractSettings,
        loader: ResourceLoader,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> [Loaded] {
        let credential = try await credentials.credential(
            for: .clerk, organization: organization.id, on: connection, logger: logger)
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
        var results: [Loaded] = []
        if resources.contains(.organizations) {
            var figures = ResourceFigures(source: "clerk", resource: ClerkResource.organizations.rawValue)
            for try await page in source.organizations() {
                figures.pages += 1
                for remote in page.records where remote.id == organization.id {
                    figures.read += 1
                    try await connection.query(
                        """
                        UPDATE organizations SET name = \(remote.name), slug = \(remote.slug), updated_at = now(),
                               clerk_created_at = \(remote.createdAt), clerk_updated_at = \(remote.updatedAt)
                        WHERE organization_id = \(organization.id)
                          AND (name, slug, clerk_updated_at) IS DISTINCT FROM (\(remote.name), \(remote.slug), \(remote.updatedAt))
                        """,
                        logger: logger
                    )
                }
            }
            figures.complete = true
            results.append(ledger.attribute((figures, nil), metrics.snapshot()))
        }
        // Users are instance-wide in Clerk: only this organization's members are stored with it.
        var memberIDs = Set<String>()
        if resources.contains(.memberships) || resources.contains(.users) {
            let loaded = try await loader.load(
                source.memberships(organizationID: organization.id), source: .clerk,
                resource: ClerkResource.memberships.rawValue, reconcile: true, on: connection,
                transform: { membership in
                    memberIDs.insert(membership.userID)
                    return resources.contains(.memberships) ? .keep(membership) : .skip
                }
            )
            if resources.contains(.memberships) { results.append(ledger.attribute(loaded, metrics.snapshot())) }
        }
        if resources.contains(.users) {
            let members = memberIDs
            let loaded = try await loader.load(
                source.users(since: nil), source: .clerk, resource: ClerkResource.users.rawValue, reconcile: true,
                on: connection,
                transform: { user in members.contains(user.id) ? .keep(user) : .skip }
            )
            results.append(ledger.attribute(loaded, metrics.snapshot()))
        }
        return results
    }

    // MARK: Helpers

    /// Turns a source's running totals (one ``ExtractMetrics`` per source) into each resource's own requests,
    /// retries and rate-limit wait: what the source counted since the previous resource was attributed.
    struct MetricsLedger {
        private var previous = ExtractMetrics.Snapshot()

        mutating func attribute(_ loaded: Loaded, _ now: ExtractMetrics.Snapshot) -> Loaded {
            var (figures, mark) = loaded
            figures.requests = now.requests - previous.requests
            figures.retries = now.retries - previous.retries
            figures.rateLimitWaitMilliseconds = now.rateLimitWaitMilliseconds - previous.rateLimitWaitMilliseconds
            previous = now
            return (figures, mark)
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
