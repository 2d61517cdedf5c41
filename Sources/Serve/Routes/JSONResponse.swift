import Foundation
public import HTTPTypes
public import Hummingbird
import NIOCore

/// JSON bodies for the list and status routes: UTF-8, dates as ISO 8601 with fractional seconds in UTC,
/// `Cache-Control: private, no-store` (patient data is never kept by a shared or browser cache).
enum JSONResponse {
    static func make(_ value: some Encodable, headers extra: HTTPFields = [:]) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true)))
        }
        let data = try encoder.encode(value)
        var headers = extra
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "private, no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The envelope of a paginated list: the rows, where the list stands, and the link to the next page.
struct PageEnvelope<Row: Encodable & Sendable>: Encodable, Sendable {
    struct Pagination: Encodable, Sendable {
        let pageSize: Int
        let totalCount: Int
        let hasNext: Bool
        let nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case pageSize = "page_size", totalCount = "total_count", hasNext = "has_next", nextCursor = "next_cursor"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(pageSize, forKey: .pageSize)
            try container.encode(totalCount, forKey: .totalCount)
            try container.encode(hasNext, forKey: .hasNext)
            try container.encode(nextCursor, forKey: .nextCursor)  // null on the last page, never omitted
        }
    }

    struct Links: Encodable, Sendable {
        let next: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(next, forKey: .next)  // null on the last page, never omitted
        }

        private enum CodingKeys: String, CodingKey {
            case next
        }
    }

    let data: [Row]
    let pagination: Pagination
    let links: Links

    /// - Parameters:
    ///   - next: The next page's path and query (relative to the server), when there is one.
    init(rows: [Row], totalCount: Int, nextCursor: String?, next: String?) {
        self.data = rows
        self.pagination = Pagination(
            pageSize: rows.count, totalCount: totalCount, hasNext: nextCursor != nil, nextCursor: nextCursor)
        self.links = Links(next: next)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(data, forKey: .data)
        try container.encode(pagination, forKey: .pagination)
        try container.encode(links, forKey: .links)
    }

    private enum CodingKeys: String, CodingKey {
        case data, pagination, links
    }
}

extension Request {
    /// This request's path with its query replaced by `query` (names and values percent-encoded): the next page's
    /// link.
    func link(replacingQueryWith query: [(String, String)]) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let encoded = query.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }
        return uri.path + (encoded.isEmpty ? "" : "?" + encoded.joined(separator: "&"))
    }
}
