public import Foundation
import Yams

/// Reads pipeline files (format version 1) into ``PipelineDefinition`` values, reporting every problem at once.
///
/// The parser walks the YAML node tree rather than using `Decodable`, so that every diagnostic carries the line and
/// column of the offending key or value. It checks unknown keys (with "did you mean" suggestions), types, ranges,
/// environment interpolation, organization ids, cron expressions, time zones and the order of stages.
///
/// Secret environment variables are never interpolated (see ``Configuration/secretVariables``), `base_url` must be
/// `https` except to a loopback host, and diagnostics quote values only as written in the file (`${NAME}`), never
/// what a variable expanded to.
///
/// ```swift
/// let parser = PipelineFileParser(configuration: .init(environment: ProcessInfo.processInfo.environment))
/// let result = parser.parse(contentsOf: url)
/// for diagnostic in result.diagnostics { print(diagnostic) }
/// ```
public struct PipelineFileParser: Sendable {
    /// What the parser reads besides the file.
    public struct Configuration: Sendable {
        /// The environment variable that lists further secret variables, separated by commas or spaces
        /// (`ROUTIQ_SECRET_VARIABLES=CLINIKO_KEY_ORG_A,CHATWOOT_BOT`), so operators can add names without code.
        public static let secretVariablesListName = "ROUTIQ_SECRET_VARIABLES"

        /// The variables `${VAR}` expands from.
        public var environment: [String: String]

        /// Names of variables that hold secrets and must never be expanded into a pipeline file, besides the
        /// built-in ones.
        ///
        /// Referencing a secret variable is an error at its position, whatever its value. Always refused:
        /// `CREDENTIALS_ENCRYPTION_KEY`, `DATABASE_URL`, `PGPASSWORD`, `PGPASSFILE`; any name with a word part that is
        /// or ends with `KEY`, `SECRET`, `TOKEN`, `PASSWORD`, `PASSWD`, `PASS` or `CREDENTIAL` (so `CLINIKO_API_KEY`
        /// and `ClerkSecretKey` are refused; see `docs/pipelines.md`); the names listed in the environment's
        /// ``secretVariablesListName``; and these. Callers add the names they know hold secrets, such as the
        /// variables passed to `routiq orgs set-credential --from-env`.
        public var secretVariables: Set<String>

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - environment: The variables `${VAR}` expands from; the caller passes the process environment
        ///     explicitly.
        ///   - secretVariables: Further names of variables that hold secrets. Empty by default.
        public init(environment: [String: String], secretVariables: Set<String> = []) {
            self.environment = environment
            self.secretVariables = secretVariables
        }

        /// Every secret name besides the built-in rule: ``secretVariables`` plus the environment's list.
        var allSecretVariables: Set<String> {
            let listed = environment[Self.secretVariablesListName, default: ""]
                .split(whereSeparator: { $0 == "," || $0.isWhitespace })
                .map(String.init)
            return secretVariables.union(listed)
        }
    }

    /// The outcome of parsing one file.
    public struct Result: Sendable {
        /// The definition, present only when there is no error.
        public var definition: PipelineDefinition?
        /// Every problem found, in file order.
        public var diagnostics: [Diagnostic]

        /// Whether the file can be run.
        public var isValid: Bool { definition != nil }
    }

    /// The configuration this parser was created with.
    public let configuration: Configuration

    /// Creates a parser.
    ///
    /// - Parameter configuration: The environment to interpolate from.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Reads and parses a file.
    ///
    /// - Parameters:
    ///   - url: The file to read.
    ///   - displayName: The name used in diagnostics; the path as given by default.
    /// - Returns: The definition or the diagnostics. An unreadable file is one diagnostic at 1:1.
    public func parse(contentsOf url: URL, displayName: String? = nil) -> Result {
        let name = displayName ?? url.relativePath
        let text: String
        do {
            let data = try Data(contentsOf: url)
            guard let decoded = String(data: data, encoding: .utf8) else {
                return Result(diagnostics: [
                    Diagnostic(file: name, location: .start, message: "file is not valid UTF-8")
                ])
            }
            text = decoded
        } catch {
            let reason = (error as? CocoaError)?.code == .fileReadNoSuchFile ? "no such file" : "cannot read the file"
            return Result(diagnostics: [Diagnostic(file: name, location: .start, message: reason)])
        }
        return parse(text: text, file: name)
    }

    /// Parses pipeline-file text.
    ///
    /// - Parameters:
    ///   - text: The YAML text.
    ///   - file: The name used in diagnostics.
    /// - Returns: The definition or the diagnostics.
    public func parse(text: String, file: String) -> Result {
        let reader = PipelineNodeReader(
            file: file,
            interpolator: EnvironmentInterpolator(
                environment: configuration.environment, secretVariables: configuration.allSecretVariables))
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            return Result(diagnostics: [reader.syntaxDiagnostic(for: error)])
        }
        let definition = reader.readPipeline(root)
        let diagnostics = reader.diagnostics.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
        let hasErrors = diagnostics.contains { $0.severity == .error }
        return Result(definition: hasErrors ? nil : definition, diagnostics: diagnostics)
    }
}
