/// What a stage does: its top-level key (`extract`, `transform`, `load`, `report`) and the value naming it.
public enum StageKind: Sendable, Hashable, CustomStringConvertible {
    /// Fetches from an external API.
    case extract(SourceKind)
    /// Computes from records or from the warehouse.
    case transform(TransformKind)
    /// Writes into the warehouse.
    case load(LoadTarget)
    /// Writes reports from the warehouse.
    case report(ReportFormat)

    /// The stage's default id, `KIND.NAME`, e.g. `extract.cliniko`.
    public var description: String {
        switch self {
        case .extract(let source): "extract.\(source.rawValue)"
        case .transform(let transform): "transform.\(transform.rawValue)"
        case .load(let target): "load.\(target.rawValue)"
        case .report(let format): "report.\(format.rawValue)"
        }
    }

    /// The four stage keys, in the order a pipeline usually uses them.
    public static let keys = ["extract", "transform", "load", "report"]
}

/// An external API RoutIQ extracts from.
public enum SourceKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// Cliniko practice management.
    case cliniko
    /// Chatwoot conversations.
    case chatwoot
    /// Clerk users and organizations.
    case clerk
}

/// A transform stage.
public enum TransformKind: String, Sendable, Hashable, CaseIterable {
    /// Phone numbers to E.164 (per record, before load).
    case normalizePhones = "normalize_phones"
    /// Chatwoot contacts to Cliniko patients (before load).
    case matchContacts = "match_contacts"
    /// Per-patient activity, engagement and risk (after load, from the warehouse).
    case scoreActivity = "score_activity"
    /// Per-type and per-week appointment figures (after load, from the warehouse).
    case aggregateAppointments = "aggregate_appointments"

    /// Whether the transform reads the warehouse and so must come after the load stage.
    public var runsAfterLoad: Bool {
        switch self {
        case .normalizePhones, .matchContacts: false
        case .scoreActivity, .aggregateAppointments: true
        }
    }
}

/// Where a load stage writes.
public enum LoadTarget: String, Sendable, Hashable, CaseIterable {
    /// PostgreSQL (`DATABASE_URL` or the embedded cluster).
    case postgres
}

/// A report format.
public enum ReportFormat: String, Sendable, Hashable, CaseIterable {
    /// `summary.json`, `patients.json` and `index.json`.
    case json
    /// `report.html` and `index.html`.
    case html
}
