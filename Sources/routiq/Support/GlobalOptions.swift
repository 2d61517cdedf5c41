import ArgumentParser
import Logging

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
