import Extract
import Foundation
import Load
import Logging
import Pipeline
import PostgresNIO

/// Streams one resource's pages into its staging table and merges them: the load half of an extract.
///
/// Pages flow one at a time: each page's records pass the per-record transform and are encoded as COPY rows, which
/// are staged whenever about 1 MiB has gathered; a record that cannot be decoded, that the transform rejects, or
/// that holds a value its column cannot take is quarantined with its reason and raw payload, and the rest load.
/// Nothing holds the whole resource in memory.
///
/// After the list, records quarantined by earlier runs are re-read by id (where the source can) and go through the
/// same path; then the quarantine's open entries are settled (``QuarantineStore``). The cursor is the newest record
/// read, capped at the run's as-of: a record stamped in the future is loaded and counted, but never moves the cursor
/// past the present, where every later change would be missed.
struct ResourceLoader: Sendable {
    /// Encoded rows are sent with one `COPY` once they reach this size (and at the end of the resource): 1 MiB,
    /// about 3,000 appointments, so memory stays bounded per organization.
    static let copyBatchBytes = 1 << 20
    /// How many quarantined records of one resource are re-read by id in one run (the oldest first).
    static let refetchLimit = 200

    let organization: String
    let runID: UUID
    /// The run's as-of: no cursor moves past it.
    let asOf: Date
    let stop: StopRequest
    /// Told how the run progresses (the terminal's progress display), when something watches.
    var observer: (any RunObserver)? = nil
    let logger: Logger

    /// Stages every page of `pages` (then the re-read quarantined records), merges, and (for a complete full fetch)
    /// marks unseen rows removed.
    ///
    /// - Parameters:
    ///   - transform: Applied to each record before staging; a rejection quarantines the record.
    ///   - reconcile: Whether to mark rows that were not fetched as removed (full mode; the fetch must complete).
    ///   - refetch: Re-reads records by id; `nil` when the source cannot (they are retried when listed again).
    /// - Returns: The figures and the new cursor: the newest record's cursor value, capped at ``asOf``.
    func load<Record: WarehouseRow & Encodable, Pages: AsyncSequence & Sendable>(
        _ pages: Pages,
        source: SourceKind,
        resource: String,
        reconcile: Bool,
        on connection: PostgresConnection,
        refetch: (([String]) -> SourcePages<Record>)? = nil,
        transform: (Record) -> Staged<Record> = { .keep($0) },
        afterStage: ((Record, inout CopyRowEncoder) -> ColumnViolation?)? = nil,
        childTable: (table: String, columns: [WarehouseColumn])? = nil
    ) async throws -> (ResourceFigures, Date?) where Pages.Element == SourcePage<Record> {
        let started = ContinuousClock.now
        observer?.resourceStarted(resource, organization: organization)
        let loader = WarehouseLoader(organization: organization)
        let quarantine = QuarantineWriter(organization: organization, runID: runID)
        let table = Record.warehouseTable
        try await loader.prepareStaging(table, on: connection, logger: logger)
        var figures = ResourceFigures(source: source.rawValue, resource: resource)
        var highWaterMark: Date?
        var goneIDs: [String] = []
        var encoder = CopyRowEncoder(columns: table.columns, capacity: Self.copyBatchBytes + 65_536)
        var childEncoder = CopyRowEncoder(columns: childTable?.columns ?? [], capacity: 4_096)
        /// Sends what the encoders hold to the staging tables: one `COPY` per batch of pages rather than per page,
        /// since each `COPY` is a round trip and a statement of its own.
        func flush() async throws {
            let copyStarted = ContinuousClock.now
            try await loader.stage(encoder, into: table, on: connection, logger: logger)
            if let childTable, childEncoder.rowCount > 0 {
                try await connection.copyRows(
                    childEncoder.buffer, into: childTable.table, columns: childTable.columns.map(\.name), logger: logger
                )
            }
            figures.copySeconds += (ContinuousClock.now - copyStarted).seconds
            encoder.removeAll()
            childEncoder.removeAll()
        }
        /// Encodes one page's records (quarantining what cannot load) and stages them once enough gathered.
        func process(_ page: SourcePage<Record>, movesCursor: Bool) async throws {
            try stop.check()
            figures.pages += 1
            figures.read += page.records.count + page.rejections.count
            goneIDs += page.goneIDs
            var rejected = page.rejections.map {
                QuarantineWriter.Entry(
                    source: $0.source.rawValue, resource: $0.resource, sourceID: $0.sourceID, reason: $0.reason,
                    raw: $0.raw)
            }
            let rowsBefore = encoder.rowCount
            for record in page.records {
                switch transform(record) {
                case .keep(let record):
                    // Every value is checked against its column as it is encoded; a record with a value PostgreSQL
                    // would reject is quarantined with the column and the rule, and the rest load.
                    let (mark, childMark) = (encoder.bookmark, childEncoder.bookmark)
                    guard
                        let violation = record.encodeRow(organization: organization, into: &encoder)
                            ?? afterStage?(record, &childEncoder)
                    else { continue }
                    encoder.rollBack(to: mark)
                    childEncoder.rollBack(to: childMark)
                    rejected.append(
                        QuarantineWriter.Entry(
                            source: source.rawValue, resource: resource, sourceID: record.warehouseKey,
                            reason: violation.description, raw: Self.rawJSON(of: record)))
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
            figures.futureTimestamps += page.futureStampCount(after: asOf)
            if movesCursor, let mark = page.highWaterMark, mark > (highWaterMark ?? .distantPast) {
                highWaterMark = mark
            }
            logger.debug(
                "page staged",
                metadata: [
                    "routiq.resource": "\(resource)", "routiq.page": "\(page.pageNumber)", "routiq.rows": "\(kept)",
                ])
            observer?.resourceRead(
                records: figures.read, pages: figures.pages, expected: page.expectedTotal, organization: organization)
        }
        // The next page is fetched and decoded while this one is encoded and copied into PostgreSQL.
        try await withPrefetchedPages(pages, prefetch: 2) { prefetched in
            for try await page in prefetched { try await process(page, movesCursor: true) }
        }
        let store = QuarantineStore(organization: organization)
        if let refetch {
            let ids = try await store.openIDs(
                source: source.rawValue, resource: resource, before: runID, limit: Self.refetchLimit, on: connection,
                logger: logger)
            if !ids.isEmpty {
                logger.debug(
                    "re-reading quarantined records",
                    metadata: ["routiq.resource": "\(resource)", "routiq.rows": "\(ids.count)"])
                for try await page in refetch(ids) { try await process(page, movesCursor: false) }
            }
        }
        try await flush()
        figures.complete = true
        if figures.futureTimestamps > 0 {
            logger.warning(
                "records stamped after the run's as-of; the cursor stays at the as-of",
                metadata: ["routiq.resource": "\(resource)", "routiq.rows": "\(figures.futureTimestamps)"])
        }
        if let mark = highWaterMark, mark > asOf { highWaterMark = asOf }
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
        figures.quarantineSettled = try await store.settle(
            source: source.rawValue, resource: resource, table: table, runID: runID, goneIDs: goneIDs,
            completeFullFetch: reconcile, on: connection, logger: logger)
        figures.mergeSeconds = (ContinuousClock.now - mergeStarted).seconds
        // No ANALYZE here: its lock conflicts with itself and is held until commit, so it would make every other
        // organization's run wait for this one. Statistics come from autovacuum after the commit.
        figures.seconds = (ContinuousClock.now - started).seconds
        return (figures, highWaterMark)
    }
}

extension ResourceLoader {
    /// A decoded record as JSON for the quarantine's `raw` (the API's own bytes are not kept once a record decoded):
    /// keys sorted, instants as unix seconds, and non-finite numbers as strings, so any record can be written.
    static func rawJSON(of record: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        guard let data = try? encoder.encode(record) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
