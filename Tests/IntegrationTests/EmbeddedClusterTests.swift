import Foundation
import Load
import PostgresNIO
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Each test gets its own `ROUTIQ_HOME`, so these exercise initdb, start, reuse, crash recovery and stop for real.
@Suite("Embedded PostgreSQL cluster", .serialized)
struct EmbeddedClusterTests {
    /// A cluster in a new `ROUTIQ_HOME`; with `longHome`, a path too long for a socket address, so the socket folder
    /// is the short, predictable one under `/tmp`.
    static func makeCluster(longHome: Bool = false) -> (EmbeddedCluster, URL) {
        var home = FileManager.default.temporaryDirectory.appendingPathComponent(
            "routiq-cluster-\(UUID().uuidString.prefix(8))")
        if longHome {
            home.appendPathComponent(String(repeating: "h", count: 100), isDirectory: true)
        }
        let environment = ProcessInfo.processInfo.environment
        let cluster = EmbeddedCluster(
            configuration: .init(
                home: home,
                binDirectory: environment["ROUTIQ_PG_BINDIR"],
                searchPath: environment["PATH"] ?? "/usr/bin:/bin",
                serverUser: environment["ROUTIQ_PG_USER"]
            )
        )
        return (cluster, home)
    }

    static func cleanUp(_ cluster: EmbeddedCluster, _ home: URL) {
        _ = try? cluster.stop(logger: TestDatabase.logger)
        try? FileManager.default.removeItem(at: home)
        if home.lastPathComponent.hasPrefix("hhhh") {
            try? FileManager.default.removeItem(at: home.deletingLastPathComponent())
        }
        if cluster.socketDirectory.hasPrefix("/tmp/routiq-") {
            // Removes a planted symbolic link itself, never what it points to.
            try? FileManager.default.removeItem(atPath: cluster.socketDirectory)
        }
    }

    static func lstatus(_ path: String) -> stat {
        var status = stat()
        _ = lstat(path, &status)
        return status
    }

    @Test("starts, is reused, recovers from a crash and a stale pid file, and stops")
    func lifecycle() async throws {
        let (cluster, home) = Self.makeCluster()
        defer { Self.cleanUp(cluster, home) }
        let logger = TestDatabase.logger

        #expect(try cluster.status() == .notInitialized)
        let endpoint = try await cluster.start(logger: logger)
        guard case .running(let firstPID) = try cluster.status() else {
            Issue.record("cluster is not running after start")
            return
        }

        // Unix socket only, in a folder closed to other users.
        let listen = try await withPostgresClient(endpoint: endpoint, logger: logger) { client in
            let rows = try await client.query("SHOW listen_addresses", logger: logger)
            for try await (value) in rows.decode(String.self) { return value }
            return "?"
        }
        #expect(listen == "")
        let socketPermissions =
            try FileManager.default.attributesOfItem(atPath: cluster.socketDirectory)[.posixPermissions] as? Int
        #expect(socketPermissions == 0o700)

        // Reused: a second start leaves the same server running.
        try await cluster.start(logger: logger)
        #expect(try cluster.status() == .running(pid: firstPID))

        // A crash (SIGKILL of the postmaster) leaves postmaster.pid behind; the next start recovers.
        kill(firstPID, SIGKILL)
        try await waitUntilGone(firstPID)
        #expect(
            FileManager.default.fileExists(atPath: cluster.dataDirectory.appendingPathComponent("postmaster.pid").path))
        try await cluster.start(logger: logger)
        guard case .running(let secondPID) = try cluster.status() else {
            Issue.record("cluster did not restart after a crash")
            return
        }
        #expect(secondPID != firstPID)

        // A stale pid file naming a process that does not exist is removed.
        #expect(try cluster.stop(logger: logger))
        #expect(try cluster.status() == .stopped)
        let pidFile = cluster.dataDirectory.appendingPathComponent("postmaster.pid")
        try "999999\n\(cluster.dataDirectory.path)\n".write(to: pidFile, atomically: true, encoding: .utf8)
        try await cluster.start(logger: logger)
        guard case .running = try cluster.status() else {
            Issue.record("cluster did not start over a stale pid file")
            return
        }

        #expect(try cluster.stop(logger: logger))
        #expect(try cluster.status() == .stopped)
        #expect(try cluster.stop(logger: logger) == false)
    }

    @Test("two starts at once share one cluster")
    func concurrentStarts() async throws {
        let (cluster, home) = Self.makeCluster()
        defer { Self.cleanUp(cluster, home) }
        let logger = TestDatabase.logger
        let endpoints = try await withThrowingTaskGroup(of: DatabaseEndpoint.self) { group in
            for _ in 0..<2 { group.addTask { try await cluster.start(logger: logger) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(endpoints.count == 2)
        #expect(endpoints[0] == endpoints[1])
        guard case .running = try cluster.status() else {
            Issue.record("cluster is not running")
            return
        }
    }

    @Test("with no server programs anywhere, the error says how to install PostgreSQL")
    func missingBinaries() throws {
        let error = #expect(throws: DatabaseError.self) {
            try PostgresBinaries.locate(explicitDirectory: nil, searchPath: "/nonexistent/bin", fallbackDirectories: [])
        }
        #expect(error?.code == .postgresNotInstalled)
        #expect(error?.message.contains("apt-get install -y postgresql") == true)
        #expect(error?.message.contains("brew install postgresql") == true)
        #expect(error?.message.contains("DATABASE_URL") == true)
        let explicit = #expect(throws: DatabaseError.self) {
            try PostgresBinaries.locate(explicitDirectory: "/nonexistent/bin", searchPath: "")
        }
        #expect(explicit?.message.contains("ROUTIQ_PG_BINDIR") == true)
    }

    @Test("a symbolic link planted at the short socket path under /tmp is refused, and its target is untouched")
    func plantedSocketLink() async throws {
        let (cluster, home) = Self.makeCluster(longHome: true)
        defer { Self.cleanUp(cluster, home) }
        let socketDirectory = cluster.socketDirectory
        #expect(socketDirectory.hasPrefix("/tmp/routiq-"))
        // The attacker's target stands in for /etc: a folder of root's (or the tester's), mode 0755, with a file.
        let target = FileManager.default.temporaryDirectory.appendingPathComponent(
            "routiq-target-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: target) }
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        chmod(target.path, 0o755)
        try Data("root:x:0:0".utf8).write(to: target.appendingPathComponent("passwd"))
        try FileManager.default.createSymbolicLink(atPath: socketDirectory, withDestinationPath: target.path)
        let before = Self.lstatus(target.path)

        let error = await #expect(throws: DatabaseError.self) { try await cluster.start(logger: TestDatabase.logger) }
        #expect(error?.code == .clusterSetupFailed)
        #expect(error?.message.contains(socketDirectory) == true)
        #expect(error?.message.contains("symbolic link") == true)

        let after = Self.lstatus(target.path)
        #expect(after.st_uid == before.st_uid)
        #expect(after.st_gid == before.st_gid)
        #expect(after.st_mode == before.st_mode)
        #expect(Self.lstatus(socketDirectory).st_mode & S_IFMT == S_IFLNK)
        #expect(try String(contentsOf: target.appendingPathComponent("passwd"), encoding: .utf8) == "root:x:0:0")
        #expect(try cluster.status() == .notInitialized)
    }

    @Test("an existing socket folder with a wider mode, or (as root) the wrong owner, is refused and left as it was")
    func foreignSocketFolder() async throws {
        let (cluster, home) = Self.makeCluster(longHome: true)
        defer { Self.cleanUp(cluster, home) }
        let socketDirectory = cluster.socketDirectory
        #expect(socketDirectory.hasPrefix("/tmp/routiq-"))
        try FileManager.default.createDirectory(atPath: socketDirectory, withIntermediateDirectories: false)
        chmod(socketDirectory, 0o755)

        let wide = await #expect(throws: DatabaseError.self) { try await cluster.start(logger: TestDatabase.logger) }
        #expect(wide?.message.contains(socketDirectory) == true)
        #expect(wide?.message.contains("its mode is 0755, not 0700") == true)
        #expect(Self.lstatus(socketDirectory).st_mode & 0o7777 == 0o755)

        // As root the folder must belong to the server's user; one made by root is not it. (Without root, a folder
        // of another user cannot be made here; PrivateDirectoryTests covers that check with a stand-in owner.)
        if geteuid() == 0 {
            chmod(socketDirectory, 0o700)
            let foreign = await #expect(throws: DatabaseError.self) {
                try await cluster.start(logger: TestDatabase.logger)
            }
            #expect(foreign?.message.contains(socketDirectory) == true)
            #expect(foreign?.message.contains("it belongs to user 'root'") == true)
            #expect(Self.lstatus(socketDirectory).st_uid == 0)
        }
        #expect(try cluster.status() == .notInitialized)
    }

    @Test("a data folder with files but no PG_VERSION is refused and kept; an empty one is initialized")
    func strayDataFolder() async throws {
        let (cluster, home) = Self.makeCluster()
        defer { Self.cleanUp(cluster, home) }
        let stray = cluster.dataDirectory.appendingPathComponent("notes.txt")
        try FileManager.default.createDirectory(at: cluster.dataDirectory, withIntermediateDirectories: true)
        try Data("not a cluster".utf8).write(to: stray)

        let error = await #expect(throws: DatabaseError.self) { try await cluster.start(logger: TestDatabase.logger) }
        #expect(error?.code == .clusterSetupFailed)
        #expect(error?.message.contains(cluster.dataDirectory.path) == true)
        #expect(error?.message.contains("no PG_VERSION") == true)
        #expect(error?.message.contains("remove it by hand") == true)
        #expect(try String(contentsOf: stray, encoding: .utf8) == "not a cluster")

        try FileManager.default.removeItem(at: stray)
        try await cluster.start(logger: TestDatabase.logger)
        guard case .running = try cluster.status() else {
            Issue.record("an empty data folder was not initialized and started")
            return
        }
    }

    private func waitUntilGone(_ pid: pid_t) async throws {
        for _ in 0..<100 {
            if kill(pid, 0) != 0 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
