import Foundation

/// The built `routiq` executable, for tests that run it as a child process.
enum RoutiqExecutable {
    /// The executable next to the test bundle in the build folder.
    ///
    /// - Throws: A message saying to build first, when it is not there.
    static func locate() throws -> URL {
        // The test bundle sits next to the package's executables in the build folder.
        let buildFolder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        let candidates = [
            buildFolder.appendingPathComponent("routiq"),
            buildFolder.deletingLastPathComponent().appendingPathComponent("routiq"),
            buildFolder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("routiq"),
        ]
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) })
        else {
            throw ChildRunnerError(
                "the routiq executable was not found next to the tests (looked at \(candidates.map(\.path))); "
                    + "`swift test` builds it — run `swift build` first when running a test binary by hand")
        }
        return executable
    }
}
