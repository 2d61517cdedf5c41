public import Hummingbird
import Synchronization

/// Bounds every request: no request bodies (the API is read-only) and a deadline for the whole answer, which every
/// database read of the request honours (``APIRequestContext/deadline``): a request past it gets a 503 problem at
/// once, while the read behind it ends within its own bounds (the lease and statement timeouts).
public struct RequestLimitsMiddleware: RouterMiddleware {
    public typealias Context = APIRequestContext

    private let deadline: Duration

    /// - Parameter deadline: The longest a request may take, from routing to response.
    public init(deadline: Duration) {
        self.deadline = deadline
    }

    public func handle(
        _ request: Request, context: APIRequestContext,
        next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        let hasBody = request.headers[.transferEncoding] != nil || (request.headers[.contentLength] ?? "0") != "0"
        guard !hasBody else {
            throw APIProblem(
                status: .contentTooLarge, title: "Content Too Large", detail: "The API takes no request bodies.")
        }
        var context = context
        context.deadline = .now + deadline
        return try await next(request, context)
    }
}
