import ArgumentParser
import Foundation
import Logging

/// The `routiq` command: RoutIQ's batch ETL pipeline, its database and its tools.
@main
struct RoutIQ: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routiq",
        abstract: "Clinic data pipeline: Cliniko, Chatwoot and Clerk into PostgreSQL, with reports.",
        discussion: """
            Pipelines are YAML files (see docs/pipelines.md). With no DATABASE_URL, RoutIQ runs its own private \
            PostgreSQL cluster under $ROUTIQ_HOME (default ./.routiq).

            Exit codes: 0 success; 1 some organization failed; 2 invalid configuration or usage; 3 could not start \
            (database unreachable, PostgreSQL missing, lock or setup failure).
            """,
        version: "0.1.0",
        subcommands: [
            Run.self, Report.self, Validate.self, DB.self, Orgs.self, Vault.self, History.self, Quarantine.self,
            Phone.self, SandboxCommand.self, Serve.self, Schedule.self,
        ]
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
            let format = (command as? any LoggingCommand)?.logFormat ?? .text
            let display = (command as? Run).flatMap {
                TerminalProgressDisplay.makeForStandardError(
                    title: $0.pipeline, format: format, environment: RuntimeEnvironment())
            }
            LoggingSystem.bootstrap { label in
                switch format {
                case .text: display?.makeLogHandler(label: label) ?? StreamLogHandler.standardError(label: label)
                case .json: JSONLogHandler(label: label)
                }
            }
            if let run = command as? Run, let display {
                try await run.run(display: display)
            } else if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // DESIGN §4: usage errors exit with 2, not argument-parser's default of 64.
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(CommandFailure.invalidConfiguration.rawValue)
            }
            exit(withError: error)
        }
    }
}
