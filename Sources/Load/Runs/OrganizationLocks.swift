public import Foundation
public import Logging
public import PostgresNIO
import Synchronization

/// A process's lock session: the advisory locks of every organization it runs, all held on one connection.
///
/// An organization's run no longer keeps a connection of its own while it reads its sources (that would take one
/// connection per organization waiting on a rate limit); its lock lives on this shared session instead. Each lock is
/// the same session-level advisory lock as ``OrganizationLock``'s, so a run holding the lock here and another
/// process's ``OrganizationLock`` exclude each other; the server releases every lock when the session ends, so a
/// process that dies frees its organizations at once.
///
/// If the session itself is lost (the server restarted, a network failure), the locks are gone with it. A run that
/// continues may then be taken over by another process; ``RunRecorder/finish(runID:organization:outcome:totals:stats:error:on:logger:)``
/// is the fence that keeps such a run from committing.
public final class OrganizationLocks: Sendable {
    private let connection: PostgresConnection
    private let held = Mutex(Set<String>())

    /// Creates a lock session on `connection`, which the caller keeps for as long as any lock is needed.
    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// Whether the session's connection closed: every lock it held is gone.
    public var isLost: Bool { connection.isClosed }

    /// The server's clock now (`now()`), read on the lock session.
    public func serverNow(logger: Logger) async throws -> Date {
        try checkOpen()
        let rows = try await connection.query("SELECT now()", logger: logger)
        for try await now in rows.decode(Date.self) { return now }
        return Date()
    }

    /// Takes the organization's lock without waiting.
    ///
    /// - Throws: ``OrganizationLock/Held`` when another session holds it; ``DatabaseError`` when the session is lost.
    public func lock(_ organization: String, logger: Logger) async throws {
        try checkOpen()
        let key = OrganizationLock.lockKey(organization)
        let rows = try await connection.query(
            "SELECT pg_try_advisory_lock(hashtextextended(\(key), 0))", logger: logger)
        var acquired = false
        for try await value in rows.decode(Bool.self) { acquired = value }
        guard acquired else {
            throw OrganizationLock.Held(
                organization: organization,
                since: try await OrganizationLock.runningSince(organization, connection: connection, logger: logger))
        }
        held.withLock { _ = $0.insert(organization) }
    }

    /// Releases the organization's lock. A lost session released it already, so this never throws.
    public func unlock(_ organization: String, logger: Logger) async {
        guard held.withLock({ $0.remove(organization) }) != nil, !connection.isClosed else { return }
        let key = OrganizationLock.lockKey(organization)
        do {
            try await connection.query("SELECT pg_advisory_unlock(hashtextextended(\(key), 0))", logger: logger)
        } catch {
            logger.debug("an organization lock could not be released", metadata: ["routiq.error": "\(error)"])
        }
    }

    /// Runs `body` holding the organization's lock, and releases it afterwards.
    ///
    /// - Throws: ``OrganizationLock/Held`` when another session holds it, or what `body` throws.
    public func withLock<Result: Sendable>(
        _ organization: String, logger: Logger, _ body: () async throws -> Result
    ) async throws -> Result {
        try await lock(organization, logger: logger)
        do {
            let result = try await body()
            await unlock(organization, logger: logger)
            return result
        } catch {
            await unlock(organization, logger: logger)
            throw error
        }
    }

    /// A statement written to a closed connection never returns in postgres-nio 1.33: refuse it up front.
    private func checkOpen() throws {
        guard !connection.isClosed else {
            throw DatabaseError(.clusterUnreachable, "the lock session's connection to PostgreSQL was lost")
        }
    }
}
