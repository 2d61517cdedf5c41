import Foundation
import Yams

/// Walks one pipeline file's YAML nodes, building the model and collecting diagnostics.
///
/// A reference type used by one ``PipelineFileParser/parse(text:file:)`` call only; never shared.
final class PipelineNodeReader {
    let file: String
    let interpolator: EnvironmentInterpolator
    private(set) var diagnostics: [Diagnostic] = []
    /// Whether some stage could not be read at all; order checks then skip conclusions drawn from its absence.
    var hasUnreadableStages = false

    init(file: String, interpolator: EnvironmentInterpolator) {
        self.file = file
        self.interpolator = interpolator
    }

    // MARK: Diagnostics

    func error(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(file: file, location: location, message: message))
    }

    func location(of node: Node) -> SourceLocation {
        guard let mark = node.mark else { return .start }
        return SourceLocation(line: mark.line, column: mark.column)
    }

    func syntaxDiagnostic(for error: any Error) -> Diagnostic {
        switch error {
        case YamlError.scanner(_, let problem, let mark, _),
            YamlError.parser(_, let problem, let mark, _),
            YamlError.composer(_, let problem, let mark, _):
            return Diagnostic(
                file: file,
                location: SourceLocation(line: mark.line, column: mark.column),
                message: "YAML syntax error: \(problem)"
            )
        case YamlError.duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return Diagnostic(
                file: file,
                location: SourceLocation(line: context.mark.line, column: context.mark.column),
                message: "duplicate key \(keys) in this mapping"
            )
        case YamlError.reader(let problem, _, _, _):
            return Diagnostic(file: file, location: .start, message: "YAML syntax error: \(problem)")
        default:
            return Diagnostic(file: file, location: .start, message: "YAML syntax error")
        }
    }

    // MARK: Node helpers

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): "'\(scalar.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    /// The entries of a mapping node, or a diagnostic when the node is something else.
    func entries(of node: Node, what: String) -> [MappingEntry]? {
        guard case .mapping(let mapping) = node else {
            error(location(of: node), "\(what) must be a mapping, got \(Self.describe(node))")
            return nil
        }
        var result: [MappingEntry] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                error(location(of: key), "keys must be plain text, got \(Self.describe(key))")
                continue
            }
            result.append(MappingEntry(key: scalar.string, keyLocation: location(of: key), value: value))
        }
        return result
    }

    /// A scalar's value after environment interpolation and its written text, or `nil` (with a diagnostic) for
    /// lists and mappings, and for interpolation problems. `subject` names the value in the diagnostic, e.g. `'mode'`
    /// or "each item of 'resources'".
    func scalarText(of node: Node, subject: String) -> ScalarText? {
        guard case .scalar(let scalar) = node else {
            error(location(of: node), "\(subject) must be a single value, got \(Self.describe(node))")
            return nil
        }
        let (value, problems) = interpolator.expand(scalar.string)
        if !problems.isEmpty {
            let start = location(of: node)
            let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
            for problem in problems {
                error(
                    SourceLocation(line: start.line, column: start.column + problem.offset + (quoted ? 1 : 0)),
                    problem.message)
            }
            return nil
        }
        return ScalarText(value: value, written: scalar.string, location: location(of: node))
    }

    /// Whether the node is YAML null (`~`, `null` or nothing).
    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }
}

/// One key and value of a YAML mapping, with the key's position.
struct MappingEntry {
    var key: String
    var keyLocation: SourceLocation
    var value: Node
}
