/// A value that cannot go into its warehouse column, found before it was sent to PostgreSQL.
///
/// Its description names the column and the rule, never the value, so it is safe to log and to store as a
/// quarantine reason.
public struct ColumnViolation: Error, Sendable, Hashable, CustomStringConvertible {
    /// The column, e.g. `date_of_birth`; `field N` when the encoder was given no columns.
    public var column: String
    /// What is wrong, e.g. "is not a calendar date (month 2 has no day 30)".
    public var problem: String

    /// Creates a violation.
    public init(column: String, problem: String) {
        self.column = column
        self.problem = problem
    }

    public var description: String { "`\(column)` \(problem)" }
}
