import Foundation
public import PostgresNIO

extension DatabaseError {
    /// Names of the SQLSTATE codes a load can meet, for messages.
    private static let conditions: [String: String] = [
        "22001": "a value is too long for its column",
        "22003": "a number is out of range",
        "22007": "a date or time is malformed",
        "22008": "a date or time is out of range",
        "22021": "a character is not valid UTF-8",
        "22P02": "a value has the wrong form for its type",
        "22P05": "a character cannot be stored (NUL)",
        "23502": "a required value is missing",
        "23505": "a key is duplicated",
        "23514": "a value breaks a CHECK constraint",
        "23503": "a reference points at nothing",
        "40001": "a serialization failure",
        "40P01": "a deadlock",
        "54000": "a value is too large to index",
        "57014": "the statement was cancelled",
        "57P01": "the server is shutting down",
    ]

    /// A failed statement described safely: the SQLSTATE, what it means, and the table, column and constraint the
    /// server named (a COPY's row context gives the table and column). Never the server's message, its detail or the
    /// statement, which can quote row values.
    ///
    /// - Parameter error: What postgres-nio threw.
    /// - Returns: An error with code ``Code/statementFailed`` (``Code/statementTimeout`` for SQLSTATE 57014, a
    ///   statement the server cancelled, usually because it ran past `statement_timeout`; ``Code/clusterUnreachable``
    ///   when the connection was lost), whose `underlying` keeps the original for `debugDescription`.
    public static func statementFailed(_ error: PSQLError) -> DatabaseError {
        guard let info = error.serverInfo else {
            switch error.code {
            case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown, .poolClosed:
                return DatabaseError(
                    .clusterUnreachable, "the connection to PostgreSQL was lost during a statement", underlying: error)
            case .queryCancelled:
                return DatabaseError(.statementFailed, "a database statement was cancelled", underlying: error)
            default:
                return DatabaseError(
                    .statementFailed, "a database statement failed (\(error.code))", underlying: error)
            }
        }
        let state = info[.sqlState] ?? "?"
        if state == "57014" {
            // query_canceled: statement_timeout, or pg_cancel_backend. The server's message says which, but it is
            // translated with lc_messages, so it is not matched on.
            return DatabaseError(
                .statementTimeout,
                "PostgreSQL cancelled a statement: it ran past its statement timeout or was cancelled (SQLSTATE 57014)",
                underlying: error)
        }
        var table = info[.tableName]
        var column = info[.columnName]
        // COPY reports its row as "COPY staging_patients, line 3, column date_of_birth: \"…\"": keep the names,
        // drop the value after the colon.
        if let context = info[.locationContext], context.hasPrefix("COPY ") {
            let head = context.dropFirst(5).prefix { $0 != ":" }
            let parts = head.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if table == nil, let first = parts.first { table = first }
            if column == nil, let named = parts.first(where: { $0.hasPrefix("column ") }) {
                column = String(named.dropFirst(7))
            }
        }
        var message = "PostgreSQL rejected a statement: \(conditions[state] ?? "error") (SQLSTATE \(state))"
        var place: [String] = []
        if let table { place.append("table \(table)") }
        if let column { place.append("column \(column)") }
        if let constraint = info[.constraintName] { place.append("constraint \(constraint)") }
        if !place.isEmpty { message += " in " + place.joined(separator: ", ") }
        return DatabaseError(.statementFailed, message, underlying: error)
    }
}
