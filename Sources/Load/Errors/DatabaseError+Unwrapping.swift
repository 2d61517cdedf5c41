import PostgresNIO

extension DatabaseError {
    /// The error a failure reported by postgres-nio stands for, so callers need not know postgres-nio's error types.
    ///
    /// A failed transaction (`PostgresTransactionError`) stands for its body's, commit's or begin's error, unwrapped
    /// in turn, or for a ``DatabaseError`` "the database transaction failed" when it holds none; a statement's
    /// `PSQLError` becomes ``statementFailed(_:)``. Any other error is returned as it is.
    ///
    /// - Parameter error: What a call into the database threw.
    /// - Returns: The error to report.
    public static func unwrapping(_ error: any Error) -> any Error {
        switch error {
        case let error as PostgresTransactionError:
            guard let inner = error.closureError ?? error.commitError ?? error.beginError else {
                return DatabaseError(.statementFailed, "the database transaction failed", underlying: error)
            }
            return unwrapping(inner)
        case let error as PSQLError:
            return statementFailed(error)
        default:
            return error
        }
    }
}
