import ArgumentParser
import Foundation
import Pipeline

extension RoutIQ {
    /// `routiq validate FILE...`: checks pipeline files without running anything.
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check pipeline files and report every problem.",
            discussion: """
                Each problem is printed on its own line as FILE:LINE:COLUMN: error: MESSAGE. ${VAR} references are \
                expanded from the current environment, so an unset variable without a default is reported too. \
                Exits 0 when every file is valid and 2 otherwise.
                """
        )

        @Argument(help: ArgumentHelp("Pipeline files to check.", valueName: "file"))
        var files: [String]

        func validate() throws {
            if files.isEmpty {
                throw ValidationError("name at least one pipeline file, e.g. routiq validate pipelines/*.yml")
            }
        }

        func run() async throws {
            let parser = PipelineFileParser(configuration: .init(environment: RuntimeEnvironment().variables))
            var invalid = 0
            for file in files {
                let result = parser.parse(contentsOf: URL(fileURLWithPath: file), displayName: file)
                for diagnostic in result.diagnostics {
                    FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
                }
                if let definition = result.definition {
                    print("\(file): ok (pipeline '\(definition.name)', \(definition.stages.count) stages)")
                } else {
                    invalid += 1
                }
            }
            if invalid > 0 {
                let errors = invalid == 1 ? "1 file is invalid" : "\(invalid) files are invalid"
                FileHandle.standardError.write(Data("\(errors)\n".utf8))
                throw CommandFailure.invalidConfiguration
            }
        }
    }
}
