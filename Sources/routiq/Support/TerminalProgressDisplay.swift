import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The live progress block at the bottom of standard error while `routiq run` works on a terminal.
///
/// A few times per second the block (``ProgressRenderer``'s lines for ``progress``) is redrawn in place with ANSI
/// escapes. Log lines reach the terminal through the display (``makeLogHandler(label:)``): it erases the block,
/// writes the line and draws the block again below it, in one write, so log lines and the block never mix.
/// ``finish()`` erases the block, so what follows (the summary table) prints as if it had never been there.
///
/// Used only when standard error is a terminal, `--log-format` is `text` and `TERM` is set and not `dumb`
/// (``isSupported(format:isTerminal:terminalType:)``); otherwise log lines are written as always and nothing else.
final class TerminalProgressDisplay: Sendable {
    /// How the display draws.
    struct Configuration: Sendable {
        /// How often the block is redrawn; 250 ms by default.
        var refreshInterval: Duration = .milliseconds(250)
        /// The most lines the block takes, 12 by default; it also leaves two rows of the terminal free.
        var maximumLines = 12
    }

    /// A terminal's size in character cells.
    struct Size: Sendable, Equatable {
        var columns: Int
        var rows: Int
    }

    /// What the block shows.
    let progress: RunProgress
    let configuration: Configuration
    private let size: @Sendable () -> Size
    private let now: @Sendable () -> ContinuousClock.Instant
    private let output: @Sendable (String) -> Void
    /// Also serializes every write to the terminal: a frame and a log line are never interleaved.
    private let state = Mutex(State())

    private struct State {
        /// The block's lines on screen, the cursor being on the line below them.
        var frame: [String] = []
        /// Log text not yet ended by a newline.
        var partialLine = ""
        var isFinished = false
    }

    /// Creates a display.
    ///
    /// - Parameters:
    ///   - progress: What to show.
    ///   - configuration: How often and how big.
    ///   - size: The terminal's size, asked before each frame.
    ///   - now: The clock the elapsed times and rates use.
    ///   - output: Writes text to the terminal, all of it.
    init(
        progress: RunProgress,
        configuration: Configuration = .init(),
        size: @escaping @Sendable () -> Size,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now },
        output: @escaping @Sendable (String) -> Void
    ) {
        self.progress = progress
        self.configuration = configuration
        self.size = size
        self.now = now
        self.output = output
    }

    /// A display on standard error for a run called `title`, or `nil` when one must not be shown there.
    static func makeForStandardError(
        title: String, format: LogFormat, environment: RuntimeEnvironment
    ) -> TerminalProgressDisplay? {
        guard
            isSupported(format: format, isTerminal: isatty(STDERR_FILENO) == 1, terminalType: environment.terminalType)
        else { return nil }
        return TerminalProgressDisplay(
            progress: RunProgress(title: title), size: standardErrorSize, output: { writeFully($0, to: STDERR_FILENO) }
        )
    }

    /// Whether a display may be drawn: on a terminal that understands ANSI escapes, with text logs (JSON logs are
    /// for collectors, and are left alone).
    static func isSupported(format: LogFormat, isTerminal: Bool, terminalType: String?) -> Bool {
        guard format == .text, isTerminal, let terminalType, !terminalType.isEmpty else { return false }
        return terminalType != "dumb"
    }

    /// A text log handler, formatted like `StreamLogHandler.standardError`, whose lines go above the block.
    func makeLogHandler(label: String) -> StreamLogHandler {
        StreamLogHandler(label: label, stream: LogStream(display: self))
    }

    /// Runs `body` while `display` (when there is one) redraws itself, and erases the block when `body` ends,
    /// whether it returns or throws.
    static func showing<Result>(
        _ display: TerminalProgressDisplay?, _ body: () async throws -> Result
    ) async throws -> Result {
        guard let display else { return try await body() }
        defer { display.finish() }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await display.refreshUntilCancelled() }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    // MARK: Drawing

    /// Writes log text: complete lines go above the block, a trailing partial line waits for its newline.
    func writeLog(_ text: String) {
        state.withLock { state in
            state.partialLine += text
            guard let end = state.partialLine.lastIndex(of: "\n") else { return }
            let lines = String(state.partialLine[...end])
            state.partialLine = String(state.partialLine[state.partialLine.index(after: end)...])
            if state.isFinished {
                output(lines)
            } else {
                let erase = Self.erase(state.frame)
                output(erase + lines + draw(&state))
            }
        }
    }

    /// Redraws the block when what it shows changed.
    func refresh() {
        state.withLock { state in
            guard !state.isFinished else { return }
            let frame = render()
            guard frame != state.frame else { return }
            let erase = Self.erase(state.frame)
            output(erase + draw(&state, frame))
        }
    }

    /// Erases the block for good; later log lines are written as they come.
    func finish() {
        state.withLock { state in
            guard !state.isFinished else { return }
            state.isFinished = true
            var text = Self.erase(state.frame)
            state.frame = []
            if !state.partialLine.isEmpty {
                text += state.partialLine + "\n"
                state.partialLine = ""
            }
            if !text.isEmpty { output(text) }
        }
    }

    func refreshUntilCancelled() async {
        while !Task.isCancelled {
            refresh()
            try? await Task.sleep(for: configuration.refreshInterval)
        }
    }

    private func render() -> [String] {
        let size = size()
        // One column short of the width, so that no terminal wraps a full line; two rows free for the log above.
        let renderer = ProgressRenderer(
            width: max(size.columns - 1, 1), maximumLines: max(min(configuration.maximumLines, size.rows - 2), 1)
        )
        return renderer.lines(for: progress.snapshot, at: now())
    }

    /// Draws `frame` (a fresh one by default) at the cursor and remembers it.
    private func draw(_ state: inout State, _ frame: [String]? = nil) -> String {
        let frame = frame ?? render()
        state.frame = frame
        return frame.map { $0 + "\n" }.joined()
    }

    /// Moves the cursor to the block's first line and clears from there to the end of the screen.
    static func erase(_ frame: [String]) -> String {
        frame.isEmpty ? "" : "\r\u{1B}[\(frame.count)A\u{1B}[J"
    }

    // MARK: Standard error

    private struct LogStream: TextOutputStream, Sendable {
        let display: TerminalProgressDisplay

        func write(_ string: String) {
            display.writeLog(string)
        }
    }

    private static func standardErrorSize() -> Size {
        var size = winsize()
        #if canImport(Glibc)
            let request = UInt(TIOCGWINSZ)
        #else
            let request = TIOCGWINSZ
        #endif
        guard ioctl(STDERR_FILENO, request, &size) == 0, size.ws_col > 0 else { return Size(columns: 80, rows: 24) }
        return Size(columns: Int(size.ws_col), rows: size.ws_row > 0 ? Int(size.ws_row) : 24)
    }
}

/// Writes all of `text` to `descriptor`, retrying short and interrupted writes; gives up on any other error.
private func writeFully(_ text: String, to descriptor: Int32) {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written < 0 {
            if errno == EINTR { continue }
            return
        }
        offset += written
    }
}
