import Crypto
public import Foundation

/// One organization's report as the report stage stored it in the warehouse: `summary.json` or `report.html`, byte
/// for byte, with what an HTTP server needs to serve it (type, strong entity tag, times).
public struct ReportDocument: Sendable, Equatable {
    /// Which report a document is. The raw values are the `reports.kind` column's.
    public enum Kind: String, Sendable, CaseIterable {
        /// `summary.json`, the organization summary.
        case summary
        /// `report.html`, the self-contained HTML report.
        case reportHTML = "report_html"

        /// The media type the report stage stores a report of this kind with: `application/json` for the summary,
        /// `text/html; charset=utf-8` for the HTML report.
        public var contentType: String {
            switch self {
            case .summary: "application/json"
            case .reportHTML: "text/html; charset=utf-8"
            }
        }
    }

    /// Which report this is.
    public let kind: Kind
    /// The file's bytes, exactly as written to `output/<org>/`.
    public let content: [UInt8]
    /// The media type to serve it with, e.g. `application/json`.
    public let contentType: String
    /// A strong entity tag for `content`, quoted as in an `ETag` header; see ``etag(of:)``.
    public let etag: String
    /// When the report says it was generated (its `as_of`).
    public let generatedAt: Date
    /// When the warehouse stored it.
    public let storedAt: Date

    /// Creates a document.
    ///
    /// - Parameters:
    ///   - kind: Which report.
    ///   - content: The bytes.
    ///   - contentType: The media type.
    ///   - etag: The entity tag; ``etag(of:)`` of `content` when stored by ``ReportDocumentStore``.
    ///   - generatedAt: When the report was generated.
    ///   - storedAt: When it was stored.
    public init(kind: Kind, content: [UInt8], contentType: String, etag: String, generatedAt: Date, storedAt: Date) {
        self.kind = kind
        self.content = content
        self.contentType = contentType
        self.etag = etag
        self.generatedAt = generatedAt
        self.storedAt = storedAt
    }

    /// The strong entity tag of `content`: the first 32 hexadecimal digits (128 bits) of its SHA-256, in double
    /// quotes, e.g. `"3a7bd3e2360a3d29eea436fcfb7e44c7"`.
    ///
    /// Equal bytes give equal tags, so a regenerated but unchanged report keeps its tag and clients' `304`s.
    public static func etag(of content: [UInt8]) -> String {
        let digest = SHA256.hash(data: content)
        let hex = digest.prefix(16).map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }
        return "\"" + hex.joined() + "\""
    }
}
