import Foundation
import Hummingbird
public import Logging
import NIOCore
import ServiceLifecycle

/// A local simulator of the Cliniko, Chatwoot and Clerk APIs on one loopback port.
///
/// Use ``withRunningSandbox(configuration:logger:_:)`` from tests and the demo run, and ``run(logger:onStart:)``
/// from the `routiq sandbox` command, which serves until SIGINT or SIGTERM.
public struct SandboxServer: Sendable {
    /// The server's configuration.
    public let configuration: Configuration

    /// Creates a server; nothing is generated or bound until it runs.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Serves until SIGINT/SIGTERM (graceful shutdown) or cancellation.
    ///
    /// - Parameters:
    ///   - logger: Logger for the HTTP server and sandbox events.
    ///   - onStart: Called once the port is bound, with the endpoints (print the startup document here).
    /// - Throws: ``SandboxError`` for a non-loopback host or an unwritable dump directory, or the server's
    ///   bind error.
    public func run(logger: Logger, onStart: (SandboxEndpoints) async throws -> Void) async throws {
        try await serve(logger: logger, handlesSignals: true) { endpoints, server in
            try await onStart(endpoints)
            try await server()
        }
    }

    /// Starts the server, runs `body` with its endpoints, then shuts it down.
    func serve<Value: Sendable>(
        logger: Logger,
        handlesSignals: Bool,
        _ body: (SandboxEndpoints, _ waitForServer: () async throws -> Void) async throws -> Value
    ) async throws -> Value {
        try configuration.validate()
        let now =
            configuration.now.map { Int64($0.timeIntervalSince1970.rounded(.down)) }
            ?? Int64(Date().timeIntervalSince1970)
        let state = SandboxState(
            seed: configuration.seed, organizationCount: configuration.organizationCount,
            patientsPerOrganization: configuration.patientsPerOrganization, now: now,
            visits: configuration.options.visits
        )
        let gateway = APIGateway(
            state: state, limiter: RateLimiter(), faults: FaultInjector(spec: configuration.faults),
            stats: RequestStats(),
            limits: configuration.rateLimits,
            injectedRateLimitResetSeconds: configuration.options.injectedRateLimitResetSeconds, logger: logger
        )
        let minter = try await SessionTokenMinter(keyID: state.clerk.keyID)
        let router = Router(context: BasicRequestContext.self)
        ClinikoAPI(
            gateway: gateway, profiles: state.profiles,
            requiresUserAgentEmail: configuration.options.clinikoRequiresUserAgentEmail
        ).register(on: router)
        ChatwootAPI(
            gateway: gateway, profiles: state.profiles,
            dropsUnderscoreHeaders: configuration.options.chatwootDropsUnderscoreHeaders
        ).register(on: router)
        ClerkAPI(gateway: gateway, directory: state.clerk, profiles: state.profiles, minter: minter).register(
            on: router)
        ControlAPI(gateway: gateway, minter: minter).register(on: router)

        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "routiq-sandbox"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        let services = ServiceGroup(
            configuration: .init(
                services: [app], gracefulShutdownSignals: handlesSignals ? [.sigterm, .sigint] : [], logger: logger
            )
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { continuation.finish() }
                try await services.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await group.waitForAll()
                throw SandboxError(code: .serverStopped, message: "the sandbox server stopped before it was ready")
            }
            do {
                let endpoints = makeEndpoints(port: port, now: now, profiles: state.profiles, clerk: state.clerk)
                if let directory = configuration.dumpDirectory {
                    try await TruthDump(state: state, endpoints: endpoints).write(to: directory)
                }
                logger.info(
                    "sandbox ready",
                    metadata: ["routiq.port": "\(port)", "routiq.orgs": "\(state.profiles.count)"]
                )
                let result = try await body(endpoints) { try await group.next() }
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
                return result
            } catch {
                await services.triggerGracefulShutdown()
                try? await group.waitForAll()
                throw error
            }
        }
    }

    private func makeEndpoints(
        port: Int, now: Int64, profiles: [OrganizationProfile], clerk: ClerkDirectory
    ) -> SandboxEndpoints {
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let base = "http://\(host):\(port)"
        return SandboxEndpoints(
            baseURL: base, clinikoBaseURLTemplate: "\(base)/cliniko/{shard}/v1", chatwootBaseURL: "\(base)/chatwoot",
            clerkAPIBaseURL: "\(base)/clerk/v1", clerkFrontendAPIURL: "\(base)/clerk",
            clerkJWKSURL: "\(base)/clerk/.well-known/jwks.json", controlURL: "\(base)/_sandbox",
            seed: configuration.seed,
            now: CivilTime.iso8601(now), patientsPerOrganization: configuration.patientsPerOrganization,
            organizations: profiles.map { profile in
                SimulatedOrganization(
                    id: profile.clerkID, name: profile.name, slug: profile.slug, timeZone: profile.timeZone,
                    phoneRegion: profile.phoneRegion, clinikoShard: profile.shard, clinikoAPIKey: profile.clinikoKey,
                    clinikoBaseURL: "\(base)/cliniko/\(profile.shard)/v1", chatwootAccountID: profile.chatwootAccountID,
                    chatwootAPIAccessToken: profile.chatwootToken, chatwootBaseURL: "\(base)/chatwoot",
                    clerkSecretKey: clerk.secretKey
                )
            }
        )
    }
}

/// Starts a sandbox on loopback, runs `body` with its endpoints, and shuts it down afterwards.
///
/// The sandbox's data is generated lazily per organization on first use. Use port 0 (the default here is
/// the configuration's port) to let the system pick a free port; the real URL is in the endpoints.
///
/// - Parameters:
///   - configuration: What to simulate and where to listen.
///   - logger: Logger for the HTTP server and sandbox events.
///   - body: Work to do while the sandbox serves; the sandbox must not be used after it returns.
/// - Returns: What `body` returns.
/// - Throws: ``SandboxError`` for a bad configuration, the bind error, or what `body` throws.
public func withRunningSandbox<Value: Sendable>(
    configuration: SandboxServer.Configuration,
    logger: Logger,
    _ body: (SandboxEndpoints) async throws -> Value
) async throws -> Value {
    try await SandboxServer(configuration: configuration).serve(logger: logger, handlesSignals: false) { endpoints, _ in
        try await body(endpoints)
    }
}
