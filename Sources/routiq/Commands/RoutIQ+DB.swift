import ArgumentParser
import Foundation
import Load
import Logging

extension RoutIQ {
    /// `routiq db …`: the database RoutIQ uses.
    struct DB: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "db",
            abstract: "Manage RoutIQ's database (the embedded cluster, or the server in DATABASE_URL).",
            discussion: """
                Without DATABASE_URL, RoutIQ keeps a private PostgreSQL cluster in $ROUTIQ_HOME/postgres (default \
                ./.routiq/postgres), reachable only through a Unix socket in a folder only its owner can open. \
                Commands that need the database start and migrate it automatically.
                """,
            subcommands: [Start.self, Stop.self, Status.self, Migrate.self, ConnectionURL.self]
        )
    }
}

extension RoutIQ.DB {
    /// `routiq db start`.
    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Initialize (first time) and start the embedded cluster, then migrate the schema."
        )

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let environment = RuntimeEnvironment()
            let logger = options.makeLogger(environment: environment)
            let context = DatabaseContext(environment: environment)
            try await CommandFailure.reporting {
                let endpoint = try await context.endpoint(logger: logger)
                let report = try await withPostgresClient(endpoint: endpoint, logger: logger) { client in
                    try await SchemaMigrator(migrations: SchemaMigration.bundled()).migrate(
                        client: client, logger: logger)
                }
                if context.isEmbedded {
                    print(
                        "PostgreSQL is running (data: \(context.cluster.dataDirectory.path); socket: \(context.cluster.socketDirectory))"
                    )
                } else {
                    print("Using DATABASE_URL (\(endpoint.redactedDescription)); RoutIQ does not start that server.")
                }
                print("Schema version \(report.currentVersion).")
            }
        }
    }

    /// `routiq db stop`.
    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop the embedded cluster (open transactions roll back).")

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let environment = RuntimeEnvironment()
            let logger = options.makeLogger(environment: environment)
            let context = DatabaseContext(environment: environment)
            guard context.isEmbedded else {
                CommandFailure.printError("DATABASE_URL is set: RoutIQ does not manage that server")
                throw CommandFailure.invalidConfiguration
            }
            try await CommandFailure.reporting {
                let stopped = try context.cluster.stop(logger: logger)
                print(stopped ? "PostgreSQL stopped." : "PostgreSQL was not running.")
            }
        }
    }

    /// `routiq db status`.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show whether the database runs and its schema version.")

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let environment = RuntimeEnvironment()
            let logger = options.makeLogger(environment: environment)
            let context = DatabaseContext(environment: environment)
            try await CommandFailure.reporting {
                let endpoint: DatabaseEndpoint
                if context.isEmbedded {
                    let cluster = context.cluster
                    print("database: embedded cluster in \(cluster.dataDirectory.path)")
                    switch try cluster.status() {
                    case .notInitialized:
                        print("status:   not initialized (run `routiq db start`)")
                        return
                    case .stopped:
                        print("status:   stopped (run `routiq db start`)")
                        return
                    case .running(let pid):
                        print("status:   running (pid \(pid)), socket in \(cluster.socketDirectory)")
                    }
                    endpoint = cluster.endpoint
                } else {
                    endpoint = try DatabaseEndpoint(url: environment.databaseURL ?? "")
                    print("database: DATABASE_URL (\(endpoint.redactedDescription))")
                }
                let applied = try await withPostgresClient(endpoint: endpoint, logger: logger) { client in
                    try await SchemaMigrator(migrations: SchemaMigration.bundled()).appliedVersions(
                        client: client, logger: logger)
                }
                let latest = try SchemaMigration.bundled().last?.version ?? 0
                let current = applied.keys.max() ?? 0
                let state =
                    current == latest
                    ? "up to date" : "\(latest - current) migration(s) pending; run `routiq db migrate`"
                print("schema:   version \(current) (\(state))")
            }
        }
    }

    /// `routiq db migrate`.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply pending schema migrations (every command that needs the database also does this)."
        )

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let environment = RuntimeEnvironment()
            let logger = options.makeLogger(environment: environment)
            let context = DatabaseContext(environment: environment)
            try await CommandFailure.reporting {
                let endpoint = try await context.endpoint(logger: logger)
                let report = try await withPostgresClient(endpoint: endpoint, logger: logger) { client in
                    try await SchemaMigrator(migrations: SchemaMigration.bundled()).migrate(
                        client: client, logger: logger)
                }
                if report.applied.isEmpty {
                    print("Schema is up to date (version \(report.currentVersion)).")
                } else {
                    let names = report.applied.map { String(format: "%04d_%@", $0.version, $0.name) }.joined(
                        separator: ", ")
                    print(
                        "Applied \(report.applied.count) migration(s): \(names). Schema version \(report.currentVersion)."
                    )
                }
            }
        }
    }

    /// `routiq db url`.
    struct ConnectionURL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "url",
            abstract:
                "Print the connection URL, never with a password (starting and migrating the embedded cluster if needed), e.g. psql \"$(routiq db url)\".",
            discussion: """
                The embedded cluster has no password: only its owner can open its socket. When DATABASE_URL holds \
                a password, the URL is printed without it (a command line is visible to every local user), and a \
                note on standard error shows the line to put in a PostgreSQL password file (PGPASSFILE, by default \
                ~/.pgpass, mode 0600), from which psql then takes the password.
                """
        )

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let environment = RuntimeEnvironment()
            let logger = options.makeLogger(environment: environment)
            let context = DatabaseContext(environment: environment)
            try await CommandFailure.reporting {
                if let url = environment.databaseURL {
                    let printable = try Self.printable(databaseURL: url)
                    print(printable.url)
                    if let note = printable.passwordNote {
                        FileHandle.standardError.write(Data((note + "\n").utf8))
                    }
                    return
                }
                try await context.withMigratedDatabase(logger: logger) { _ in }
                print(context.cluster.endpoint.url)
            }
        }

        /// What `routiq db url` prints for a `DATABASE_URL`: the URL without its password, and when it had one, a
        /// note (for standard error) on giving psql the password through a password file.
        static func printable(databaseURL: String) throws -> (url: String, passwordNote: String?) {
            let endpoint = try DatabaseEndpoint(url: databaseURL)
            let url = try DatabaseEndpoint.removingPassword(from: databaseURL)
            guard endpoint.password != nil else { return (url, nil) }
            let note = """
                note: the password in DATABASE_URL is not printed. For psql, put this line, with the password, in a \
                password file only you can read (chmod 600), and set PGPASSFILE to that file (default ~/.pgpass):
                  \(endpoint.passwordFileLine(password: "<password>"))
                """
            return (url, note)
        }
    }
}
