/// One page of a keyset-paginated list, and how to ask for the next one.
///
/// Encodes as the API's list envelope:
/// `{"data": [...], "pagination": {"next_cursor": "…" | null, "total_count": 123, "page_size": 50, "has_next": true}}`,
/// where `page_size` is the number of rows on this page.
public struct Page<Row: Sendable & Encodable>: Sendable, Encodable {
    /// The rows, in the list's order.
    public let rows: [Row]
    /// The opaque cursor that asks for the rows after this page, or `nil` on the last page.
    public let nextCursor: String?
    /// How many rows match the filters across all pages (counted in the same snapshot when the read runs in one
    /// transaction).
    public let totalCount: Int

    /// Creates a page.
    ///
    /// - Parameters:
    ///   - rows: The rows, in order.
    ///   - nextCursor: The cursor for the following page; `nil` when this is the last page.
    ///   - totalCount: How many rows match the filters in all.
    public init(rows: [Row], nextCursor: String?, totalCount: Int) {
        self.rows = rows
        self.nextCursor = nextCursor
        self.totalCount = totalCount
    }

    /// Whether there is a page after this one.
    public var hasNext: Bool { nextCursor != nil }

    private enum CodingKeys: String, CodingKey {
        case data
        case pagination
    }

    private enum PaginationKeys: String, CodingKey {
        case nextCursor = "next_cursor"
        case totalCount = "total_count"
        case pageSize = "page_size"
        case hasNext = "has_next"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rows, forKey: .data)
        var pagination = container.nestedContainer(keyedBy: PaginationKeys.self, forKey: .pagination)
        try pagination.encode(nextCursor, forKey: .nextCursor)
        try pagination.encode(totalCount, forKey: .totalCount)
        try pagination.encode(rows.count, forKey: .pageSize)
        try pagination.encode(hasNext, forKey: .hasNext)
    }
}

extension Page: Equatable where Row: Equatable {}
