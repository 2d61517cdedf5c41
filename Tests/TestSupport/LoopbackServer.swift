public import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A small HTTP server on 127.0.0.1 for tests that need responses the sandbox does not make (redirects, huge
/// bodies, absurd rate-limit headers, a JWKS endpoint that misbehaves); it records every request it receives.
public struct LoopbackServer: Sendable {
    /// One request as the server saw it.
    public struct ReceivedRequest: Sendable {
        public var path: String
        public var query: String
        public var headers: HTTPFields
    }

    /// Records requests through the router's middleware.
    public final class Recorder: Sendable {
        private let requests = Mutex<[ReceivedRequest]>([])

        /// Every request so far, in arrival order.
        public var received: [ReceivedRequest] { requests.withLock { $0 } }

        func record(_ request: ReceivedRequest) {
            requests.withLock { $0.append(request) }
        }
    }

    private struct RecordingMiddleware: RouterMiddleware {
        typealias Context = BasicRequestContext
        let recorder: Recorder

        func handle(
            _ request: Request, context: Context, next: (Request, Context) async throws -> Response
        ) async throws -> Response {
            recorder.record(
                ReceivedRequest(path: request.uri.path, query: request.uri.query ?? "", headers: request.headers))
            return try await next(request, context)
        }
    }

    /// `http://127.0.0.1:PORT`.
    public let baseURL: String
    /// What the server received.
    public let recorder: Recorder

    /// Starts a server with the routes `configure` adds, runs `body`, then stops the server.
    public static func with<Result: Sendable>(
        _ configure: (Router<BasicRequestContext>) -> Void,
        _ body: (LoopbackServer) async throws -> Result
    ) async throws -> Result {
        let recorder = Recorder()
        let router = Router(context: BasicRequestContext.self)
        router.middlewares.add(RecordingMiddleware(recorder: recorder))
        configure(router)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "loopback-test"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: Logger(label: "routiq.tests.loopback", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        return try await withThrowingTaskGroup(of: Void.self, returning: Result.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            let server = LoopbackServer(baseURL: "http://127.0.0.1:\(port)", recorder: recorder)
            defer { group.cancelAll() }
            return try await body(server)
        }
    }
}
