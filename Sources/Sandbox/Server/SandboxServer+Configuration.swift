public import Foundation

extension SandboxServer {
    /// What the sandbox simulates and where it listens.
    public struct Configuration: Sendable {
        /// Loopback address to bind, default `127.0.0.1` (`::1` and `localhost` are also accepted).
        public var host: String
        /// Port, default 8089; 0 picks a free port.
        public var port: Int
        /// Seed of every generated value, default 1. Same seed and `now` give byte-identical responses.
        public var seed: UInt64
        /// Number of simulated organizations (clinics), default 2.
        public var organizationCount: Int
        /// Patients generated per organization, default 500 (tested up to 20,000).
        public var patientsPerOrganization: Int
        /// The simulated present; `nil` (the default) means the wall clock at start, to the second.
        public var now: Date?
        /// Faults to inject from the start, default none.
        public var faults: FaultSpec
        /// Rate limits, default the documented ones.
        public var rateLimits: RateLimits
        /// When set, every organization's truth is written there as JSON Lines on start.
        public var dumpDirectory: String?
        /// Rarely changed behaviour switches, default ``Options/init(chatwootDropsUnderscoreHeaders:clinikoRequiresUserAgentEmail:)``.
        public var options: Options

        /// Creates a configuration; every parameter has the documented default.
        public init(
            host: String = "127.0.0.1",
            port: Int = 8089,
            seed: UInt64 = 1,
            organizationCount: Int = 2,
            patientsPerOrganization: Int = 500,
            now: Date? = nil,
            faults: FaultSpec = FaultSpec(),
            rateLimits: RateLimits = RateLimits(),
            dumpDirectory: String? = nil,
            options: Options = Options()
        ) {
            self.host = host
            self.port = port
            self.seed = seed
            self.organizationCount = organizationCount
            self.patientsPerOrganization = patientsPerOrganization
            self.now = now
            self.faults = faults
            self.rateLimits = rateLimits
            self.dumpDirectory = dumpDirectory
            self.options = options
        }

        /// Checks the loopback-only rule and the ranges.
        ///
        /// - Throws: ``SandboxError`` describing the first problem.
        public func validate() throws(SandboxError) {
            guard ["127.0.0.1", "::1", "localhost"].contains(host) || host.hasPrefix("127.") else {
                throw SandboxError(
                    code: .invalidConfiguration, message: "the sandbox binds to loopback only, not \(host)")
            }
            guard (0...65_535).contains(port) else {
                throw SandboxError(code: .invalidConfiguration, message: "port must be 0...65535")
            }
            guard (1...200).contains(organizationCount) else {
                throw SandboxError(code: .invalidConfiguration, message: "organization count must be 1...200")
            }
            guard (1...200_000).contains(patientsPerOrganization) else {
                throw SandboxError(code: .invalidConfiguration, message: "patients per organization must be 1...200000")
            }
        }
    }
}
