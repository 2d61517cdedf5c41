/// A source record that could not be decoded into a domain record, kept for the quarantine table.
///
/// Extract sources produce rejections instead of throwing, so one malformed record never fails its page.
public struct RecordRejection: Sendable, Hashable {
    /// The API the record came from.
    public var source: SourceKind
    /// The resource the record belongs to, e.g. `patients`.
    public var resource: String
    /// The record's id in the source, when one could be read.
    public var sourceID: String?
    /// Why the record was rejected: short and safe to log (field names, never values).
    public var reason: String
    /// The record's raw JSON text exactly as the API sent it.
    ///
    /// - Important: This may contain patient data. Store it in the quarantine table; never log it.
    public var raw: String

    /// Creates a rejection.
    ///
    /// - Parameters:
    ///   - source: The API the record came from.
    ///   - resource: The resource name.
    ///   - sourceID: The record's id, if known.
    ///   - reason: A short reason that is safe to log.
    ///   - raw: The record's raw JSON text.
    public init(source: SourceKind, resource: String, sourceID: String?, reason: String, raw: String) {
        self.source = source
        self.resource = resource
        self.sourceID = sourceID
        self.reason = reason
        self.raw = raw
    }
}
