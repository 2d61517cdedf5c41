public import Foundation

/// One organization's sync health: run totals, the latest run, and how fresh each source's data is.
///
/// Counts follow the report's sync section: ``totalSyncs`` counts finished runs (a run still going is in ``lastRun``
/// but not in the totals), ``failedSyncs`` counts failed and cancelled runs, and skipped runs count only in the
/// total. An organization that never ran has zeros, `null`s and no sources; that is not an error.
public struct SyncStatus: Sendable, Encodable, Equatable {
    /// The latest run, finished or not.
    public struct LastRun: Sendable, Encodable, Equatable {
        /// The run's id.
        public var runID: UUID
        /// `running`, `succeeded`, `failed`, `cancelled` or `skipped`.
        public var status: String
        /// `incremental` or `full`.
        public var mode: String
        /// When it started.
        public var startedAt: Date
        /// When it ended, if it has.
        public var finishedAt: Date?
        /// Why it failed, if it did (RoutIQ writes no patient data into it).
        public var error: String?

        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
            case status
            case mode
            case startedAt = "started_at"
            case finishedAt = "finished_at"
            case error
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(runID.uuidString.lowercased(), forKey: .runID)
            try container.encode(status, forKey: .status)
            try container.encode(mode, forKey: .mode)
            try container.encodeTimestamp(startedAt, forKey: .startedAt)
            try container.encodeTimestamp(finishedAt, forKey: .finishedAt)
            try container.encodeOrNull(error, forKey: .error)
        }
    }

    /// How fresh one resource of one source is (a row of `sync_state`).
    public struct Source: Sendable, Encodable, Equatable {
        /// `cliniko`, `chatwoot` or `clerk`.
        public var source: String
        /// The resource, e.g. `patients`.
        public var resource: String
        /// When a run last read it successfully.
        public var lastSuccessAt: Date?
        /// When a full run last read all of it.
        public var lastFullAt: Date?

        enum CodingKeys: String, CodingKey {
            case source
            case resource
            case lastSuccessAt = "last_success_at"
            case lastFullAt = "last_full_at"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(source, forKey: .source)
            try container.encode(resource, forKey: .resource)
            try container.encodeTimestamp(lastSuccessAt, forKey: .lastSuccessAt)
            try container.encodeTimestamp(lastFullAt, forKey: .lastFullAt)
        }
    }

    /// The organization.
    public var organizationID: String
    /// Finished runs.
    public var totalSyncs: Int
    /// Runs that succeeded.
    public var successfulSyncs: Int
    /// Runs that failed or were cancelled.
    public var failedSyncs: Int
    /// When the latest finished run ended.
    public var lastSyncAt: Date?
    /// When the latest successful run ended.
    public var lastSuccessfulSyncAt: Date?
    /// The mean time from start to end of finished runs, in seconds with one decimal.
    public var averageSyncDurationSeconds: Double?
    /// The latest run by start, finished or not.
    public var lastRun: LastRun?
    /// Every resource's freshness, by source then resource.
    public var sources: [Source]

    enum CodingKeys: String, CodingKey {
        case organizationID = "organization_id"
        case totalSyncs = "total_syncs"
        case successfulSyncs = "successful_syncs"
        case failedSyncs = "failed_syncs"
        case lastSyncAt = "last_sync_at"
        case lastSuccessfulSyncAt = "last_successful_sync_at"
        case averageSyncDurationSeconds = "average_sync_duration_seconds"
        case lastRun = "last_run"
        case sources
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(organizationID, forKey: .organizationID)
        try container.encode(totalSyncs, forKey: .totalSyncs)
        try container.encode(successfulSyncs, forKey: .successfulSyncs)
        try container.encode(failedSyncs, forKey: .failedSyncs)
        try container.encodeTimestamp(lastSyncAt, forKey: .lastSyncAt)
        try container.encodeTimestamp(lastSuccessfulSyncAt, forKey: .lastSuccessfulSyncAt)
        try container.encodeOrNull(averageSyncDurationSeconds, forKey: .averageSyncDurationSeconds)
        try container.encodeOrNull(lastRun, forKey: .lastRun)
        try container.encode(sources, forKey: .sources)
    }
}
