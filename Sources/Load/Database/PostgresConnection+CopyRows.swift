package import Logging
package import NIOCore
package import PostgresNIO

extension PostgresConnection {
    /// Sends `rows`, encoded in COPY text format, into `table` with one `COPY … FROM STDIN`.
    ///
    /// A connection that is already closed (the server went away) is refused with a clear error before anything is
    /// sent: postgres-nio 1.33 drops a COPY's continuation when its statement is written to a closed channel, which
    /// would leave the caller suspended forever.
    ///
    /// - Parameters:
    ///   - rows: Encoded rows, e.g. a ``CopyRowEncoder``'s buffer.
    ///   - table: The table, optionally schema-qualified (`routiq_staging.patients`); a compile-time name, never data.
    ///   - columns: The columns, in the rows' order.
    /// - Throws: ``DatabaseError`` with code ``DatabaseError/Code/clusterUnreachable`` for a closed connection, or
    ///   what the COPY throws.
    package func copyRows(_ rows: ByteBuffer, into table: String, columns: [String], logger: Logger) async throws {
        guard !isClosed else {
            throw DatabaseError(.clusterUnreachable, "the connection to PostgreSQL was lost (copying into \(table))")
        }
        // postgres-nio quotes the name whole ("routiq_staging.patients" would be one identifier): quote each part.
        let quoted = table.split(separator: ".").joined(separator: "\".\"")
        try await copyFrom(table: quoted, columns: columns, logger: logger) { writer in
            try await writer.write(rows)
        }
    }
}
