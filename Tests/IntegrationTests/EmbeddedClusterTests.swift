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
    static func makeCluster() -> (EmbeddedCluster, URL) {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent(
            "routiq-cluster-\(UUID().uuidString.prefix(8))")
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

    private func waitUntilGone(_ pid: pid_t) async throws {
        for _ in 0..<100 {
            if kill(pid, 0) != 0 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
