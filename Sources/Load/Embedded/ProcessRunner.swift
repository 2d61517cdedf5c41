import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs helper programs (`initdb`, `pg_ctl`, `pg_config`) and captures their output.
///
/// Uses `posix_spawn` and `waitpid` directly rather than Foundation's `Process`: `pg_ctl start` leaves a server
/// running that inherits the spawned process's descriptors, and `Process` would wait for those to close, which
/// never happens. Output goes to a temporary file rather than a pipe for the same reason, and so it cannot fill up
/// and deadlock.
package struct ProcessRunner: Sendable {
    /// What a finished program left behind.
    package struct Outcome: Sendable {
        /// The exit status (128 + signal number when killed by a signal).
        package var status: Int32
        /// Standard output and standard error, interleaved.
        package var output: String
        /// Whether the program exited with status 0.
        package var succeeded: Bool { status == 0 }
    }

    /// When set, programs run as this user (through `runuser`), because PostgreSQL refuses to run as root.
    package var user: String?
    /// The environment given to programs.
    package var environment: [String: String]

    package init(user: String? = nil, environment: [String: String]) {
        self.user = user
        self.environment = environment
    }

    /// Runs a program to completion.
    ///
    /// - Parameters:
    ///   - executable: The program's absolute path.
    ///   - arguments: Its arguments (never secrets: argv is visible to every user).
    /// - Returns: Its status and output.
    /// - Throws: ``DatabaseError`` when the program cannot be started at all.
    package func run(_ executable: String, _ arguments: [String]) throws -> Outcome {
        let argv: [String] =
            user.map { [Self.runuserPath, "-u", $0, "--", executable] + arguments } ?? [executable] + arguments
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent(
            "routiq-\(UUID().uuidString).out"
        ).path
        defer { unlink(outputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in cArguments { free(pointer) }
            for pointer in cEnvironment { free(pointer) }
        }
        var pid = pid_t()
        let spawnStatus = posix_spawn(&pid, argv[0], &actions, nil, cArguments, cEnvironment)
        guard spawnStatus == 0 else {
            throw DatabaseError(.clusterSetupFailed, "cannot run \(argv[0]) (error \(spawnStatus))")
        }
        var waitStatus: Int32 = 0
        while waitpid(pid, &waitStatus, 0) < 0 {
            guard errno == EINTR else {
                throw DatabaseError(.clusterSetupFailed, "cannot wait for \(argv[0]) (errno \(errno))")
            }
        }
        let output = FileManager.default.contents(atPath: outputPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return Outcome(status: Self.exitStatus(waitStatus), output: output)
    }

    private static func exitStatus(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// `runuser` from util-linux, which switches user without a password or a login shell.
    static var runuserPath: String {
        ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
            ?? "/usr/sbin/runuser"
    }
}
