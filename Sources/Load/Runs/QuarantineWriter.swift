public import Foundation
public import Logging
public import PostgresNIO

/// Stores records that could not be decoded or failed validation, with the reason and the raw payload.
///
/// Written while the sources are read into the run's staging area (``stagingName``), and moved into `quarantine` by
/// ``promote(on:logger:)`` in the organization's final transaction, so quarantined records commit (or are discarded)
/// together with the data of the same run; nothing is ever silently dropped.
public struct QuarantineWriter: Sendable {
    /// One rejected record.
    public struct Entry: Sendable, Hashable {
        /// `cliniko`, `chatwoot` or `clerk`.
        public var source: String
        /// The resource, e.g. `patients`.
        public var resource: String
        /// The record's id at the source, when it could be read.
        public var sourceID: String?
        /// Why it was rejected (safe to log: no patient data).
        public var reason: String
        /// The raw payload as received.
        public var raw: String

        /// Creates an entry.
        public init(source: String, resource: String, sourceID: String?, reason: String, raw: String) {
            self.source = source
            self.resource = resource
            self.sourceID = sourceID
            self.reason = reason
            self.raw = raw
        }
    }

    /// The organization.
    public let organization: String
    /// The run.
    public let runID: UUID

    /// Creates a writer.
    public init(organization: String, runID: UUID) {
        self.organization = organization
        self.runID = runID
    }

    /// The staging table the entries are written to while the run extracts.
    public static let stagingName = StagingArea.schema + ".quarantine"

    /// Stages entries with one `COPY`.
    ///
    /// Whatever a rejected record holds is stored: a NUL character (which PostgreSQL text cannot hold) is written as
    /// the JSON escape `\u0000`, and an id too long to be one is kept only in the raw payload.
    public func write(_ entries: [Entry], on connection: PostgresConnection, logger: Logger) async throws {
        guard !entries.isEmpty else { return }
        var encoder = CopyRowEncoder(capacity: 4_096)
        for entry in entries {
            encoder.field(organization)
            encoder.field(runID.uuidString)
            encoder.field(Self.storable(entry.source))
            encoder.field(Self.storable(entry.resource))
            encoder.field(entry.sourceID.map(Self.storable).flatMap { $0.utf8.count <= 255 ? $0 : nil })
            encoder.field(Self.storable(entry.reason))
            encoder.field(Self.storable(entry.raw))
            if let violation = encoder.endRow(appendingHash: false) {
                throw DatabaseError(.invalidInput, "a quarantine entry could not be encoded: \(violation)")
            }
        }
        try await connection.copyRows(
            encoder.buffer, into: Self.stagingName,
            columns: ["organization_id", "run_id", "source", "resource", "source_id", "reason", "raw"], logger: logger)
    }

    /// Moves the run's staged entries into `quarantine`, in the order they were staged. Call in the final
    /// transaction, before the merges that spare quarantined records.
    ///
    /// - Returns: How many entries were moved.
    @discardableResult
    public func promote(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query(
            """
            WITH moved AS (
                INSERT INTO quarantine (organization_id, run_id, source, resource, source_id, reason, raw, created_at)
                SELECT organization_id, run_id, source, resource, source_id, reason, raw, created_at
                FROM routiq_staging.quarantine
                WHERE organization_id = \(organization) AND run_id = \(runID)
                ORDER BY staged_id
                RETURNING 1
            )
            SELECT count(*)::int FROM moved
            """,
            logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// `text` with every NUL character written as the JSON escape `\u0000`.
    static func storable(_ text: String) -> String {
        guard WarehouseColumn.textProblem(text, limit: .max) != nil else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\u{0}" {
                result.append(contentsOf: "\\u0000".unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }
}
