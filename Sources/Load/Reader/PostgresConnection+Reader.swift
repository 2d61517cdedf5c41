public import Logging
import NIOCore
public import Pipeline
public import PostgresNIO

extension PostgresConnection {
    /// Runs `body` as `routiq_reader` in a `READ ONLY`, `REPEATABLE READ` transaction limited to one organization.
    ///
    /// This is the second of the two walls between tenants (DESIGN §5, §8): whatever `body` queries, PostgreSQL's
    /// row-level security, forced on every tenant table, shows it only `organization`'s rows, so a query that forgot
    /// its `organization_id` filter still cannot read another organization's data. The transaction:
    ///
    /// 1. `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`: every statement of `body` sees one snapshot, and none
    ///    can write;
    /// 2. switches to the role `routiq_reader` (no `BYPASSRLS`, never superuser; the migrations check this), which
    ///    cannot read `service_credentials`, `audit_log` or `quarantine.raw`;
    /// 3. sets `statement_timeout` to `statementTimeout` and `routiq.org_id`, which the `tenant_isolation` policies
    ///    compare `organization_id` with, to `organization`, both as bind parameters and both transaction-local;
    /// 4. runs `body`, then `COMMIT`, or `ROLLBACK` when anything failed.
    ///
    /// The role and settings are `LOCAL` to the transaction: when this returns or throws, the connection is back to
    /// the role and settings it had, ready for the pool.
    ///
    /// - Important: Call it on a connection that is not inside a transaction already: PostgreSQL would ignore the
    ///   `BEGIN`, and the `COMMIT` would end the caller's transaction. The connection's own role must be a member of
    ///   `routiq_reader` (migration 5 grants that to the role that migrates).
    ///
    /// - Parameters:
    ///   - organization: The only organization whose rows `body` can see.
    ///   - statementTimeout: The longest any one statement may run; 5 seconds by default. Rounded to whole
    ///     milliseconds, at least 1.
    ///   - logger: For the queries.
    ///   - isolation: The caller's actor isolation.
    ///   - body: The reads, on this connection.
    /// - Returns: What `body` returns.
    /// - Throws: ``DatabaseError`` with code ``DatabaseError/Code/statementTimeout`` when a statement ran past
    ///   `statementTimeout`, and ``DatabaseError/statementFailed(_:)``'s error for any other statement PostgreSQL
    ///   rejected (the transaction's own or `body`'s), also when `body` left a failed statement's rows unread or
    ///   caught its error (the `COMMIT` then finds the transaction aborted); other errors from `body` as they are.
    ///   When `ROLLBACK` fails too, the error thrown is still the first one.
    public func withReaderTransaction<Result: Sendable>(
        organization: OrganizationID,
        statementTimeout: Duration = .seconds(5),
        logger: Logger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let timeout = Self.milliseconds(statementTimeout)
        do {
            try await query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
        } catch {
            throw Self.readerError(error, timeout: timeout)
        }
        var bodyFinished = false
        do {
            // One round trip: set_config(…, true) is SET LOCAL; 'role' checks membership as SET ROLE does.
            try await query(
                """
                SELECT set_config('role', 'routiq_reader', true), set_config('statement_timeout', \(String(timeout)), true),
                       set_config('routiq.org_id', \(organization.rawValue), true)
                """,
                logger: logger
            )
            let result = try await body(self)
            bodyFinished = true
            // A statement that failed after `body` stopped reading its rows (or whose error `body` caught) leaves the
            // transaction aborted, and COMMIT then quietly answers ROLLBACK: report it rather than a partial result.
            let commit: EventLoopFuture<PostgresQueryResult> = query("COMMIT", logger: logger)
            guard try await commit.get().metadata.command == "COMMIT" else {
                throw DatabaseError(
                    .statementFailed,
                    "a statement of a reader transaction failed without reporting it (were its rows left unread?), "
                        + "so the transaction was rolled back")
            }
            return result
        } catch {
            if !bodyFinished {
                do {
                    try await query("ROLLBACK", logger: logger)
                } catch let rollbackError {
                    logger.debug(
                        "rollback of a reader transaction failed",
                        metadata: ["error": "\(Self.readerError(rollbackError, timeout: timeout))"])
                }
            }
            throw Self.readerError(error, timeout: timeout)
        }
    }

    /// `duration` in whole milliseconds, between 1 (0 would turn the timeout off) and `Int32.max` (the setting's
    /// range).
    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        guard seconds < Int64(Int32.max) / 1000 else { return Int(Int32.max) }
        let total = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int(max(1, total))
    }

    /// A failure inside a reader transaction, with PostgreSQL's errors described safely.
    private static func readerError(_ error: any Error, timeout: Int) -> any Error {
        guard let error = error as? PSQLError else { return error }
        let described = DatabaseError.statementFailed(error)
        guard described.code == .statementTimeout else { return described }
        return DatabaseError(
            .statementTimeout,
            "a database read ran longer than its statement timeout (\(timeout) ms) and was cancelled",
            underlying: error)
    }
}
