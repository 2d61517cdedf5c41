import Foundation
public import Hummingbird
import Logging

/// One log line per request (method, route template, status, duration, organization, request id) and the request
/// metrics. The route is the template (`/{org_id}/patients`), never the raw path, and no query string, token or
/// patient data is logged.
public struct AccessLogMiddleware: RouterMiddleware {
    public typealias Context = APIRequestContext

    private let metrics: APIMetrics

    public init(metrics: APIMetrics) {
        self.metrics = metrics
    }

    public func handle(
        _ request: Request, context: APIRequestContext,
        next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            // The problem middleware sits below this one; anything still thrown is answered by Hummingbird.
            record(request: request, context: context, status: 500, started: started)
            throw error
        }
        record(request: request, context: context, status: Int(response.status.code), started: started)
        return response
    }

    private func record(request: Request, context: APIRequestContext, status: Int, started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let route = Self.routeTemplate(context.endpointPath)
        metrics.recordRequest(method: request.method.rawValue, route: route, status: status, seconds: seconds)
        if let reason = context.record.authenticationFailure {
            metrics.recordAuthenticationFailure(reason: reason)
        }
        var metadata: Logger.Metadata = [
            "http.method": .string(request.method.rawValue), "http.route": .string(route),
            "http.status": .stringConvertible(status),
            "http.duration_ms": .string(String(format: "%.3f", seconds * 1000)),
        ]
        if let organization = context.record.organization { metadata["routiq.org"] = .string(organization) }
        if let rows = context.record.rowsReturned { metadata["routiq.rows"] = .stringConvertible(rows) }
        if let reason = context.record.authenticationFailure { metadata["routiq.auth_failure"] = .string(reason) }
        context.logger.info("request", metadata: metadata)
    }

    /// The matched route's template, or a fixed label for requests that matched none (never the raw path).
    static func routeTemplate(_ endpointPath: String?) -> String {
        guard let endpointPath, endpointPath.hasPrefix("/") else { return "unmatched" }
        return endpointPath
    }
}
