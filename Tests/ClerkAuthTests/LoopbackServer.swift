// A Hummingbird server on 127.0.0.1 (port 0) for the JWKS fetcher tests; counts the requests it receives.
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A small HTTP server on loopback that serves the routes a test adds.
struct LoopbackServer: Sendable {
    /// Counts requests through the router's middleware.
    final class RequestCounter: Sendable {
        private let count = Mutex(0)

        var value: Int { count.withLock { $0 } }

        func increment() {
            count.withLock { $0 += 1 }
        }
    }

    private struct CountingMiddleware: RouterMiddleware {
        typealias Context = BasicRequestContext
        let counter: RequestCounter

        func handle(
            _ request: Request, context: Context, next: (Request, Context) async throws -> Response
        ) async throws -> Response {
            counter.increment()
            return try await next(request, context)
        }
    }

    /// `http://127.0.0.1:PORT`.
    let baseURL: String
    /// How many requests the server received.
    let requests: RequestCounter

    /// Starts a server with the routes `configure` adds, runs `body`, then stops the server.
    static func with<Result: Sendable>(
        _ configure: (Router<BasicRequestContext>) -> Void,
        _ body: (LoopbackServer) async throws -> Result
    ) async throws -> Result {
        let counter = RequestCounter()
        let router = Router(context: BasicRequestContext.self)
        router.middlewares.add(CountingMiddleware(counter: counter))
        configure(router)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "jwks-test"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: Logger(label: "routiq.auth.tests.loopback", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        return try await withThrowingTaskGroup(of: Void.self, returning: Result.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            defer { group.cancelAll() }
            return try await body(LoopbackServer(baseURL: "http://127.0.0.1:\(port)", requests: counter))
        }
    }
}
