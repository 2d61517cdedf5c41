package import Foundation
import Load
package import Logging
package import Pipeline
package import PostgresNIO
package import Report

/// The warehouse as ``ReportGenerator`` reads and writes it: reader transactions from `Load`'s
/// `withReaderTransaction`, documents stored in the `reports` table by `ReportDocumentStore`.
///
/// The pipeline's report stage and `routiq report` pass one to the generator; so do the tests and the report benchmark.
package struct WarehouseReportAccess: ReportWarehouse {
    /// The warehouse's client.
    package let client: PostgresClient

    /// Creates the access.
    ///
    /// - Parameter client: A running client of the warehouse; each reader transaction leases one of its connections,
    ///   so it needs as many as organizations are written at once, plus one for storing documents.
    package init(client: PostgresClient) {
        self.client = client
    }

    /// Leases a connection and runs `body` in `withReaderTransaction(organization:statementTimeout:logger:_:)` on it:
    /// read-only, repeatable read, as `routiq_reader` with `routiq.org_id` set to `organization`.
    ///
    /// - Parameters:
    ///   - organization: The only organization whose rows `body` can see.
    ///   - statementTimeout: The longest any one statement may run.
    ///   - logger: For the queries.
    ///   - body: The reads, on the leased connection.
    /// - Returns: What `body` returns.
    /// - Throws: `DatabaseError` for statements PostgreSQL rejected or that timed out; other errors from `body`.
    package func withReaderTransaction<Result: Sendable>(
        organization: OrganizationID,
        statementTimeout: Duration,
        logger: Logger,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await client.withConnection { connection in
            try await connection.withReaderTransaction(
                organization: organization, statementTimeout: statementTimeout, logger: logger, body)
        }
    }

    /// Stores `documents` in the `reports` table in one transaction with `ReportDocumentStore`, each with its kind's
    /// media type and entity tag.
    ///
    /// - Parameters:
    ///   - documents: The documents.
    ///   - organization: Whose documents they are.
    ///   - generatedAt: Their `as_of`.
    ///   - runID: The run that loaded the warehouse, when known.
    ///   - logger: For the statements.
    /// - Throws: The database's errors, e.g. for an unknown organization.
    package func store(
        _ documents: [GeneratedDocument],
        organization: OrganizationID,
        generatedAt: Date,
        runID: UUID?,
        logger: Logger
    ) async throws {
        try await client.withUnwrappedTransaction(logger: logger) { connection in
            for document in documents {
                let kind = Self.kind(of: document)
                try await ReportDocumentStore.store(
                    kind, content: document.content, contentType: kind.contentType, generatedAt: generatedAt,
                    runID: runID, organization: organization, on: connection, logger: logger)
            }
        }
    }

    /// The `reports.kind` a generated document is stored as.
    private static func kind(of document: GeneratedDocument) -> ReportDocument.Kind {
        switch document.kind {
        case .summary: .summary
        case .html: .reportHTML
        }
    }
}
