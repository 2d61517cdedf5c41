public import Foundation

/// One run of one organization, as the run history lists it (a row of `sync_runs`).
///
/// Keys are the original dashboard's `recent_syncs` names, plus RoutIQ's own (`run_id`, `pipeline`, `mode`,
/// `duration_seconds`, `records_removed`, `error`).
public struct SyncRunRow: Sendable, Encodable, Equatable {
    /// The run's id.
    public var runID: UUID
    /// The pipeline's name.
    public var pipeline: String
    /// `incremental` or `full`.
    public var mode: String
    /// `running`, `succeeded`, `failed`, `cancelled` or `skipped`.
    public var status: String
    /// When it started.
    public var startedAt: Date
    /// When it ended, if it has.
    public var completedAt: Date?
    /// Seconds from start to end, if it has ended.
    public var durationSeconds: Double?
    /// Records read from the sources.
    public var recordsProcessed: Int64
    /// Records loaded: inserted, updated or found unchanged.
    public var recordsSuccess: Int64
    /// Records quarantined (rejected by validation, kept for inspection).
    public var recordsFailed: Int64
    /// Rows marked removed because the source no longer has them.
    public var recordsRemoved: Int64
    /// Why it failed, if it did (RoutIQ writes no patient data into it).
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case runID = "run_id"
        case pipeline
        case mode
        case status
        case startedAt = "started_at"
        case completedAt = "completed_at"
        case durationSeconds = "duration_seconds"
        case recordsProcessed = "records_processed"
        case recordsSuccess = "records_success"
        case recordsFailed = "records_failed"
        case recordsRemoved = "records_removed"
        case error
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(runID.uuidString.lowercased(), forKey: .runID)
        try container.encode(pipeline, forKey: .pipeline)
        try container.encode(mode, forKey: .mode)
        try container.encode(status, forKey: .status)
        try container.encodeTimestamp(startedAt, forKey: .startedAt)
        try container.encodeTimestamp(completedAt, forKey: .completedAt)
        try container.encodeOrNull(durationSeconds, forKey: .durationSeconds)
        try container.encode(recordsProcessed, forKey: .recordsProcessed)
        try container.encode(recordsSuccess, forKey: .recordsSuccess)
        try container.encode(recordsFailed, forKey: .recordsFailed)
        try container.encode(recordsRemoved, forKey: .recordsRemoved)
        try container.encodeOrNull(error, forKey: .error)
    }
}
