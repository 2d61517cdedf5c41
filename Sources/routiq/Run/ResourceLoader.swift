import Extract
import Foundation
import Load
import Logging
import Pipeline
import PostgresNIO

/// What the per-record transform decided.
enum Staged<Record: Sendable>: Sendable {
    /// Load the (possibly changed) record.
    case keep(Record)
    /// Quarantine it instead.
    case quarantine(QuarantineWriter.Entry)
    /// Not this organization's record (e.g. a Clerk user of another organization): leave it out.
    case skip
}

/// Streams one resource's pages into its staging table and merges them: the load half of an extract.
///
/// Pages flow one at a time: each page's records pass the per-record transform and are encoded as COPY rows, which
/// are staged whenever about 1 MiB has gathered; rejected records are quarantined with their reason and raw payload.
/// Nothing holds the whole resource in memory.
struct ResourceLoader: Sendable {
    /// Encoded rows are sent with one `COPY` once they reach this size (and at the end of the resource): 1 MiB,
    /// about 3,000 appointments, so memory stays bounded per organization.
    static let copyBatchBytes = 1 << 20

    let organization: String
    let runID: UUID
    let stop: StopRequest
    /// The terminal's progress display, when there is one.
    var progress: RunProgress? = nil
    let logger: Logger

    /// Stages every page of `pages`, merges, and (for a complete full fetch) marks unseen rows removed.
    ///
    /// - Parameters:
    ///   - transform: Applied to each record before staging; a rejection quarantines the record.
    ///   - reconcile: Whether to mark rows that were not fetched as removed (full mode; the fetch must complete).
    /// - Returns: The figures and the page high-water mark.
    func load<Record: WarehouseRow, Pages: AsyncSequence & Sendable>(
        _ pages: Pages,
        source: SourceKind,
        resource: String,
        reconcile: Bool,
        on connection: PostgresConnection,
        transform: (Record) -> Staged<Record> = { .keep($0) },
        afterStage: ((Record, inout CopyRowEncoder) -> Void)? = nil,
        childTable: (table: String, columns: [String])? = nil
    ) async throws -> (ResourceFigures, Date?) where Pages.Element == SourcePage<Record> {
        let started = ContinuousClock.now
        progress?.resourceStarted(resource, organization: organization)
        let loader = WarehouseLoader(organization: organization)
        let quarantine = QuarantineWriter(organization: organization, runID: runID)
        let table = Record.warehouseTable
        try await loader.prepareStaging(table, on: connection, logger: logger)
        var figures = ResourceFigures(source: source.rawValue, resource: resource)
        var highWaterMark: Date?
        var encoder = CopyRowEncoder(capacity: Self.copyBatchBytes + 65_536)
        var childEncoder = CopyRowEncoder(capacity: 4_096)
        /// Sends what the encoders hold to the staging tables: one `COPY` per batch of pages rather than per page,
        /// since each `COPY` is a round trip and a statement of its own.
        func flush() async throws {
            let copyStarted = ContinuousClock.now
            try await loader.stage(encoder, into: table, on: connection, logger: logger)
            if let childTable, childEncoder.rowCount > 0 {
                try await connection.copyFrom(table: childTable.table, columns: childTable.columns, logger: logger) {
                    writer in
                    try await writer.write(childEncoder.buffer)
                }
            }
            figures.copySeconds += (ContinuousClock.now - copyStarted).seconds
            encoder.removeAll()
            childEncoder.removeAll()
        }
        // The next page is fetched and decoded while this one is encoded and copied into PostgreSQL.
        try await withPrefetchedPages(pages, prefetch: 2) { prefetched in
            for try await page in prefetched {
                try stop.check()
                figures.pages += 1
                figures.read += page.records.count + page.rejections.count
                var rejected = page.rejections.map {
                    QuarantineWriter.Entry(
                        source: $0.source.rawValue, resource: $0.resource, sourceID: $0.sourceID, reason: $0.reason,
                        raw: $0.raw)
                }
                let rowsBefore = encoder.rowCount
                for record in page.records {
                    switch transform(record) {
                    case .keep(let record):
                        record.encodeRow(organization: organization, into: &encoder)
                        afterStage?(record, &childEncoder)
                    case .quarantine(let entry):
                        rejected.append(entry)
                    case .skip:
                        figures.read -= 1
                    }
                }
                let kept = encoder.rowCount - rowsBefore
                if encoder.buffer.readableBytes >= Self.copyBatchBytes { try await flush() }
                if !rejected.isEmpty {
                    try await quarantine.write(rejected, on: connection, logger: logger)
                    figures.quarantined += rejected.count
                    logger.warning(
                        "quarantined records",
                        metadata: ["routiq.resource": "\(resource)", "routiq.rows": "\(rejected.count)"]
                    )
                }
                if let mark = page.highWaterMark, mark > (highWaterMark ?? .distantPast) { highWaterMark = mark }
                logger.debug(
                    "page staged",
                    metadata: [
                        "routiq.resource": "\(resource)", "routiq.page": "\(page.pageNumber)",
                        "routiq.rows": "\(kept)",
                    ])
                progress?.resourceRead(
                    records: figures.read, pages: figures.pages, expected: page.expectedTotal,
                    organization: organization)
            }
        }
        try await flush()
        figures.complete = true
        if figures.quarantined > 0 {
            // A quarantined record's own timestamp is unknown, so moving the cursor past it could skip it for good:
            // keep the resource's cursor where it was, and the next run reads the record again.
            highWaterMark = nil
        }
        let mergeStarted = ContinuousClock.now
        let counts = try await loader.merge(table, on: connection, logger: logger)
        figures.inserted = counts.inserted
        figures.updated = counts.updated
        figures.unchanged = counts.unchanged
        logger.debug(
            "resource merged",
            metadata: [
                "routiq.resource": "\(resource)", "routiq.inserted": "\(counts.inserted)",
                "routiq.updated": "\(counts.updated)", "routiq.unchanged": "\(counts.unchanged)",
            ])
        if reconcile {
            figures.removed = try await loader.markUnstagedRemoved(
                table, sparingQuarantined: (runID, resource), on: connection, logger: logger)
        }
        figures.mergeSeconds = (ContinuousClock.now - mergeStarted).seconds
        // No ANALYZE here: its lock conflicts with itself and is held until commit, so it would make every other
        // organization's run wait for this one. Statistics come from autovacuum after the commit.
        figures.seconds = (ContinuousClock.now - started).seconds
        return (figures, highWaterMark)
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
