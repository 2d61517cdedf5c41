import Foundation
import HTTPTypes
import Hummingbird
import Load
import Logging
import NIOCore

/// The routes without authentication: `/health` (the process answers), `/ready` (the database answers and its
/// schema is current; no details), `/openapi.json`, and `/metrics` unless it has a port of its own.
struct OperationalRoutes {
    let reader: WarehouseReader
    let metrics: APIMetrics
    let servesMetrics: Bool

    func register(on router: Router<APIRequestContext>) {
        router.get("health") { _, _ in
            try JSONResponse.make(["status": "ok"])
        }
        router.get("ready") { _, context in
            let ready = await isReady(deadline: context.deadline, logger: context.logger)
            guard ready else {
                throw APIProblem.unavailable("The server is not ready to answer.", retryAfterSeconds: 5)
            }
            return try JSONResponse.make(["status": "ready"])
        }
        router.get("openapi.json") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[.cacheControl] = "public, max-age=300"
            return Response(
                status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes)))
        }
        if servesMetrics {
            Self.registerMetrics(on: router, metrics: metrics)
        }
    }

    /// `/metrics` on `router` (the API's own, or the separate metrics listener's).
    static func registerMetrics<Context: RequestContext>(on router: Router<Context>, metrics: APIMetrics) {
        router.get("metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            headers[.cacheControl] = "no-store"
            return Response(
                status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
    }

    /// Whether a connection comes within the readiness bound and every bundled migration is applied.
    private func isReady(deadline: ContinuousClock.Instant, logger: Logger) async -> Bool {
        do {
            return try await reader.lease(deadline: min(deadline, .now + .seconds(3))) { connection in
                try await SchemaMigrator.isCurrent(connection: connection, logger: logger)
            }
        } catch {
            logger.warning("not ready", metadata: ["routiq.error_type": "\(type(of: error))"])
            return false
        }
    }
}
