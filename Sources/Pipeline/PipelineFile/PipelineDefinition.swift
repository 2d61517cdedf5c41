public import Foundation

/// A parsed and validated pipeline file (`pipelines/*.yml`, format version 1).
///
/// Produced by ``PipelineFileParser``; every value has been type-checked, range-checked and interpolated from the
/// environment, and the stage order has been checked. See `docs/pipelines.md` for the file format.
public struct PipelineDefinition: Sendable, Hashable {
    /// Which organizations a run covers.
    public enum OrganizationSelection: Sendable, Hashable {
        /// Every organization registered in RoutIQ.
        case all
        /// Exactly these organizations.
        case only([OrganizationID])
    }

    /// Where "day" boundaries come from.
    public enum TimeZoneSource: Sendable, Hashable {
        /// Each organization's own time zone (the default).
        case organization
        /// One fixed IANA time zone for every organization.
        case fixed(String)
    }

    /// The file format version; always 1.
    public var version: Int
    /// The pipeline's name (`[a-z0-9_-]`), used in run records and logs.
    public var name: String
    /// Free text describing the pipeline; empty by default.
    public var description: String
    /// The organizations to run; ``OrganizationSelection/all`` by default.
    public var organizations: OrganizationSelection
    /// Where day boundaries come from; ``TimeZoneSource/organization`` by default.
    public var timeZoneSource: TimeZoneSource
    /// A five-field cron expression, in each organization's time zone, that `routiq run --due` and `routiq schedule`
    /// follow; `nil` when the pipeline is run by hand or by an external scheduler.
    public var schedule: String?
    /// A second cron expression (`full_schedule:`): a due run whose latest full slot has passed since the last
    /// successful full run is a full run (e.g. weekly, to reconcile deletions); `nil` for never.
    public var fullSchedule: String? = nil
    /// HTTP settings shared by every extract stage.
    public var http: HTTPSettings
    /// When set, the run starts an in-process sandbox and points every source at it.
    public var sandbox: SandboxSettings?
    /// The stages, in file order (which is execution order).
    public var stages: [StageDefinition]

    /// Creates a definition. Prefer ``PipelineFileParser``, which validates.
    public init(
        version: Int = 1,
        name: String,
        description: String = "",
        organizations: OrganizationSelection = .all,
        timeZoneSource: TimeZoneSource = .organization,
        schedule: String? = nil,
        http: HTTPSettings = HTTPSettings(),
        sandbox: SandboxSettings? = nil,
        stages: [StageDefinition]
    ) {
        self.version = version
        self.name = name
        self.description = description
        self.organizations = organizations
        self.timeZoneSource = timeZoneSource
        self.schedule = schedule
        self.http = http
        self.sandbox = sandbox
        self.stages = stages
    }

    /// The load stage's settings, if the pipeline has a load stage.
    public var load: LoadSettings? {
        for stage in stages {
            if case .load(let settings) = stage.settings { return settings }
        }
        return nil
    }
}

/// HTTP settings shared by every extract stage (the `http:` block).
public struct HTTPSettings: Sendable, Hashable {
    /// The contact e-mail sent in the `User-Agent` header (Cliniko requires one). Required when the pipeline
    /// extracts anything.
    public var contactEmail: String?
    /// The whole-request deadline in seconds (connecting, the response head and the complete body); 30 by default.
    public var timeoutSeconds: Int
    /// Attempts per request including the first; 6 by default.
    public var maxAttempts: Int
    /// The first retry's backoff cap in milliseconds (full jitter); 250 by default.
    public var initialBackoffMilliseconds: Int
    /// The largest backoff in milliseconds; 30,000 by default.
    public var maxBackoffMilliseconds: Int
    /// Requests in flight at once per organization and source; 4 by default.
    public var maxConcurrentRequests: Int
    /// The largest response body read, in MiB (1,048,576 bytes); 32 by default. A larger body fails the request
    /// without a retry.
    public var maxBodyMebibytes: Int

    /// The default of ``maxBodyMebibytes``: 32 MiB, several times the largest page any of the three APIs sends.
    public static let defaultMaxBodyMebibytes = 32

    /// Creates HTTP settings with the documented defaults.
    public init(
        contactEmail: String? = nil,
        timeoutSeconds: Int = 30,
        maxAttempts: Int = 6,
        initialBackoffMilliseconds: Int = 250,
        maxBackoffMilliseconds: Int = 30_000,
        maxConcurrentRequests: Int = 4,
        maxBodyMebibytes: Int = HTTPSettings.defaultMaxBodyMebibytes
    ) {
        self.contactEmail = contactEmail
        self.timeoutSeconds = timeoutSeconds
        self.maxAttempts = maxAttempts
        self.initialBackoffMilliseconds = initialBackoffMilliseconds
        self.maxBackoffMilliseconds = maxBackoffMilliseconds
        self.maxConcurrentRequests = maxConcurrentRequests
        self.maxBodyMebibytes = maxBodyMebibytes
    }
}

/// The `sandbox:` block: run against an in-process simulator instead of the real APIs.
public struct SandboxSettings: Sendable, Hashable {
    /// The simulated present.
    public enum Now: Sendable, Hashable {
        /// The start of the current UTC day, so runs on the same day see the same data (the default).
        case startOfDay
        /// A fixed instant.
        case instant(Date)
    }

    /// The data seed; 1 by default.
    public var seed: Int
    /// How many organizations to simulate; 3 by default.
    public var organizations: Int
    /// Patients per organization; 2,000 by default.
    public var patients: Int
    /// The simulated present; ``Now/startOfDay`` by default.
    public var now: Now

    /// Creates sandbox settings with the documented defaults.
    public init(seed: Int = 1, organizations: Int = 3, patients: Int = 2_000, now: Now = .startOfDay) {
        self.seed = seed
        self.organizations = organizations
        self.patients = patients
        self.now = now
    }
}
