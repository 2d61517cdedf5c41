public import Logging
public import PostgresNIO

/// How many more connections the server would accept: its `max_connections`, less the slots reserved for
/// superusers, less the client sessions already open (those of other processes included).
public enum ConnectionCapacity {
    /// The server's free connection slots for ordinary sessions, as of now.
    public static func freeSlots(client: PostgresClient, logger: Logger) async throws -> Int {
        let rows = try await client.query(
            """
            SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int
                   - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int
            """,
            logger: logger
        )
        for try await (free) in rows.decode(Int.self) { return free }
        return 0
    }
}
