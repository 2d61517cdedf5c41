import Foundation
import Pipeline

extension RuntimeEnvironment {
    /// Parses the pipeline file at `path` with this environment's variables, writing every diagnostic to standard
    /// error (`file:line:column: …`).
    ///
    /// - Parameter scheduledFor: When set (the command's name), the pipeline must also have a `schedule:`.
    /// - Returns: The definition, or `nil` when the file had errors (they were printed).
    /// - Throws: ``CommandFailure/invalidConfiguration`` when the file is invalid or lacks the schedule asked for.
    func pipeline(at path: String, scheduledFor command: String? = nil) throws -> PipelineDefinition {
        let parsed = PipelineFileParser(configuration: .init(environment: variables))
            .parse(contentsOf: URL(fileURLWithPath: path), displayName: path)
        for diagnostic in parsed.diagnostics {
            FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
        }
        guard let definition = parsed.definition else { throw CommandFailure.invalidConfiguration }
        if let command, definition.schedule == nil {
            FileHandle.standardError.write(
                Data("\(path): error: \(command) needs a 'schedule:' (a cron expression) in the pipeline file\n".utf8))
            throw CommandFailure.invalidConfiguration
        }
        return definition
    }
}
