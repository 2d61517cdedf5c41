/// An error starting or running the sandbox.
public struct SandboxError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String { case invalidConfiguration, serverStopped, dumpFailed }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The configuration is out of range or not loopback.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The HTTP server stopped before it was ready.
        public static let serverStopped = Code(.serverStopped)
        /// `--dump` could not write its files.
        public static let dumpFailed = Code(.dumpFailed)

        /// The code's name.
        public var description: String { base.rawValue }
    }

    /// What failed.
    public var code: Code
    /// A log-safe explanation (no credentials or data).
    public var message: String

    /// A description safe to log.
    public var description: String { "SandboxError(\(code)): \(message)" }
}
