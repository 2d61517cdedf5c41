public import ClerkAuth
public import Foundation
public import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
public import PostgresNIO
import ServiceLifecycle

/// The read-only API (`routiq serve`, DESIGN §8): the dashboard's routes over the warehouse, each organization's
/// behind a Clerk session token for that organization.
///
/// The server reads through `client` (which the caller runs) and never writes except the `audit_log` row of each
/// patient-list read. Use ``run(logger:handlesSignals:onStart:)`` from the command and ``serve(logger:_:)`` from
/// tests.
public struct APIServer: Sendable {
    /// Where it listens and the bounds it keeps.
    public let configuration: Configuration
    /// The request counters behind `/metrics`.
    public let metrics: APIMetrics
    private let client: PostgresClient
    private let verifier: SessionTokenVerifier
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - configuration: Where to listen and the bounds to keep.
    ///   - client: The warehouse's pool, running for as long as the server does; sized by
    ///     ``Configuration/poolSize``.
    ///   - verifier: Checks session tokens; started (its keys fetched) before the server runs.
    ///   - now: The clock for appointment windows (tests pin it).
    public init(
        configuration: Configuration, client: PostgresClient, verifier: SessionTokenVerifier,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.client = client
        self.verifier = verifier
        self.now = now
        self.metrics = APIMetrics(poolSize: configuration.poolSize)
    }

    /// The bound ports, once listening.
    public struct Addresses: Sendable {
        /// The API's port.
        public let port: Int
        /// The metrics listener's port, when `/metrics` has its own.
        public let metricsPort: Int?
    }

    /// The API's router: every route and middleware (the tests list its routes against the OpenAPI document).
    public func makeRouter() -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self, options: [.autoGenerateHeadEndpoints])
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: AccessLogMiddleware(metrics: metrics))
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: CORSAllowListMiddleware(origins: configuration.corsOrigins))
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: RequestLimitsMiddleware(deadline: configuration.requestDeadline))
        let reader = WarehouseReader(
            client: client, leaseTimeout: configuration.leaseTimeout, statementTimeout: configuration.statementTimeout,
            metrics: metrics)
        OperationalRoutes(reader: reader, metrics: metrics, servesMetrics: configuration.metricsPort == nil)
            .register(on: router)
        let authentication = AuthenticationMiddleware(verifier: verifier)
        let organization = router.group("{org_id}").add(middleware: authentication)
        ReportRoutes(reader: reader, documents: DocumentResponse(cache: CompressedDocumentCache())).register(
            on: organization)
        PatientRoutes(reader: reader, now: now).register(on: organization)
        let sync = router.group("sync/{org_id}").add(middleware: authentication)
        SyncRoutes(reader: reader).register(on: sync)
        return router
    }

    /// Serves until SIGTERM/SIGINT (when `handlesSignals`) or cancellation, then shuts down gracefully: no new
    /// connections, in-flight requests get ``Configuration/shutdownGrace`` to finish.
    ///
    /// - Parameter onStart: Called once the ports are bound.
    public func run(
        logger: Logger, handlesSignals: Bool = true, onStart: @Sendable (Addresses) async throws -> Void
    ) async throws {
        try await serve(logger: logger, handlesSignals: handlesSignals) { addresses, waitForServer in
            try await onStart(addresses)
            try await waitForServer()
        }
    }

    /// Starts the server, runs `body` with its addresses, then shuts it down gracefully.
    public func serve<Value: Sendable>(
        logger: Logger, handlesSignals: Bool = false,
        _ body: (Addresses, _ waitForServer: () async throws -> Void) async throws -> Value
    ) async throws -> Value {
        let (ports, continuation) = AsyncStream.makeStream(of: (String, Int).self)
        var services: [any Service] = [
            makeApplication(router: makeRouter(), port: configuration.port, name: "api", logger: logger) { port in
                continuation.yield(("api", port))
            }
        ]
        if let metricsPort = configuration.metricsPort {
            let router = Router(context: BasicRequestContext.self)
            OperationalRoutes.registerMetrics(on: router, metrics: metrics)
            services.append(
                makeApplication(router: router, port: metricsPort, name: "metrics", logger: logger) { port in
                    continuation.yield(("metrics", port))
                })
        }
        let expected = services.count
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: handlesSignals ? [.sigterm, .sigint] : [],
                cancellationSignals: [],
                logger: logger
            ).withShutdownBounds(grace: configuration.shutdownGrace)
        )
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { continuation.finish() }
                try await group.run()
            }
            var bound: [String: Int] = [:]
            for await (name, port) in ports {
                bound[name] = port
                if bound.count == expected { break }
            }
            guard let port = bound["api"], bound.count == expected else {
                try await tasks.waitForAll()
                throw APIServerError.stoppedBeforeReady
            }
            let addresses = Addresses(port: port, metricsPort: bound["metrics"])
            do {
                let result = try await body(addresses) { try await tasks.next() }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    private func makeApplication<Context: RequestContext>(
        router: Router<Context>, port: Int, name: String, logger: Logger,
        onBound: @escaping @Sendable (Int) -> Void
    ) -> some Service where Context.Source == ApplicationRequestContextSource {
        Application(
            router: router,
            server: .http1(
                configuration: .init(
                    idleTimeout: .nanoseconds(Int64(configuration.idleTimeout.components.seconds) * 1_000_000_000),
                    httpDecoderConfiguration: .init(
                        maxHeaderFieldSize: configuration.maximumHeaderBytes,
                        maxHeaderListSize: configuration.maximumHeaderBytes, maxHeaderFieldCount: 100)
                )),
            configuration: .init(
                address: .hostname(configuration.host, port: port), serverName: nil, backlog: 256,
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.maximumConnections)),
            onServerRunning: { channel in onBound(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }
}

/// Why the server could not start.
public struct APIServerError: Error, Sendable, CustomStringConvertible {
    public let description: String

    static let stoppedBeforeReady = APIServerError(
        description: "the API server stopped before it was listening (is the port already in use?)")
}

extension ServiceGroupConfiguration {
    /// After a graceful shutdown starts, services get `grace` to finish before they are cancelled, and a further
    /// second to end after cancellation.
    fileprivate func withShutdownBounds(grace: Duration) -> Self {
        var configuration = self
        configuration.maximumGracefulShutdownDuration = grace
        configuration.maximumCancellationDuration = .seconds(1)
        return configuration
    }
}
