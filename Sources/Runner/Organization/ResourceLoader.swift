import Extract
import Foundation
import Load
import Logging
import Pipeline
import PostgresNIO

/// Streams one resource's pages into the run's staging area, and later merges them: the load half of an extract.
///
/// ``stage(_:source:resource:reconcile:refetch:transform:afterStage:stagesPhones:)`` runs while the source is read,
/// outside any transaction: pages flow one at a time, each page's records pass the per-record transform and are
/// encoded as COPY rows, which are copied into the run-tagged staging tables (``StagingArea``) whenever about 1 MiB
/// has gathered, each `COPY` on a connection lent for just that statement. A record that cannot be decoded, that the
/// transform rejects, or that holds a value its column cannot take is staged for the quarantine with its reason and
/// raw payload, and the rest load. Nothing holds the whole resource in memory, and no connection is held between
/// pages (a rate-limited source may take hours).
///
/// After the list, records quarantined by earlier runs are re-read by id (where the source can) and go through the
/// same path. ``merge(_:on:)`` then runs in the organization's final transaction: the merge, the removal of unseen
/// rows after a complete full fetch, and the settling of the quarantine's open entries (``QuarantineStore``). The
/// cursor is the newest record read, capped at the run's as-of: a record stamped in the future is loaded and
/// counted, but never moves the cursor past the present, where every later change would be missed.
struct ResourceLoader: Sendable {
    /// What a staged resource hands to its merge.
    struct StagedResource: Sendable {
        var table: WarehouseTable
        var source: SourceKind
        var resource: String
        /// Whether unseen rows are marked removed (a complete full fetch).
        var reconcile: Bool
        /// Ids the source reported gone.
        var goneIDs: [String]
        /// Whether the patients' phones were staged with them.
        var stagesPhones: Bool
        var figures: ResourceFigures
        /// The new cursor: the newest record's cursor value, capped at the as-of.
        var cursor: Date?
    }

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
    /// Lends a connection for each statement.
    let database: DatabaseLease
    /// Told how the run progresses (the terminal's progress display), when something watches.
    var observer: (any RunObserver)? = nil
    let logger: Logger

    /// Stages every page of `pages`, then the re-read quarantined records, in the run's staging area.
    ///
    /// - Parameters:
    ///   - transform: Applied to each record before staging; a rejection quarantines the record.
    ///   - reconcile: Whether to mark rows that were not fetched as removed (full mode; the fetch must complete).
    ///   - refetch: Re-reads records by id; `nil` when the source cannot (they are retried when listed again).
    ///   - afterStage: Encodes the record's child rows (the patients' phones) after its own row.
    ///   - stagesPhones: Whether `afterStage` writes phone rows, staged with the patients.
    /// - Returns: What the merge needs, with the figures so far and the new cursor.
    func stage<Record: WarehouseRow & Encodable, Pages: AsyncSequence & Sendable>(
        _ pages: Pages,
        source: SourceKind,
        resource: String,
        reconcile: Bool,
        refetch: (([String]) -> SourcePages<Record>)? = nil,
        transform: (Record) -> Staged<Record> = { .keep($0) },
        afterStage: ((Record, inout CopyRowEncoder) -> ColumnViolation?)? = nil,
        stagesPhones: Bool = false
    ) async throws -> StagedResource where Pages.Element == SourcePage<Record> {
        let started = ContinuousClock.now
        observer?.resourceStarted(resource, organization: organization)
        let staging = StagingArea(organization: organization, runID: runID)
        let quarantine = QuarantineWriter(organization: organization, runID: runID)
        let table = Record.warehouseTable
        let (database, logger) = (database, logger)
        var figures = ResourceFigures(source: source.rawValue, resource: resource)
        var highWaterMark: Date?
        var goneIDs: [String] = []
        var encoder = CopyRowEncoder(columns: table.columns, capacity: Self.copyBatchBytes + 65_536)
        var childEncoder = CopyRowEncoder(
            columns: stagesPhones ? WarehouseTable.patientPhoneColumns : [], capacity: 4_096)
        /// Sends what the encoders hold to the staging tables: one `COPY` per batch of pages rather than per page,
        /// since each `COPY` is a round trip and a statement of its own.
        func flush() async throws {
            guard encoder.rowCount > 0 || childEncoder.rowCount > 0 else { return }
            let copyStarted = ContinuousClock.now
            let (rows, childRows) = (encoder, childEncoder)
            try await database.withConnection { connection in
                try await staging.stage(rows, into: table, on: connection, logger: logger)
                try await staging.copy(
                    childRows, into: WarehouseTable.patientPhonesStagingName,
                    columns: WarehouseTable.patientPhoneColumns.map(\.name), on: connection, logger: logger)
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
                let entries = rejected
                try await database.withConnection { connection in
                    try await quarantine.write(entries, on: connection, logger: logger)
                }
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
            let (runID, source) = (runID, source)
            let ids = try await database.withConnection { connection in
                try await store.openIDs(
                    source: source.rawValue, resource: resource, before: runID, limit: Self.refetchLimit,
                    on: connection, logger: logger)
            }
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
        figures.seconds = (ContinuousClock.now - started).seconds
        return StagedResource(
            table: table, source: source, resource: resource, reconcile: reconcile, goneIDs: goneIDs,
            stagesPhones: stagesPhones, figures: figures, cursor: highWaterMark)
    }

    /// Merges a staged resource into the warehouse, marks unseen rows removed after a complete full fetch, and
    /// settles the quarantine's open entries. Call in the organization's final transaction.
    ///
    /// - Returns: The resource's figures, complete.
    func merge(_ staged: StagedResource, on connection: PostgresConnection) async throws -> ResourceFigures {
        var figures = staged.figures
        let loader = WarehouseLoader(organization: organization, runID: runID)
        let mergeStarted = ContinuousClock.now
        let counts = try await loader.merge(staged.table, on: connection, logger: logger)
        if staged.stagesPhones { try await loader.mergePatientPhones(on: connection, logger: logger) }
        figures.inserted = counts.inserted
        figures.updated = counts.updated
        figures.unchanged = counts.unchanged
        logger.debug(
            "resource merged",
            metadata: [
                "routiq.resource": "\(staged.resource)", "routiq.inserted": "\(counts.inserted)",
                "routiq.updated": "\(counts.updated)", "routiq.unchanged": "\(counts.unchanged)",
            ])
        if staged.reconcile {
            figures.removed = try await loader.markUnstagedRemoved(
                staged.table, sparingQuarantinedOf: staged.resource, on: connection, logger: logger)
        }
        figures.quarantineSettled = try await QuarantineStore(organization: organization).settle(
            source: staged.source.rawValue, resource: staged.resource, table: staged.table, runID: runID,
            goneIDs: staged.goneIDs, completeFullFetch: staged.reconcile, on: connection, logger: logger)
        figures.mergeSeconds = (ContinuousClock.now - mergeStarted).seconds
        // No ANALYZE here: its lock conflicts with itself and is held until commit, so it would make every other
        // organization's run wait for this one. Statistics come from autovacuum after the commit.
        figures.seconds += figures.mergeSeconds
        return figures
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
