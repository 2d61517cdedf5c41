import ArgumentParser
import Logging

/// How log lines are written to standard error.
enum LogFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json
}

/// A command whose shared options decide how `main` sets up logging.
protocol LoggingCommand {
    var options: GlobalOptions { get }

    /// The log format without `--log-format`: text, except for `serve`, whose access log is one JSON object a line.
    static var defaultLogFormat: LogFormat { get }
}

extension LoggingCommand {
    static var defaultLogFormat: LogFormat { .text }

    /// `--log-format`, else the command's default.
    var logFormat: LogFormat { options.logFormat ?? Self.defaultLogFormat }
}

/// Options every command accepts.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Log level: trace, debug, info, notice, warning, error or critical. Overrides LOG_LEVEL; info by default.",
            valueName: "level"
        )
    )
    var logLevel: String?

    @Option(
        help: ArgumentHelp(
            "Log line format: text (human-readable) or json (one JSON object per event, for log collectors); "
                + "text by default, json for serve.",
            valueName: "format"
        )
    )
    var logFormat: LogFormat?

    func validate() throws {
        if let logLevel, Logger.Level(rawValue: logLevel.lowercased()) == nil {
            throw ValidationError(
                "unknown log level '\(logLevel)'; use trace, debug, info, notice, warning, error or critical")
        }
    }

    /// A logger for one command, at the level from `--log-level`, else `LOG_LEVEL`, else info.
    func makeLogger(environment: RuntimeEnvironment, label: String = "routiq") -> Logger {
        var logger = Logger(label: label)
        let level = (logLevel ?? environment.logLevel).flatMap { Logger.Level(rawValue: $0.lowercased()) }
        logger.logLevel = level ?? .info
        return logger
    }
}

extension RoutIQ.Run: LoggingCommand {}
extension RoutIQ.Schedule: LoggingCommand {}
extension RoutIQ.Report: LoggingCommand {}
extension RoutIQ.History: LoggingCommand {}
extension RoutIQ.DB.Start: LoggingCommand {}
extension RoutIQ.DB.Stop: LoggingCommand {}
extension RoutIQ.DB.Status: LoggingCommand {}
extension RoutIQ.DB.Migrate: LoggingCommand {}
extension RoutIQ.DB.ConnectionURL: LoggingCommand {}
extension RoutIQ.Orgs.Add: LoggingCommand {}
extension RoutIQ.Orgs.List: LoggingCommand {}
extension RoutIQ.Orgs.Show: LoggingCommand {}
extension RoutIQ.Orgs.SetCredential: LoggingCommand {}
extension RoutIQ.Orgs.RemoveCredential: LoggingCommand {}
extension RoutIQ.Vault.Rotate: LoggingCommand {}
extension RoutIQ.Quarantine.List: LoggingCommand {}
extension RoutIQ.Serve: LoggingCommand {
    static var defaultLogFormat: LogFormat { .json }
}
