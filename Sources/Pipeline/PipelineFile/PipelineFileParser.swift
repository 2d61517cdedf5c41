public import Foundation
import Yams

/// Reads pipeline files (format version 1) into ``PipelineDefinition`` values, reporting every problem at once.
///
/// The parser walks the YAML node tree rather than using `Decodable`, so that every diagnostic carries the line and
/// column of the offending key or value. It checks unknown keys (with "did you mean" suggestions), types, ranges,
/// environment interpolation, organization ids, cron expressions, time zones and the order of stages.
///
/// ```swift
/// let parser = PipelineFileParser(configuration: .init(environment: ProcessInfo.processInfo.environment))
/// let result = parser.parse(contentsOf: url)
/// for diagnostic in result.diagnostics { print(diagnostic) }
/// ```
public struct PipelineFileParser: Sendable {
    /// What the parser reads besides the file.
    public struct Configuration: Sendable {
        /// The variables `${VAR}` expands from.
        public var environment: [String: String]

        /// Creates a configuration.
        ///
        /// - Parameter environment: The variables `${VAR}` expands from; the caller passes the process
        ///   environment explicitly.
        public init(environment: [String: String]) {
            self.environment = environment
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
            file: file, interpolator: EnvironmentInterpolator(environment: configuration.environment))
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
