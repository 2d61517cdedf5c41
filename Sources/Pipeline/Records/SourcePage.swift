public import Foundation

/// One page of records fetched from a source API, decoded.
///
/// A page holds at most one API page worth of records (or, for resources that fan out, a bounded batch), so
/// memory depends on page sizes, never on the size of the resource.
public struct SourcePage<Record: Sendable>: Sendable {
    /// The records that decoded, in API order.
    public var records: [Record]
    /// The records that did not decode, for the quarantine.
    public var rejections: [RecordRejection]
    /// The largest `updated_at`-like cursor value seen in this page, for incremental cursors; `nil` when the page
    /// has no decodable record with one.
    public var highWaterMark: Date?
    /// The cursor value of every record that has one (not in record order), so a run can tell how many records
    /// are stamped after its as-of (a clock-skewed source): see ``futureStampCount(after:)``.
    public var cursorValues: [Date] = []
    /// Ids re-read one by one (``SourcePages`` of a refetch) that the source no longer has: it answered 404.
    public var goneIDs: [String] = []
    /// The page's 1-based position in its sequence.
    public var pageNumber: Int
    /// How many records the whole sequence holds, when the source says so on each page (Cliniko's
    /// `total_entries`); `nil` when it does not. For showing progress only: paging never depends on it.
    public var expectedTotal: Int?

    /// Creates a page.
    ///
    /// - Parameters:
    ///   - records: The decoded records.
    ///   - rejections: The rejected records. Defaults to none.
    ///   - highWaterMark: The largest cursor value in the page.
    ///   - pageNumber: The 1-based page number.
    public init(records: [Record], rejections: [RecordRejection] = [], highWaterMark: Date? = nil, pageNumber: Int) {
        self.records = records
        self.rejections = rejections
        self.highWaterMark = highWaterMark
        self.pageNumber = pageNumber
    }

    /// How many of the page's records carry a cursor value later than `instant`.
    public func futureStampCount(after instant: Date) -> Int {
        cursorValues.reduce(0) { $0 + ($1 > instant ? 1 : 0) }
    }

    /// Appends `other`'s records, rejections and cursor values, keeping the larger high-water mark (for sources that
    /// gather several API pages into one).
    public mutating func absorb(_ other: SourcePage<Record>) {
        records.append(contentsOf: other.records)
        rejections.append(contentsOf: other.rejections)
        cursorValues.append(contentsOf: other.cursorValues)
        goneIDs.append(contentsOf: other.goneIDs)
        highWaterMark = [highWaterMark, other.highWaterMark].compactMap { $0 }.max()
    }
}
