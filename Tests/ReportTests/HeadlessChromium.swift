import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Loads local HTML files in headless Chromium for tests and returns what the page became after its `load` event.
///
/// Each load is a separate `chromium --headless=new --dump-dom` process with a throwaway `--user-data-dir`, a fixed
/// window size and a deadline: a browser that hangs is killed (with every process it started) and the test fails
/// instead of hanging CI. Console output (`--enable-logging=stderr`) is collected from standard error, where Chromium
/// writes each console message as a `:CONSOLE` line.
///
/// Chromium runs with `--no-sandbox`: its sandbox cannot start as root or in most containers, and the pages loaded
/// are our own local files.
struct HeadlessChromium: Sendable {
    /// The window and the deadline.
    struct Configuration: Sendable {
        /// The window width in CSS pixels; 1366 (a common laptop) by default.
        var windowWidth = 1366
        /// The window height in CSS pixels; 900 by default.
        var windowHeight = 900
        /// How long one page may take before the browser is killed; 90 seconds by default, generous for a busy
        /// CI machine (a load takes about one second on an idle one).
        var timeout: Duration = .seconds(90)
    }

    /// What one page load left behind.
    struct Load: Sendable {
        /// The page's DOM after its `load` event, serialized.
        var dom: String
        /// The console messages Chromium logged, one per line, as written to standard error.
        var consoleMessages: [String]
    }

    /// Why a page could not be loaded.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The environment variable that names the browser explicitly.
    static let executableVariable = "ROUTIQ_CHROMIUM"

    /// The browser.
    let executable: URL
    /// The window and the deadline.
    let configuration: Configuration

    /// Finds Chromium: ``executableVariable`` when set, else `chromium`, `chromium-browser` or `google-chrome` on
    /// `PATH`.
    ///
    /// - Parameters:
    ///   - configuration: The window and the deadline.
    ///   - environment: Where to read ``executableVariable`` and `PATH`; the process's environment by default.
    /// - Throws: ``Failure`` saying how to install Chromium when none is found; tests must fail, never skip.
    static func locate(
        configuration: Configuration = .init(), environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> HeadlessChromium {
        if let explicit = environment[executableVariable], !explicit.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: explicit) else {
                throw Failure(description: "\(executableVariable)=\(explicit) is not an executable file")
            }
            return HeadlessChromium(executable: URL(fileURLWithPath: explicit), configuration: configuration)
        }
        let folders = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for folder in folders {
                let path = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: path) {
                    return HeadlessChromium(executable: URL(fileURLWithPath: path), configuration: configuration)
                }
            }
        }
        throw Failure(
            description: """
                Chromium is not installed, and the report rendering tests need it: install it with \
                `apt-get install -y chromium` (Debian; .ci/run does this on a fresh machine), or set \
                \(executableVariable) to a Chromium or Chrome executable.
                """)
    }

    /// Loads `page` and returns its DOM after the `load` event and the console messages logged meanwhile.
    ///
    /// - Throws: ``Failure`` when the browser exits with an error or misses the deadline.
    func load(_ page: URL) async throws -> Load {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("routiq-chromium-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let standardOutput = scratch.appendingPathComponent("stdout")
        let standardError = scratch.appendingPathComponent("stderr")
        try Data().write(to: standardOutput)
        try Data().write(to: standardError)

        let process = Process()
        process.executableURL = executable
        process.arguments = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--user-data-dir=\(scratch.appendingPathComponent("profile").path)",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--hide-scrollbars",
            "--window-size=\(configuration.windowWidth),\(configuration.windowHeight)",
            "--enable-logging=stderr", "--v=0", "--dump-dom", page.absoluteString,
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: standardOutput)
        process.standardError = try FileHandle(forWritingTo: standardError)
        try process.run()

        let deadline = ContinuousClock.now + configuration.timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline {
                // Foundation starts the child as the leader of its own process group: kill the browser and
                // every renderer, GPU and zygote process it started.
                kill(-process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw Failure(
                    description: "Chromium did not finish loading \(page.lastPathComponent) within "
                        + "\(configuration.timeout); it was killed")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let errors = (try? String(contentsOf: standardError, encoding: .utf8)) ?? ""
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw Failure(
                description: "Chromium failed on \(page.lastPathComponent) (status \(process.terminationStatus)): "
                    + errors.suffix(2000))
        }
        return Load(
            dom: try String(contentsOf: standardOutput, encoding: .utf8),
            consoleMessages: errors.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init))
    }

    /// Loads a copy of `page` instrumented with ``RenderProbe`` and returns what the probe found, console messages
    /// included.
    ///
    /// The copy sits next to `page`, so relative references resolve as they would for the original, and is removed
    /// afterwards.
    func probe(_ page: URL) async throws -> RenderProbe.Findings {
        try await probe(html: String(contentsOf: page, encoding: .utf8), in: page.deletingLastPathComponent())
    }

    /// Loads `html`, instrumented with ``RenderProbe``, from a temporary file in `folder` and returns what the probe
    /// found, console messages included.
    func probe(html: String, in folder: URL) async throws -> RenderProbe.Findings {
        let copy = folder.appendingPathComponent(".probe-\(UUID().uuidString).html")
        try Data(try RenderProbe.instrument(html).utf8).write(to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        let load = try await load(copy)
        var findings = try RenderProbe.findings(in: load.dom)
        findings.consoleMessages = load.consoleMessages
        return findings
    }
}
