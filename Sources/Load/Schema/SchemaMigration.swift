import Crypto
import Foundation

/// One versioned schema change: a SQL file `NNNN_name.sql` shipped inside the `Load` module.
public struct SchemaMigration: Sendable, Hashable {
    /// The version, from the file name's number.
    public var version: Int
    /// The name, from the file name after the number.
    public var name: String
    /// The SQL, run with the simple query protocol (several statements allowed).
    public var sql: String
    /// The SHA-256 of the file, hex; recorded when applied and compared on every later start.
    public var checksum: String

    /// Creates a migration, computing its checksum.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The migrations shipped with RoutIQ, in version order.
    ///
    /// - Throws: ``DatabaseError`` when the resource folder is missing or a file name is malformed.
    public static func bundled() throws -> [SchemaMigration] {
        guard let folder = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw DatabaseError(.migrationFailed, "the migration files are missing from the installation")
        }
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
        var migrations: [SchemaMigration] = []
        for file in files {
            let stem = file.deletingPathExtension().lastPathComponent
            let parts = stem.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, let version = Int(parts[0]) else {
                throw DatabaseError(
                    .migrationFailed, "migration file \(file.lastPathComponent) is not named NNNN_name.sql")
            }
            let sql = try String(contentsOf: file, encoding: .utf8)
            migrations.append(SchemaMigration(version: version, name: String(parts[1]), sql: sql))
        }
        return migrations.sorted { $0.version < $1.version }
    }
}
