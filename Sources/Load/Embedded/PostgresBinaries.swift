import Foundation

/// Finds the PostgreSQL server programs (`initdb`, `pg_ctl`).
package struct PostgresBinaries: Sendable, Hashable {
    /// The folder holding `initdb`, `pg_ctl` and `postgres`.
    package var directory: String

    package var initdb: String { directory + "/initdb" }
    package var pgCtl: String { directory + "/pg_ctl" }

    /// Looks for the server programs.
    ///
    /// The search order is: an explicit folder (`ROUTIQ_PG_BINDIR`), every folder on `PATH`, `pg_config --bindir`,
    /// then the newest `/usr/lib/postgresql/*/bin` and the usual Homebrew and Postgres.app folders.
    ///
    /// - Parameters:
    ///   - explicitDirectory: A folder the user named; searched alone when set.
    ///   - searchPath: The `PATH` value to search.
    /// - Throws: ``DatabaseError`` with code ``DatabaseError/Code/postgresNotInstalled`` and install instructions.
    ///   - fallbackDirectories: Folders tried last; the standard install locations when `nil` (the default).
    package static func locate(
        explicitDirectory: String?,
        searchPath: String,
        fallbackDirectories: [String]? = nil
    ) throws -> PostgresBinaries {
        if let explicitDirectory {
            guard isComplete(explicitDirectory) else {
                throw DatabaseError(
                    .postgresNotInstalled,
                    "ROUTIQ_PG_BINDIR=\(explicitDirectory) does not contain initdb and pg_ctl"
                )
            }
            return PostgresBinaries(directory: explicitDirectory)
        }
        for directory in searchPath.split(separator: ":").map(String.init) where isComplete(directory) {
            return PostgresBinaries(directory: directory)
        }
        for directory in searchPath.split(separator: ":").map(String.init) {
            let pgConfig = directory + "/pg_config"
            guard FileManager.default.isExecutableFile(atPath: pgConfig),
                let outcome = try? ProcessRunner(environment: [:]).run(pgConfig, ["--bindir"]), outcome.succeeded
            else { continue }
            let bindir = outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)
            if isComplete(bindir) { return PostgresBinaries(directory: bindir) }
        }
        if let directory = (fallbackDirectories ?? standardDirectories).first(where: isComplete) {
            return PostgresBinaries(directory: directory)
        }
        throw DatabaseError(.postgresNotInstalled, notInstalledMessage)
    }

    /// The newest `/usr/lib/postgresql/*/bin` (Debian, Ubuntu), then Homebrew and Postgres.app.
    package static var standardDirectories: [String] {
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init)
            .sorted(by: >)
        return versions.map { "/usr/lib/postgresql/\($0)/bin" }
            + ["/opt/homebrew/bin", "/usr/local/bin", "/Applications/Postgres.app/Contents/Versions/latest/bin"]
    }

    /// The message shown when no server is installed.
    package static let notInstalledMessage = """
        PostgreSQL server programs (initdb, pg_ctl) were not found on PATH, through pg_config, or under \
        /usr/lib/postgresql/*/bin. Install the PostgreSQL server (Debian/Ubuntu: `apt-get install -y postgresql`; \
        macOS: `brew install postgresql`), or set DATABASE_URL to use an existing server.
        """

    private static func isComplete(_ directory: String) -> Bool {
        let manager = FileManager.default
        return manager.isExecutableFile(atPath: directory + "/initdb")
            && manager.isExecutableFile(atPath: directory + "/pg_ctl")
    }
}
