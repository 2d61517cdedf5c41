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
}
