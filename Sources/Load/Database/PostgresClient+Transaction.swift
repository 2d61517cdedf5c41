package import Logging
package import PostgresNIO

extension PostgresClient {
    /// `withTransaction`, but failures inside the closure surface as themselves rather than wrapped in
    /// `PostgresTransactionError`, so callers can match on RoutIQ's own error types.
    package func withUnwrappedTransaction<Result>(
        logger: Logger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        do {
            return try await withTransaction(logger: logger, isolation: isolation, body)
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.commitError ?? error.beginError ?? error
        }
    }
}
