/// A failure generating a report.
///
/// `description` is safe to log: it names organizations and paths, never patient data or SQL. ``underlying`` appears
/// only in `debugDescription`.
public struct ReportError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The kind of failure. New codes may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case organizationNotFound
            case invalidOrganizationID
            case writeFailed
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The organization has no row in `organizations`.
        public static let organizationNotFound = Code(.organizationNotFound)
        /// The organization id cannot name a folder (it must look like `org_…`).
        public static let invalidOrganizationID = Code(.invalidOrganizationID)
        /// A file or folder could not be written.
        public static let writeFailed = Code(.writeFailed)

        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// A message safe to show and log.
    public var message: String
    /// The lower-level error, for `debugDescription` only.
    public var underlying: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { "\(code): \(message)" }

    public var debugDescription: String {
        guard let underlying else { return description }
        return "\(description) (\(String(reflecting: underlying)))"
    }
}
