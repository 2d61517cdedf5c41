public import Foundation
public import Logging
public import Pipeline
public import PostgresNIO

/// What ``ReportGenerator`` needs from the warehouse: one reader transaction per organization to read its figures in,
/// and a place to keep the documents it generated.
///
/// `Report` reads the warehouse with its own queries but leaves opening transactions and storing documents to the
/// caller, so that it imports no other stage (STYLE rule 2). `Runner`'s `WarehouseReportAccess` is the implementation
/// the pipeline's report stage, `routiq report`, the tests and the benchmark pass in.
public protocol ReportWarehouse: Sendable {
    /// Runs `body` in one read-only transaction that sees only `organization`'s rows.
    ///
    /// Every statement of `body` must see one snapshot (repeatable read), none may write, and the transaction must run
    /// as the warehouse's reader role, whose row-level security shows only `organization`'s rows. The transaction ends
    /// when `body` returns or throws; the connection must not be used after that.
    ///
    /// - Parameters:
    ///   - organization: The only organization whose rows `body` can see.
    ///   - statementTimeout: The longest any one statement of `body` may run.
    ///   - logger: For the transaction's statements.
    ///   - body: The reads, on the transaction's connection.
    /// - Returns: What `body` returns.
    /// - Throws: The database's errors, or what `body` throws.
    func withReaderTransaction<Result: Sendable>(
        organization: OrganizationID,
        statementTimeout: Duration,
        logger: Logger,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result

    /// Stores `documents` as `organization`'s, each replacing the one of its kind stored before, all or none.
    ///
    /// - Parameters:
    ///   - documents: The documents, with the bytes exactly as written to their files.
    ///   - organization: Whose documents they are; the organization must be in the warehouse.
    ///   - generatedAt: When the documents say they were generated (their `as_of`).
    ///   - runID: The run that loaded the warehouse, when known.
    ///   - logger: For the statements.
    /// - Throws: The database's errors.
    func store(
        _ documents: [GeneratedDocument],
        organization: OrganizationID,
        generatedAt: Date,
        runID: UUID?,
        logger: Logger
    ) async throws
}
