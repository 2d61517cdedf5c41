/// One of an organization's reports as ``ReportGenerator`` wrote it, for a ``ReportWarehouse`` to store.
public struct GeneratedDocument: Sendable, Hashable {
    /// Which report a document is.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// `summary.json`, the organization summary.
        case summary
        /// `report.html`, the self-contained HTML report.
        case html
    }

    /// Which report this is.
    public var kind: Kind
    /// The bytes, exactly as written to the report's file.
    public var content: [UInt8]

    /// Creates a document.
    ///
    /// - Parameters:
    ///   - kind: Which report.
    ///   - content: The bytes, exactly as written to the report's file.
    public init(kind: Kind, content: [UInt8]) {
        self.kind = kind
        self.content = content
    }
}
