import ArgumentParser
import Foundation
import Logging
import Pipeline
import Sandbox

extension RoutIQ {
    /// `routiq sandbox`: serves the simulated Cliniko, Chatwoot and Clerk APIs on one loopback port.
    struct SandboxCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sandbox",
            abstract: "Serve a local simulator of the Cliniko, Chatwoot and Clerk APIs with synthetic clinics.",
            discussion: """
                Prints one JSON document with the base URLs and every simulated organization's credentials, \
                then serves until SIGINT or SIGTERM. See docs/sandbox.md.
                """
        )

        @Option(help: "Loopback address to bind.")
        var host = "127.0.0.1"

        @Option(help: "Port to listen on; 0 picks a free port.")
        var port = 8089

        @Option(help: "Seed of all synthetic data and fault decisions.")
        var seed: UInt64 = 1

        @Option(help: "Number of simulated organizations (clinics).")
        var orgs = 2

        @Option(help: "Patients generated per organization.")
        var patients = 500

        @Option(
            help: """
                The simulated present, ISO-8601 (e.g. 2026-03-01T09:00:00Z); default: the start of the current UTC \
                day, so restarts on the same day serve identical data.
                """
        )
        var now: String?

        @Option(help: "Faults to inject, e.g. 'seed:7,429:@5:3,503:0.02,slow:0.1:250,reset:@9'.")
        var faults: String?

        @Option(name: .customLong("rate-limit"), help: "Rate-limit overrides, e.g. 'cliniko=20/60,clerk=off' or 'off'.")
        var rateLimit: String?

        @Option(help: "Write every organization's truth as JSON Lines into this directory on start.")
        var dump: String?

        func validate() throws {
            _ = try makeConfiguration()
        }

        func run() async throws {
            var logger = Logger(label: "routiq.sandbox")
            logger.logLevel =
                ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
            let server = SandboxServer(configuration: try makeConfiguration())
            try await server.run(logger: logger) { endpoints in
                FileHandle.standardOutput.write(Data((endpoints.jsonDocument() + "\n").utf8))
            }
        }

        /// Builds the sandbox configuration from the flags.
        ///
        /// - Throws: `ValidationError` for an unreadable `--now`, `--faults` or `--rate-limit`.
        func makeConfiguration() throws -> SandboxServer.Configuration {
            var configuration = SandboxServer.Configuration(
                host: host, port: port, seed: seed, organizationCount: orgs, patientsPerOrganization: patients,
                dumpDirectory: dump
            )
            if let now {
                guard let date = ISO8601DateFormatter().date(from: now) else {
                    throw ValidationError("--now must be ISO-8601, e.g. 2026-03-01T09:00:00Z")
                }
                configuration.now = date
            } else {
                configuration.now = Instant.startOfUTCDay(containing: Date())
            }
            do {
                if let faults { configuration.faults = try FaultSpec(parsing: faults) }
                if let rateLimit { try configuration.rateLimits.apply(overrides: rateLimit) }
            } catch {
                throw ValidationError(error.description)
            }
            do {
                try configuration.validate()
            } catch {
                throw ValidationError(error.message)
            }
            return configuration
        }
    }
}
