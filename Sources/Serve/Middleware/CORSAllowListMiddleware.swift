public import HTTPTypes
public import Hummingbird

/// Cross-origin access for the origins on an allow-list (`ROUTIQ_CORS_ORIGINS`); none by default, so a browser on
/// any other origin cannot read a response. Answers preflight requests for allowed origins.
public struct CORSAllowListMiddleware: RouterMiddleware {
    public typealias Context = APIRequestContext

    private let origins: Set<String>

    /// - Parameter origins: Exact origins, e.g. `https://dashboard.example.com`.
    public init(origins: [String]) {
        self.origins = Set(origins)
    }

    public func handle(
        _ request: Request, context: APIRequestContext,
        next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let origin = request.headers[.origin], origins.contains(origin) else {
            var response = try await next(request, context)
            if !origins.isEmpty { response.headers.append(HTTPField(name: .vary, value: "Origin")) }
            return response
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var response = Response(status: .noContent)
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.accessControlAllowMethods] = "GET, HEAD, OPTIONS"
            response.headers[.accessControlAllowHeaders] =
                "Authorization, X-Organization-ID, X-Request-Id, If-None-Match"
            response.headers[.accessControlMaxAge] = "600"
            response.headers.append(HTTPField(name: .vary, value: "Origin"))
            return response
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlExposeHeaders] = "ETag, Link, X-Request-Id, Retry-After"
        response.headers.append(HTTPField(name: .vary, value: "Origin"))
        return response
    }
}
