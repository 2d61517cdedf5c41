import Foundation
public import HTTPTypes
public import Hummingbird
import Load
import NIOCore

/// HTTP caching and content coding for a stored document (the summary, the HTML report): a strong `ETag` per
/// representation, `Last-Modified`, `Cache-Control: private, no-cache`, `304` on a matching `If-None-Match`, and
/// `gzip` when the client accepts it.
struct DocumentResponse {
    /// Documents smaller than this are sent as they are: compressing them saves nothing.
    static let compressionThreshold = 1024

    let cache: CompressedDocumentCache

    /// Whether the `If-None-Match` field values name `etag` (either representation's), by the weak comparison
    /// RFC 9110 §13.1.2 prescribes for it.
    static func matches(_ ifNoneMatch: [String], etag: String) -> Bool {
        let candidates = Set([etag, gzipTag(etag)].map(opaque))
        for value in ifNoneMatch {
            for item in value.split(separator: ",") {
                let tag = item.trimmingCharacters(in: .whitespaces)
                if tag == "*" || candidates.contains(opaque(tag)) { return true }
            }
        }
        return false
    }

    /// The `304 Not Modified` answer for a stored document whose ETag is `etag`.
    func notModified(_ request: Request, etag: String) -> Response {
        var headers = HTTPFields()
        headers[.eTag] = acceptsGzip(request) ? Self.gzipTag(etag) : etag
        headers[.cacheControl] = "private, no-cache"
        headers[.vary] = "Accept-Encoding"
        return Response(status: .notModified, headers: headers)
    }

    /// The `200` answer carrying `document`, compressed when the client accepts gzip.
    func ok(_ request: Request, document: ReportDocument, extraHeaders: HTTPFields = [:]) throws -> Response {
        var headers = extraHeaders
        headers[.contentType] = document.contentType
        headers[.cacheControl] = "private, no-cache"
        headers[.vary] = "Accept-Encoding"
        headers[.lastModified] = Self.httpDate(document.generatedAt)
        var body = document.content
        if acceptsGzip(request), body.count >= Self.compressionThreshold {
            body = try cache.gzip(body, etag: document.etag)
            headers[.contentEncoding] = "gzip"
            headers[.eTag] = Self.gzipTag(document.etag)
        } else {
            headers[.eTag] = document.etag
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// Whether `Accept-Encoding` admits gzip (q > 0), including through `*`.
    func acceptsGzip(_ request: Request) -> Bool {
        var gzip: Double?
        var wildcard: Double?
        for value in request.headers[values: .acceptEncoding] {
            for item in value.split(separator: ",") {
                let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                guard let coding = parts.first else { continue }
                var quality = 1.0
                for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                    quality = Double(parameter.dropFirst(2)) ?? 0
                }
                if coding == "gzip" || coding == "x-gzip" { gzip = quality }
                if coding == "*" { wildcard = quality }
            }
        }
        return (gzip ?? wildcard ?? 0) > 0
    }

    /// The gzip representation's ETag: the identity one with `-gzip` inside the quotes.
    static func gzipTag(_ etag: String) -> String {
        guard etag.hasSuffix("\"") else { return etag + "-gzip" }
        return String(etag.dropLast()) + "-gzip\""
    }

    private static func opaque(_ tag: String) -> String {
        tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag
    }

    /// An IMF-fixdate (RFC 9110 §5.6.7), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String {
            let value = value ?? 0
            return value < 10 ? "0\(value)" : "\(value)"
        }
        let weekday = weekdays[((parts.weekday ?? 1) - 1) % 7]
        let month = months[((parts.month ?? 1) - 1) % 12]
        return
            "\(weekday), \(two(parts.day)) \(month) \(parts.year ?? 1970) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) GMT"
    }
}
