public import Logging
public import PostgresNIO

extension SchemaMigrator {
    /// The migration that forces row-level security and lets the writer switch to `routiq_reader`.
    static let readerRoleVersion = 5

    /// Checks that `routiq_reader`, the role every read on behalf of one organization runs as, is held by row-level
    /// security, and that the connected role can switch to it.
    ///
    /// ``migrate(client:logger:)`` runs this after migrating. Roles are cluster-wide, so someone may have altered
    /// `routiq_reader` after the migration created it: a superuser or `BYPASSRLS` reader would read every
    /// organization's rows, and a reader with the privileges of a tenant table's owner would pass that table's
    /// `owner_access` policy. Each finding stops everything with a message that names the fix.
    ///
    /// - Parameters:
    ///   - client: A running client for a database migrated to version 5 or later.
    ///   - logger: For the queries.
    /// - Throws: ``DatabaseError`` with code ``DatabaseError/Code/migrationFailed`` when `routiq_reader` is missing,
    ///   is a superuser, has `BYPASSRLS`, has a tenant table owner's privileges, or the connected role cannot
    ///   `SET ROLE` to it.
    public static func checkReaderRole(client: PostgresClient, logger: Logger) async throws {
        try await checkReaderRole(named: "routiq_reader", client: client, logger: logger)
    }

    /// ``checkReaderRole(client:logger:)`` for a role of another name (tests check throwaway roles, because roles
    /// are shared by every database of the cluster).
    static func checkReaderRole(named role: String, client: PostgresClient, logger: Logger) async throws {
        let rows = try await client.query(
            """
            SELECT r.rolsuper, r.rolbypassrls, pg_has_role(current_user, r.oid, 'MEMBER'), current_user::text,
                   (SELECT string_agg(DISTINCT pg_get_userbyid(c.relowner), ', ' ORDER BY pg_get_userbyid(c.relowner))
                    FROM pg_policies p
                    JOIN pg_namespace n ON n.nspname = p.schemaname
                    JOIN pg_class c ON c.relname = p.tablename AND c.relnamespace = n.oid
                    WHERE p.policyname = 'tenant_isolation' AND p.schemaname = current_schema()
                      AND pg_has_role(r.oid, c.relowner, 'USAGE'))
            FROM pg_roles r WHERE r.rolname = \(role)
            """,
            logger: logger
        )
        var found = false
        for try await (isSuperuser, bypassesRLS, canSwitch, user, owners)
            in rows.decode((Bool, Bool, Bool, String, String?).self)
        {
            found = true
            if isSuperuser || bypassesRLS {
                throw DatabaseError(
                    .migrationFailed,
                    "the role \(role) is \(isSuperuser ? "a superuser" : "allowed to bypass row-level security"), "
                        + "so it would read every organization's rows; as a superuser, run "
                        + "ALTER ROLE \(role) NOSUPERUSER NOBYPASSRLS;"
                )
            }
            if let owners {
                throw DatabaseError(
                    .migrationFailed,
                    "the role \(role) has the privileges of \(owners), which owns the tenant tables, so their "
                        + "owner_access policy would show it every organization's rows; revoke that membership "
                        + "(REVOKE <owner> FROM \(role);)"
                )
            }
            if !canSwitch {
                throw DatabaseError(
                    .migrationFailed,
                    "the role \(user) cannot switch to \(role) for reads; as a superuser or a role with ADMIN on "
                        + "\(role), run GRANT \(role) TO \"\(user)\";"
                )
            }
        }
        guard found else {
            throw DatabaseError(
                .migrationFailed,
                "the role \(role) does not exist; as a superuser, run "
                    + "CREATE ROLE \(role) NOLOGIN NOSUPERUSER NOBYPASSRLS; and migrate again"
            )
        }
    }
}
