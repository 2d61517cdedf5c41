public import Foundation
public import Logging
import NIOCore
public import Pipeline
public import PostgresNIO

/// Stores and reads the report stage's documents in the `reports` table, one per organization and kind.
///
/// The report stage writes them (``store(_:content:contentType:generatedAt:runID:organization:on:logger:)``) on the
/// writer's connection; `routiq serve` reads them (``document(_:on:logger:)``, ``etag(_:on:logger:)``) inside
/// `withReaderTransaction(organization:…)`, where
/// row-level security decides the organization.
public enum ReportDocumentStore {
    /// Stores `content` as `organization`'s `kind` report, replacing the one stored before.
    ///
    /// The entity tag is computed here, from `content` (``ReportDocument/etag(of:)``).
    ///
    /// - Parameters:
    ///   - kind: Which report.
    ///   - content: The bytes, exactly as written to the report file.
    ///   - contentType: The media type to serve them with, e.g. `application/json`.
    ///   - generatedAt: When the report was generated (its `as_of`).
    ///   - runID: The run that loaded the warehouse, when known.
    ///   - organization: Whose report it is; the organization must exist.
    ///   - connection: A writer's connection (not a reader transaction, which cannot write).
    ///   - logger: For the query.
    /// - Throws: The database's errors, e.g. for an unknown organization.
    public static func store(
        _ kind: ReportDocument.Kind,
        content: [UInt8],
        contentType: String,
        generatedAt: Date,
        runID: UUID?,
        organization: OrganizationID,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let etag = ReportDocument.etag(of: content)
        try await connection.query(
            """
            INSERT INTO reports (organization_id, kind, content, content_type, etag, generated_at, run_id)
            VALUES (
                \(organization.rawValue), \(kind.rawValue), \(ByteBuffer(bytes: content)), \(contentType), \(etag),
                \(generatedAt), \(runID)
            )
            ON CONFLICT (organization_id, kind) DO UPDATE SET
                content = excluded.content, content_type = excluded.content_type, etag = excluded.etag,
                generated_at = excluded.generated_at, run_id = excluded.run_id, stored_at = now()
            """,
            logger: logger
        )
    }

    /// The `kind` report of the organization the reader transaction is limited to.
    ///
    /// - Important: Call it inside `withReaderTransaction(organization:…)`: the organization is the transaction's
    ///   `routiq.org_id`. Outside one, no organization is set and the result is `nil`.
    ///
    /// - Parameters:
    ///   - kind: Which report.
    ///   - connection: The reader transaction's connection.
    ///   - logger: For the query.
    /// - Returns: The document, or `nil` when none was stored.
    /// - Throws: The database's errors.
    public static func document(
        _ kind: ReportDocument.Kind, on connection: PostgresConnection, logger: Logger
    ) async throws -> ReportDocument? {
        let rows = try await connection.query(
            """
            SELECT content, content_type, etag, generated_at, stored_at FROM reports
            WHERE organization_id = current_setting('routiq.org_id', true) AND kind = \(kind.rawValue)
            """,
            logger: logger
        )
        for try await (content, contentType, etag, generatedAt, storedAt)
            in rows.decode((ByteBuffer, String, String, Date, Date).self)
        {
            return ReportDocument(
                kind: kind, content: Array(content.readableBytesView), contentType: contentType, etag: etag,
                generatedAt: generatedAt, storedAt: storedAt)
        }
        return nil
    }

    /// Only the entity tag of the `kind` report of the reader transaction's organization: enough to answer a
    /// conditional request with `304` without fetching the content.
    ///
    /// - Important: Call it inside `withReaderTransaction(organization:…)`, as ``document(_:on:logger:)``.
    ///
    /// - Parameters:
    ///   - kind: Which report.
    ///   - connection: The reader transaction's connection.
    ///   - logger: For the query.
    /// - Returns: The quoted entity tag, or `nil` when no report was stored.
    /// - Throws: The database's errors.
    public static func etag(
        _ kind: ReportDocument.Kind, on connection: PostgresConnection, logger: Logger
    ) async throws -> String? {
        let rows = try await connection.query(
            """
            SELECT etag FROM reports
            WHERE organization_id = current_setting('routiq.org_id', true) AND kind = \(kind.rawValue)
            """,
            logger: logger
        )
        for try await (etag) in rows.decode(String.self) { return etag }
        return nil
    }
}
