public import Foundation
public import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// RoutIQ's private PostgreSQL cluster under `$ROUTIQ_HOME/postgres`, used when no `DATABASE_URL` is set.
///
/// The cluster is created with `initdb` on first use and started with `pg_ctl`; later commands reuse it. It listens
/// only on a Unix socket in a folder only its owner can open (`listen_addresses = ''`), so there is no TCP access at
/// all. A file lock serializes concurrent starts, and a `postmaster.pid` left by a crashed server is recognised and
/// removed.
///
/// PostgreSQL refuses to run as root. When RoutIQ runs as root (as CI does), the server runs as an unprivileged user
/// (``Configuration/serverUser``, `postgres` by default, with no other fallback) through `runuser`, and the cluster's
/// folders are given to that user.
///
/// - Important: Every folder is created or checked without following symbolic links, and an existing socket folder
///   is used only when it is already private (see ``socketDirectory``). A data folder that holds files but no
///   `PG_VERSION` is never deleted: starting stops and says so.
public struct EmbeddedCluster: Sendable {
    /// Where the cluster lives and how it runs.
    public struct Configuration: Sendable {
        /// `ROUTIQ_HOME`: the folder holding `postgres/`, `run/`, `log/` and `credentials.key`.
        public var home: URL
        /// A folder with `initdb` and `pg_ctl` (`ROUTIQ_PG_BINDIR`); searched for when `nil` (the default).
        public var binDirectory: String?
        /// The `PATH` to search for the server programs.
        public var searchPath: String
        /// The user the server runs as when RoutIQ runs as root (`ROUTIQ_PG_USER`); `postgres` by default. When
        /// neither exists, starting fails and says to create a `postgres` user or set `ROUTIQ_PG_USER`. Ignored for
        /// other users, whose own account runs the server.
        public var serverUser: String?
        /// The superuser role and database RoutIQ uses; `routiq` by default.
        public var databaseName: String
        /// The port number, which names the socket file; 5432 by default (nothing listens on TCP).
        public var port: Int

        /// Creates a configuration.
        public init(
            home: URL,
            binDirectory: String? = nil,
            searchPath: String = "/usr/local/bin:/usr/bin:/bin",
            serverUser: String? = nil,
            databaseName: String = "routiq",
            port: Int = 5432
        ) {
            self.home = home.standardizedFileURL
            self.binDirectory = binDirectory
            self.searchPath = searchPath
            self.serverUser = serverUser
            self.databaseName = databaseName
            self.port = port
        }
    }

    /// Whether the cluster exists and runs.
    public enum Status: Sendable, Hashable {
        /// `initdb` has not run yet.
        case notInitialized
        /// Initialized, not running.
        case stopped
        /// Running with this postmaster process id.
        case running(pid: Int32)
    }

    /// The configuration.
    public let configuration: Configuration

    /// Creates a handle; nothing happens on disk until ``start(logger:)``.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// The data directory, `$ROUTIQ_HOME/postgres`.
    public var dataDirectory: URL { configuration.home.appendingPathComponent("postgres", isDirectory: true) }

    /// The server log, `$ROUTIQ_HOME/log/postgres.log`.
    public var logFile: URL { configuration.home.appendingPathComponent("log/postgres.log") }

    /// The folder holding the socket: `$ROUTIQ_HOME/run`, or a short folder under `/tmp` when that path is too long
    /// for a Unix socket address (about 100 bytes).
    ///
    /// ``start(logger:)`` creates either folder with `mkdir` (mode 0700, no intermediate folders) and accepts an
    /// existing one only when it is a real folder, owned by the server's user, with mode exactly 0700; it refuses
    /// anything else (a symbolic link, another owner, a wider mode) and never changes it. This matters for the folder
    /// under `/tmp`, whose predictable name another local user could claim first.
    public var socketDirectory: String {
        let preferred = configuration.home.appendingPathComponent("run").path
        if (preferred + "/.s.PGSQL.\(configuration.port)").utf8.count <= 100 { return preferred }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in configuration.home.path.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return "/tmp/routiq-\(String(hash, radix: 16))"
    }

    /// How to connect to the cluster's RoutIQ database (it may not be running).
    public var endpoint: DatabaseEndpoint {
        DatabaseEndpoint(
            address: .socket(directory: socketDirectory, port: configuration.port),
            username: configuration.databaseName,
            database: configuration.databaseName,
            tls: .disable
        )
    }

    /// The user the server runs as, or `nil` to run it as the current user (when RoutIQ does not run as root).
    ///
    /// - Throws: ``DatabaseError/Code/clusterSetupFailed`` when RoutIQ runs as root and neither
    ///   ``Configuration/serverUser`` nor `postgres` names an existing unprivileged user.
    public var effectiveServerUser: String? {
        get throws { try serverAccount()?.name }
    }

    /// Whether the cluster is initialized and running.
    public func status() throws -> Status {
        guard FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path) else {
            return .notInitialized
        }
        let binaries = try PostgresBinaries.locate(
            explicitDirectory: configuration.binDirectory, searchPath: configuration.searchPath)
        let outcome = try makeRunner().run(binaries.pgCtl, ["status", "-D", dataDirectory.path])
        guard outcome.succeeded, let pid = Self.postmasterPID(in: dataDirectory) else { return .stopped }
        return .running(pid: pid)
    }

    /// Initializes the cluster if needed, starts it if it is not running, and creates the RoutIQ database.
    ///
    /// Safe to call from several processes at once. Recovers from a stale `postmaster.pid`.
    ///
    /// - Parameter logger: Receives progress at debug level and the one-time initialization at info level.
    /// - Returns: The endpoint of the RoutIQ database.
    /// - Throws: ``DatabaseError`` saying what failed and what to do.
    @discardableResult
    public func start(logger: Logger) async throws -> DatabaseEndpoint {
        try prepareHome()
        try FileLock.withExclusiveLock(at: configuration.home.appendingPathComponent("cluster.lock").path) {
            let binaries = try PostgresBinaries.locate(
                explicitDirectory: configuration.binDirectory, searchPath: configuration.searchPath)
            try prepareSocketDirectory()
            if try status() == .notInitialized {
                try initialize(binaries: binaries, logger: logger)
            }
            if case .running = try status() {
                logger.debug(
                    "embedded PostgreSQL already running", metadata: ["routiq.data_dir": "\(dataDirectory.path)"])
                return
            }
            removeStaleLockFiles(logger: logger)
            let outcome = try makeRunner().run(
                binaries.pgCtl,
                ["start", "-D", dataDirectory.path, "-l", logFile.path, "-w", "-t", "60", "-s"]
            )
            guard outcome.succeeded else {
                throw DatabaseError(
                    .clusterStartFailed,
                    "could not start the embedded PostgreSQL in \(dataDirectory.path): \(outcome.output.trimmed)\n\(logTail())"
                )
            }
            logger.debug("embedded PostgreSQL started", metadata: ["routiq.data_dir": "\(dataDirectory.path)"])
        }
        let administrator = DatabaseAdministrator(endpoint: endpoint.with(database: "postgres"))
        try await administrator.createDatabaseIfNeeded(named: configuration.databaseName, logger: logger)
        return endpoint
    }

    /// Stops the cluster (fast shutdown: open transactions roll back). Does nothing when it is not running.
    ///
    /// - Returns: Whether a running server was stopped.
    @discardableResult
    public func stop(logger: Logger) throws -> Bool {
        guard case .running = try status() else { return false }
        let binaries = try PostgresBinaries.locate(
            explicitDirectory: configuration.binDirectory, searchPath: configuration.searchPath)
        let outcome = try makeRunner().run(
            binaries.pgCtl, ["stop", "-D", dataDirectory.path, "-m", "fast", "-w", "-t", "60", "-s"])
        guard outcome.succeeded else {
            throw DatabaseError(
                .clusterStartFailed, "could not stop the embedded PostgreSQL: \(outcome.output.trimmed)")
        }
        logger.debug("embedded PostgreSQL stopped", metadata: ["routiq.data_dir": "\(dataDirectory.path)"])
        return true
    }

    // MARK: Internals

    /// Who runs the server: `nil` unless RoutIQ runs as root.
    func serverAccount() throws -> ServerAccount? {
        try ServerAccount.resolve(
            isRoot: geteuid() == 0, configured: configuration.serverUser, lookUp: ServerAccount.lookUp)
    }

    private func makeRunner() throws -> ProcessRunner {
        ProcessRunner(
            user: try serverAccount()?.name,
            environment: ["PATH": configuration.searchPath, "LC_ALL": "C", "LANG": "C"]
        )
    }

    private func initialize(binaries: PostgresBinaries, logger: Logger) throws {
        let socketDirectory = self.socketDirectory
        guard !socketDirectory.contains("'"), !dataDirectory.path.contains("'") else {
            throw DatabaseError(.clusterSetupFailed, "ROUTIQ_HOME must not contain a quote character")
        }
        logger.info(
            "initializing the embedded PostgreSQL cluster",
            metadata: ["routiq.data_dir": "\(dataDirectory.path)", "routiq.bin_dir": "\(binaries.directory)"]
        )
        try prepareDataDirectory()
        try prepareLogDirectory()
        let runner = try makeRunner()
        if let user = runner.user {
            let probe = try runner.run("/usr/bin/test", ["-w", dataDirectory.path])
            guard probe.succeeded else {
                throw DatabaseError(
                    .clusterSetupFailed,
                    "PostgreSQL refuses to run as root, so it runs as user '\(user)', which cannot reach \(dataDirectory.path) "
                        + "(a parent folder is closed to other users). Set ROUTIQ_HOME to a folder it can reach, "
                        + "e.g. ROUTIQ_HOME=/var/tmp/routiq, or set DATABASE_URL."
                )
            }
        }
        let outcome = try runner.run(
            binaries.initdb,
            [
                "-D", dataDirectory.path, "-U", configuration.databaseName, "--auth-local=trust",
                "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions",
            ]
        )
        guard outcome.succeeded else {
            throw DatabaseError(.clusterSetupFailed, "initdb failed: \(outcome.output.trimmed)")
        }
        let settings = """

            # Added by RoutIQ: private cluster, Unix socket only.
            listen_addresses = ''
            port = \(configuration.port)
            unix_socket_directories = '\(socketDirectory)'
            unix_socket_permissions = 0700
            max_connections = 200
            log_min_messages = warning
            log_line_prefix = '%m [%p] '

            """
        do {
            let handle = try FileHandle(forWritingTo: dataDirectory.appendingPathComponent("postgresql.conf"))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(settings.utf8))
        } catch {
            throw DatabaseError(.clusterSetupFailed, "cannot write postgresql.conf: \(error.localizedDescription)")
        }
    }

    /// Removes `postmaster.pid` and the socket lock file when the process they name is gone (a crash or a power
    /// cut) or is no longer a PostgreSQL server (the id was reused).
    private func removeStaleLockFiles(logger: Logger) {
        let candidates = [
            dataDirectory.appendingPathComponent("postmaster.pid").path,
            socketDirectory + "/.s.PGSQL.\(configuration.port).lock",
        ]
        for path in candidates {
            guard let pid = Self.firstLineInteger(atPath: path), !Self.isPostgresProcess(pid) else { continue }
            logger.warning(
                "removing a stale PostgreSQL lock file", metadata: ["routiq.path": "\(path)", "routiq.pid": "\(pid)"])
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    static func postmasterPID(in dataDirectory: URL) -> Int32? {
        firstLineInteger(atPath: dataDirectory.appendingPathComponent("postmaster.pid").path)
    }

    private static func firstLineInteger(atPath path: String) -> Int32? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let firstLine = String(decoding: data, as: UTF8.self).split(separator: "\n").first ?? ""
        return Int32(firstLine.trimmingCharacters(in: .whitespaces))
    }

    private static func isPostgresProcess(_ pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        #if os(Linux)
            guard let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8) else { return true }
            return comm.hasPrefix("postgres") || comm.hasPrefix("postmaster")
        #else
            return true
        #endif
    }

    private func logTail() -> String {
        guard let data = FileManager.default.contents(atPath: logFile.path) else { return "" }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(8)
        return "Server log (\(logFile.path)):\n" + lines.joined(separator: "\n")
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
