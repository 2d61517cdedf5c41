#if canImport(Glibc)
    package import Glibc
#elseif canImport(Darwin)
    package import Darwin
#endif

/// The operating-system account the embedded server runs as when RoutIQ runs as root.
///
/// PostgreSQL refuses to run as root, so a root RoutIQ runs the server as another, unprivileged account: the one
/// named by `ROUTIQ_PG_USER`, else `postgres`. There is deliberately no further fallback (such as `nobody`, which many
/// unrelated daemons share): with neither, starting the cluster fails and says what to do.
package struct ServerAccount: Sendable, Hashable {
    /// The user name, as given to `runuser -u`.
    package var name: String
    /// The user id, which owns the cluster's folders.
    package var uid: uid_t
    /// The user's primary group id.
    package var gid: gid_t

    /// Creates an account description.
    package init(name: String, uid: uid_t, gid: gid_t) {
        self.name = name
        self.uid = uid
        self.gid = gid
    }

    /// Decides who runs the server.
    ///
    /// - Parameters:
    ///   - isRoot: Whether RoutIQ runs as root (effective user id 0).
    ///   - configured: `ROUTIQ_PG_USER`, if set.
    ///   - lookUp: Finds an account by name (``lookUp(_:)`` outside tests).
    /// - Returns: `nil` when RoutIQ does not run as root: the server then runs as the current user.
    /// - Throws: ``DatabaseError/Code/clusterSetupFailed`` when RoutIQ runs as root and the configured account (or,
    ///   with none configured, `postgres`) does not exist, or is root itself.
    package static func resolve(
        isRoot: Bool,
        configured: String?,
        lookUp: (String) -> ServerAccount?
    ) throws -> ServerAccount? {
        guard isRoot else { return nil }
        guard let name = configured else {
            guard let account = lookUp("postgres") else {
                throw DatabaseError(
                    .clusterSetupFailed,
                    "RoutIQ runs as root and PostgreSQL refuses to, so the embedded server must run as another user, "
                        + "but there is no 'postgres' user: create one (e.g. useradd --system postgres) or set "
                        + "ROUTIQ_PG_USER to an existing unprivileged user"
                )
            }
            return try unprivileged(account)
        }
        guard let account = lookUp(name) else {
            throw DatabaseError(
                .clusterSetupFailed,
                "RoutIQ runs as root, so PostgreSQL must run as another user, but ROUTIQ_PG_USER names user '\(name)', "
                    + "which does not exist (create it, or set ROUTIQ_PG_USER to an existing unprivileged user)"
            )
        }
        return try unprivileged(account)
    }

    /// The account with this name in the system's user database, or `nil`.
    package static func lookUp(_ name: String) -> ServerAccount? {
        guard let entry = getpwnam(name) else { return nil }
        return ServerAccount(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
    }

    private static func unprivileged(_ account: ServerAccount) throws -> ServerAccount {
        guard account.uid != 0 else {
            throw DatabaseError(
                .clusterSetupFailed,
                "user '\(account.name)' has user id 0 and PostgreSQL refuses to run as root: set ROUTIQ_PG_USER to an "
                    + "unprivileged user"
            )
        }
        return account
    }
}
