public import Hummingbird
import Load
import Logging

/// Turns every error thrown below it into a problem document. What reaches the client is the problem's title and
/// detail; the underlying error goes to the log (at error level only for the server's own failures), never to the
/// client.
public struct ProblemMiddleware: RouterMiddleware {
    public typealias Context = APIRequestContext

    public init() {}

    public func handle(
        _ request: Request, context: APIRequestContext,
        next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Self.problem(for: error, logger: context.logger)
            return problem.response(requestID: context.requestID)
        }
    }

    /// The problem a thrown error becomes.
    static func problem(for error: any Error, logger: Logger) -> APIProblem {
        switch error {
        case let problem as APIProblem:
            return problem
        case let error as ReadError:
            return .invalidParameter(error.parameter, error.reason)
        case let error as DatabaseError where error.code == .connectionUnavailable:
            logger.warning("no database connection free in time", metadata: ["routiq.error": "\(error.code)"])
            return .unavailable("The database is busy; try again shortly.")
        case let error as DatabaseError where error.code == .statementTimeout:
            logger.warning("a read exceeded its statement timeout", metadata: ["routiq.error": "\(error.code)"])
            return .unavailable("The query took too long; try again shortly.")
        case let error as any HTTPResponseError:
            return problem(for: error.status)
        case is CancellationError:
            return .unavailable("The server is shutting down or the request was cancelled.")
        default:
            // The type only: a database error's text may quote a value.
            logger.error("request failed", metadata: ["routiq.error_type": "\(type(of: error))"])
            logger.debug("request failure", metadata: ["routiq.error": "\(String(reflecting: error))"])
            return .internalError
        }
    }

    private static func problem(for status: HTTPResponse.Status) -> APIProblem {
        switch status {
        case .notFound: .notFound()
        case .methodNotAllowed:
            APIProblem(status: status, title: "Method Not Allowed", detail: "The API is read-only: use GET.")
        case .contentTooLarge:
            APIProblem(status: status, title: "Content Too Large", detail: "The API takes no request bodies.")
        default:
            APIProblem(status: status, title: status.reasonPhrase)
        }
    }
}
