extension APIServer {
    /// Where `routiq serve` listens and the bounds it keeps.
    public struct Configuration: Sendable {
        /// The address to bind; loopback by default.
        public var host = "127.0.0.1"
        /// The API's port; 8080 by default, 0 for any free port.
        public var port = 8080
        /// A separate port for `/metrics` (on `host`); `nil` serves it on the API's port.
        public var metricsPort: Int?
        /// The longest a request may take before it is answered with a 503.
        public var requestDeadline: Duration = .seconds(10)
        /// How long a request waits for a free database connection.
        public var leaseTimeout: Duration = .seconds(2)
        /// The longest any one statement may run.
        public var statementTimeout: Duration = .seconds(5)
        /// A connection with nothing read or written for this long is closed (slow or idle clients).
        public var idleTimeout: Duration = .seconds(30)
        /// The most bytes of request headers accepted.
        public var maximumHeaderBytes = 16 * 1024
        /// The most client connections served at once; more wait in the accept backlog.
        public var maximumConnections = 1024
        /// Origins allowed to read responses from a browser (CORS); none by default.
        public var corsOrigins: [String] = []
        /// How long in-flight requests get to finish after SIGTERM/SIGINT before they are cancelled.
        public var shutdownGrace: Duration = .seconds(10)
        /// The database pool's size (the most concurrent reads).
        public var poolSize = 16

        public init() {}

        /// The configuration's mistakes, as messages; empty when it is usable.
        public func problems() -> [String] {
            var problems: [String] = []
            if !(0...65535).contains(port) { problems.append("--port must be 0 to 65535, not \(port)") }
            if let metricsPort {
                if !(1...65535).contains(metricsPort) {
                    problems.append("--metrics-port must be 1 to 65535, not \(metricsPort)")
                } else if metricsPort == port {
                    problems.append("--metrics-port must differ from --port")
                }
            }
            if host.isEmpty { problems.append("--host must not be empty") }
            if poolSize < 1 { problems.append("the pool needs at least one connection") }
            return problems
        }
    }
}
