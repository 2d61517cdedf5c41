import ArgumentParser
import AsyncHTTPClient
import ClerkAuth
import Foundation
import Load
import Logging
import Pipeline
import Sandbox
import Serve

extension RoutIQ {
    /// `routiq serve`: the read-only API the dashboard calls (DESIGN §8, docs/api.md).
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the read-only API over the warehouse: summaries, reports, patient lists, sync status.",
            discussion: """
                Every /{org_id}/… and /sync/{org_id}/… route needs a Clerk session token for that organization \
                (Authorization: Bearer …). Settings: CLERK_JWKS_URL (or --jwks-url), CLERK_ISSUER, \
                CLERK_AUTHORIZED_PARTIES (comma-separated; required unless --allow-any-azp), ROUTIQ_CORS_ORIGINS \
                (comma-separated; none by default), DATABASE_URL (else the embedded cluster).

                --demo serves the demo's warehouse trusting an in-process sandbox's keys, and prints a curl \
                command with a fresh token for the first organization. Run the demo first: \
                swift run routiq run pipelines/demo.yml

                Stops gracefully on SIGTERM or SIGINT: in-flight requests get --shutdown-grace seconds to finish.
                """
        )

        @Option(help: ArgumentHelp("The address to listen on.", valueName: "address"))
        var host = "127.0.0.1"

        @Option(help: ArgumentHelp("The API's port (0 for any free port).", valueName: "port"))
        var port = 8080

        @Option(help: ArgumentHelp("Serve /metrics on this port instead of the API's.", valueName: "port"))
        var metricsPort: Int?

        @Option(
            name: .customLong("jwks-url"),
            help: ArgumentHelp("The Clerk JWKS URL; overrides CLERK_JWKS_URL.", valueName: "url"))
        var jwksURL: String?

        @Flag(help: "Accept a token whatever its azp (authorized party); logs a warning. Not for production.")
        var allowAnyAzp = false

        @Flag(help: "Serve the demo's warehouse with an in-process sandbox as the Clerk instance.")
        var demo = false

        @Option(help: ArgumentHelp("The pipeline whose sandbox --demo starts.", valueName: "file"))
        var demoPipeline = "pipelines/demo.yml"

        @Option(help: ArgumentHelp("Database connections the server may open.", valueName: "count"))
        var poolSize = 16

        @Option(help: ArgumentHelp("Seconds a request may take before it is answered with 503.", valueName: "seconds"))
        var requestTimeout = 10

        @Option(help: ArgumentHelp("Seconds in-flight requests get to finish after SIGTERM.", valueName: "seconds"))
        var shutdownGrace = 10

        @OptionGroup var options: GlobalOptions

        func validate() throws {
            var configuration = serverConfiguration(environment: RuntimeEnvironment())
            configuration.poolSize = poolSize
            if let problem = configuration.problems().first { throw ValidationError(problem) }
            guard (1...300).contains(requestTimeout) else {
                throw ValidationError("--request-timeout must be 1 to 300")
            }
            guard (0...300).contains(shutdownGrace) else { throw ValidationError("--shutdown-grace must be 0 to 300") }
            guard (1...500).contains(poolSize) else { throw ValidationError("--pool-size must be 1 to 500") }
        }

        func run() async throws {
            let environment = RuntimeEnvironment()
            let logger = options.makeLogger(environment: environment)
            try await CommandFailure.reporting {
                if demo {
                    try await runDemo(environment: environment, logger: logger)
                } else {
                    let settings = try authenticationSettings(environment: environment)
                    try await serve(environment: environment, settings: settings, logger: logger, onStart: nil)
                }
            }
        }

        private func serverConfiguration(environment: RuntimeEnvironment) -> APIServer.Configuration {
            var configuration = APIServer.Configuration()
            configuration.host = host
            configuration.port = port
            configuration.metricsPort = metricsPort
            configuration.corsOrigins = environment.corsOrigins
            configuration.poolSize = poolSize
            configuration.requestDeadline = .seconds(requestTimeout)
            configuration.shutdownGrace = .seconds(shutdownGrace)
            return configuration
        }

        /// Where the keys come from and what the tokens must say.
        struct AuthenticationSettings {
            var jwksURL: String
            var verifier: SessionTokenVerifier.Configuration
        }

        private func authenticationSettings(environment: RuntimeEnvironment) throws -> AuthenticationSettings {
            guard let url = jwksURL ?? environment.clerkJWKSURL else {
                throw Self.misconfigured(
                    "set CLERK_JWKS_URL (or --jwks-url) to the Clerk Frontend API's /.well-known/jwks.json; "
                        + "for a local try-out, run the demo and then: routiq serve --demo")
            }
            guard let issuer = environment.clerkIssuer else {
                throw Self.misconfigured("set CLERK_ISSUER to the Frontend API URL every token's iss must equal")
            }
            let parties = environment.clerkAuthorizedParties
            if parties == nil, !allowAnyAzp {
                throw Self.misconfigured(
                    "set CLERK_AUTHORIZED_PARTIES to the dashboard's origins (comma-separated), "
                        + "or pass --allow-any-azp to accept any")
            }
            return AuthenticationSettings(
                jwksURL: url,
                verifier: .init(issuer: issuer, authorizedParties: allowAnyAzp ? nil : parties.map(Set.init)))
        }

        /// Fetches the keys, connects to the warehouse, and serves until a signal.
        private func serve(
            environment: RuntimeEnvironment, settings: AuthenticationSettings, logger: Logger,
            onStart: (@Sendable (APIServer.Addresses) async throws -> Void)?
        ) async throws {
            if settings.verifier.authorizedParties == nil {
                logger.warning("--allow-any-azp: tokens are accepted whatever their authorized party (azp)")
            }
            let configuration = serverConfiguration(environment: environment)
            let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
            do {
                let fetcher = try JWKSHTTPFetcher(url: settings.jwksURL, httpClient: httpClient)
                let verifier = SessionTokenVerifier(
                    configuration: settings.verifier, fetchJWKS: { try await fetcher.fetch() }, logger: logger)
                do {
                    try await verifier.start()
                } catch {
                    throw Self.misconfigured("cannot use the JWKS at \(settings.jwksURL): \(error)")
                }
                let database = DatabaseContext(environment: environment)
                let endpoint = try await database.endpoint(logger: logger)
                try await withPostgresClient(
                    endpoint: endpoint, logger: logger, maximumConnections: configuration.poolSize
                ) { client in
                    let current = try await SchemaMigrator(migrations: SchemaMigration.bundled()).isCurrent(
                        client: client, logger: logger)
                    if !current {
                        logger.warning(
                            "the database schema is not current; /ready answers 503 until `routiq db migrate` runs")
                    }
                    let server = APIServer(configuration: configuration, client: client, verifier: verifier)
                    try await server.run(logger: logger) { addresses in
                        logger.notice(
                            "serving the API",
                            metadata: [
                                "routiq.url": "http://\(Self.urlHost(configuration.host)):\(addresses.port)",
                                "routiq.metrics_port": "\(addresses.metricsPort ?? addresses.port)",
                            ])
                        try await onStart?(addresses)
                    }
                }
                try await httpClient.shutdown()
            } catch {
                try? await httpClient.shutdown()
                throw error
            }
        }

        /// `--demo`: the demo pipeline's sandbox as the Clerk instance, and a ready-to-paste request.
        private func runDemo(environment: RuntimeEnvironment, logger: Logger) async throws {
            let parsed = PipelineFileParser(configuration: .init(environment: environment.variables))
                .parse(contentsOf: URL(fileURLWithPath: demoPipeline), displayName: demoPipeline)
            for diagnostic in parsed.diagnostics { FileHandle.standardError.write(Data("\(diagnostic)\n".utf8)) }
            guard let sandbox = parsed.definition?.sandbox else {
                throw Self.misconfigured("\(demoPipeline) has no sandbox: section; --demo needs the demo pipeline")
            }
            let configuration = SandboxServer.Configuration(
                port: 0, seed: UInt64(sandbox.seed), organizationCount: sandbox.organizations,
                patientsPerOrganization: sandbox.patients, now: Date(), rateLimits: .unlimited)
            var sandboxLogger = logger
            if sandboxLogger.logLevel > .debug { sandboxLogger.logLevel = .warning }
            try await withRunningSandbox(configuration: configuration, logger: sandboxLogger) { endpoints in
                let settings = AuthenticationSettings(
                    jwksURL: endpoints.clerkJWKSURL,
                    verifier: .init(issuer: endpoints.clerkFrontendAPIURL, authorizedParties: [DemoToken.party]))
                guard let organization = endpoints.organizations.first?.id else {
                    throw Self.misconfigured("the demo sandbox has no organizations")
                }
                let host = Self.urlHost(self.host)
                try await serve(environment: environment, settings: settings, logger: logger) { addresses in
                    let token = try await DemoToken.mint(controlURL: endpoints.controlURL, organization: organization)
                    let base = "http://\(host):\(addresses.port)"
                    let text = """

                        RoutIQ API (demo) on \(base), trusting the in-process sandbox's Clerk keys.
                        A token for \(organization), valid for one hour:

                          curl -H 'Authorization: Bearer \(token)' \(base)/\(organization)/summary

                        Also: \(base)/\(organization)/patients?limit=5, /\(organization)/report.html, \
                        /sync/\(organization)/status, \(base)/openapi.json. Stop with Ctrl-C.
                        Keys: \(endpoints.clerkJWKSURL)  issuer: \(endpoints.clerkFrontendAPIURL)  azp: \(DemoToken.party)

                        """
                    FileHandle.standardOutput.write(Data(text.utf8))
                }
            }
        }

        /// A setting that is missing or unusable at run time: the message on standard error, exit code 2.
        private static func misconfigured(_ message: String) -> ExitCode {
            CommandFailure.printError(message)
            return CommandFailure.invalidConfiguration
        }

        private static func urlHost(_ host: String) -> String {
            host.contains(":") ? "[\(host)]" : host
        }
    }
}
