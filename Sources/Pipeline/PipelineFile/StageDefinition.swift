/// One stage of a pipeline, with its validated settings and where it was written.
public struct StageDefinition: Sendable, Hashable {
    /// The stage id: the `id:` key, or `KIND.NAME` (e.g. `extract.cliniko`) by default. Unique within a pipeline.
    public var id: String
    /// What the stage does and how.
    public var settings: StageSettings
    /// Where the stage starts in the file.
    public var location: SourceLocation

    /// Creates a stage.
    public init(id: String, settings: StageSettings, location: SourceLocation) {
        self.id = id
        self.settings = settings
        self.location = location
    }

    /// The stage's kind, e.g. `.extract(.cliniko)`.
    public var kind: StageKind { settings.kind }
}

/// The settings of a stage, one case per stage kind.
public enum StageSettings: Sendable, Hashable {
    /// `extract: cliniko`.
    case cliniko(ClinikoExtractSettings)
    /// `extract: chatwoot`.
    case chatwoot(ChatwootExtractSettings)
    /// `extract: clerk`.
    case clerk(ClerkExtractSettings)
    /// `transform: normalize_phones`.
    case normalizePhones(NormalizePhonesSettings)
    /// `transform: match_contacts`.
    case matchContacts(MatchContactsSettings)
    /// `transform: score_activity`.
    case scoreActivity(ScoreActivitySettings)
    /// `transform: aggregate_appointments`.
    case aggregateAppointments(AggregateAppointmentsSettings)
    /// `load: postgres`.
    case load(LoadSettings)
    /// `report: json` or `report: html`.
    case report(ReportSettings)

    /// The stage kind these settings belong to.
    public var kind: StageKind {
        switch self {
        case .cliniko: .extract(.cliniko)
        case .chatwoot: .extract(.chatwoot)
        case .clerk: .extract(.clerk)
        case .normalizePhones: .transform(.normalizePhones)
        case .matchContacts: .transform(.matchContacts)
        case .scoreActivity: .transform(.scoreActivity)
        case .aggregateAppointments: .transform(.aggregateAppointments)
        case .load: .load(.postgres)
        case .report(let settings): .report(settings.format)
        }
    }
}

/// Whether an extract fetches everything or only what changed since the last run.
public enum ExtractMode: String, Sendable, Hashable, CaseIterable {
    /// Only records changed since the stored cursor (minus the overlap). The default.
    case incremental
    /// Every record; also reconciles deletions when every page arrived.
    case full
}

/// Settings shared by every extract stage; `Resource` is the source's set of resources.
public struct ExtractSettings<Resource: ExtractResource>: Sendable, Hashable {
    /// The resources to fetch, in file order; every resource of the source by default.
    public var resources: [Resource]
    /// ``ExtractMode/incremental`` by default.
    public var mode: ExtractMode
    /// Overrides the API base URL (used for the sandbox); `nil` means the real service's URL. A Cliniko base URL may
    /// contain `{shard}`, replaced by the API key's shard (`http://127.0.0.1:8089/cliniko/{shard}/v1`).
    public var baseURL: String?
    /// The proactive request budget per credential and minute.
    public var requestsPerMinute: Int

    /// Creates extract settings.
    public init(
        resources: [Resource],
        mode: ExtractMode = .incremental,
        baseURL: String? = nil,
        requestsPerMinute: Int
    ) {
        self.resources = resources
        self.mode = mode
        self.baseURL = baseURL
        self.requestsPerMinute = requestsPerMinute
    }
}

/// `extract: cliniko` settings.
public struct ClinikoExtractSettings: Sendable, Hashable {
    /// Every resource this source can fetch.
    public static let resources = ClinikoResource.allCases
    /// Cliniko's documented limit: 200 requests per minute per user.
    public static let defaultRequestsPerMinute = 200

    /// Shared extract settings.
    public var common: ExtractSettings<ClinikoResource>
    /// Records per page, 1–100; 100 by default.
    public var perPage: Int
    /// How far before the stored cursor an incremental fetch starts, in minutes; 5 by default.
    public var overlapMinutes: Int

    /// Creates Cliniko settings with the documented defaults.
    public init(
        common: ExtractSettings<ClinikoResource> = ExtractSettings(
            resources: Self.resources, requestsPerMinute: Self.defaultRequestsPerMinute),
        perPage: Int = 100,
        overlapMinutes: Int = 5
    ) {
        self.common = common
        self.perPage = perPage
        self.overlapMinutes = overlapMinutes
    }
}

/// `extract: chatwoot` settings.
public struct ChatwootExtractSettings: Sendable, Hashable {
    /// Every resource this source can fetch.
    public static let resources = ChatwootResource.allCases
    /// A conservative default budget; Chatwoot's limits depend on the deployment.
    public static let defaultRequestsPerMinute = 600

    /// Shared extract settings.
    public var common: ExtractSettings<ChatwootResource>
    /// Whether message text is stored; `false` by default (minimum necessary).
    public var keepMessageContent: Bool

    /// Creates Chatwoot settings with the documented defaults.
    public init(
        common: ExtractSettings<ChatwootResource> = ExtractSettings(
            resources: Self.resources, requestsPerMinute: Self.defaultRequestsPerMinute),
        keepMessageContent: Bool = false
    ) {
        self.common = common
        self.keepMessageContent = keepMessageContent
    }
}

/// `extract: clerk` settings.
public struct ClerkExtractSettings: Sendable, Hashable {
    /// Every resource this source can fetch.
    public static let resources = ClerkResource.allCases
    /// Clerk's production Backend API limit: 100 requests per 10 seconds.
    public static let defaultRequestsPerMinute = 600

    /// Shared extract settings.
    public var common: ExtractSettings<ClerkResource>

    /// Creates Clerk settings with the documented defaults.
    public init(
        common: ExtractSettings<ClerkResource> = ExtractSettings(
            resources: Self.resources, requestsPerMinute: Self.defaultRequestsPerMinute)
    ) {
        self.common = common
    }
}

/// `transform: normalize_phones` settings.
public struct NormalizePhonesSettings: Sendable, Hashable {
    /// The region numbers without a country code are read in.
    public enum Region: Sendable, Hashable {
        /// Each organization's own default region (the default).
        case organization
        /// A fixed ISO 3166 region code, e.g. `AU`.
        case fixed(String)
    }

    /// ``Region/organization`` by default.
    public var defaultRegion: Region

    /// Creates the settings.
    public init(defaultRegion: Region = .organization) {
        self.defaultRegion = defaultRegion
    }
}

/// `transform: match_contacts` settings.
public struct MatchContactsSettings: Sendable, Hashable {
    /// A way to match a Chatwoot contact to a Cliniko patient.
    public enum Method: String, Sendable, Hashable, CaseIterable {
        /// Any E.164 number of the patient.
        case phone
        /// Trimmed, case-insensitive e-mail.
        case email
        /// The contact's `identifier` or `cliniko_patient_id` custom attribute.
        case identifier
    }

    /// The methods in the order they are tried; phone, email, identifier by default.
    public var methods: [Method]

    /// Creates the settings.
    public init(methods: [Method] = Method.allCases) {
        self.methods = methods
    }
}

/// `transform: score_activity` settings. Thresholds are in days unless named otherwise.
public struct ScoreActivitySettings: Sendable, Hashable {
    /// Which rules set the priorities (`docs/scoring.md`).
    public enum Model: String, Sendable, Hashable, CaseIterable {
        /// The re-engagement model: a BG/NBD fit per organization, each patient's own rhythm, a short call list.
        case bgnbd
        /// The original rules: silence, attendance and missed visits.
        case rulesV1 = "rules_v1"
    }

    /// Which rules set the priorities; ``Model/bgnbd`` by default.
    public var model: Model
    /// A visit within this many days is "recent"; 30 by default.
    public var recentDays: Int
    /// Engagement becomes dormant after this many days without contact; 30 by default.
    public var dormantAfterDays: Int
    /// Risk is at least medium after this many days without contact (and nothing upcoming); 30 by default.
    public var mediumRiskAfterDays: Int
    /// Risk is high after this many days without contact; 90 by default.
    public var highRiskAfterDays: Int
    /// A patient created within this many days with no visit is "new"; 30 by default.
    public var newPatientDays: Int
    /// A cancellation less than this many hours before the start is late; 24 by default.
    public var lateCancellationHours: Int
    /// The window for attendance rate, cancellations and DNAs; 90 by default.
    public var attendanceWindowDays: Int
    /// The average fee per attended visit for lifetime value; 0 (not reported) by default.
    public var averageFee: Double

    /// Creates the settings with the documented defaults.
    public init(
        recentDays: Int = 30,
        dormantAfterDays: Int = 30,
        mediumRiskAfterDays: Int = 30,
        highRiskAfterDays: Int = 90,
        newPatientDays: Int = 30,
        lateCancellationHours: Int = 24,
        attendanceWindowDays: Int = 90,
        averageFee: Double = 0,
        model: Model = .bgnbd
    ) {
        self.model = model
        self.recentDays = recentDays
        self.dormantAfterDays = dormantAfterDays
        self.mediumRiskAfterDays = mediumRiskAfterDays
        self.highRiskAfterDays = highRiskAfterDays
        self.newPatientDays = newPatientDays
        self.lateCancellationHours = lateCancellationHours
        self.attendanceWindowDays = attendanceWindowDays
        self.averageFee = averageFee
    }
}

/// `transform: aggregate_appointments` settings.
public struct AggregateAppointmentsSettings: Sendable, Hashable {
    /// Past ISO weeks in the weekly series; 26 by default.
    public var weeksBack: Int
    /// Future ISO weeks in the weekly series; 4 by default.
    public var weeksAhead: Int

    /// Creates the settings with the documented defaults.
    public init(weeksBack: Int = 26, weeksAhead: Int = 4) {
        self.weeksBack = weeksBack
        self.weeksAhead = weeksAhead
    }
}

/// `load: postgres` settings.
public struct LoadSettings: Sendable, Hashable {
    /// How many rejected records fail an organization.
    public enum RejectLimit: Sendable, Hashable {
        /// More than this many records.
        case count(Int)
        /// More than this percentage of the records read.
        case percent(Double)
    }

    /// 10 % by default.
    public var maxRejects: RejectLimit

    /// Creates the settings with the documented defaults.
    ///
    /// There is no database setting: the warehouse is `DATABASE_URL` from the environment, else the embedded
    /// cluster, never something a pipeline file names.
    public init(maxRejects: RejectLimit = .percent(10)) {
        self.maxRejects = maxRejects
    }
}

/// `report: json` / `report: html` settings.
public struct ReportSettings: Sendable, Hashable {
    /// The format written.
    public var format: ReportFormat
    /// The output folder; `output` by default.
    public var outputDirectory: String

    /// Creates the settings.
    public init(format: ReportFormat, outputDirectory: String = "output") {
        self.format = format
        self.outputDirectory = outputDirectory
    }
}
