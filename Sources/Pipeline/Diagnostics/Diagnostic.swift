/// One problem found in a pipeline file, with the position it was found at.
///
/// Diagnostics print like compiler messages, `FILE:LINE:COLUMN: error: MESSAGE`, so editors and CI logs can jump
/// to the offending key. They never contain secret values: interpolated environment values are not echoed.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Hashable {
        /// The file cannot be run.
        case error
        /// The file runs, but probably not as intended.
        case warning
    }

    /// The file the problem is in, as the user named it.
    public var file: String
    /// The 1-based line of the problem.
    public var line: Int
    /// The 1-based column of the problem, counted in Unicode scalars.
    public var column: Int
    /// The severity; ``Severity/error`` unless stated.
    public var severity: Severity
    /// A one-line message naming the offending key and, where obvious, a suggestion.
    public var message: String

    /// Creates a diagnostic.
    ///
    /// - Parameters:
    ///   - file: The file the problem is in.
    ///   - location: Where in the file.
    ///   - severity: How serious it is; ``Severity/error`` by default.
    ///   - message: The message, without position or severity.
    public init(file: String, location: SourceLocation, severity: Severity = .error, message: String) {
        self.file = file
        self.line = location.line
        self.column = location.column
        self.severity = severity
        self.message = message
    }

    /// The diagnostic as `FILE:LINE:COLUMN: error: MESSAGE`.
    public var description: String {
        "\(file):\(line):\(column): \(severity.rawValue): \(message)"
    }
}
