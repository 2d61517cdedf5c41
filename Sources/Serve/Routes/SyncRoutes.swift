import Hummingbird
import Load

/// `GET /sync/{org_id}/status` (the last run and each source's freshness) and `GET /sync/{org_id}/logs` (run
/// history, newest first, paginated).
struct SyncRoutes {
    let reader: WarehouseReader

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get("status") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let organization = try context.authorizedOrganization()
            let logger = context.logger
            let status = try await reader.read(organization, deadline: context.deadline, logger: logger) { connection in
                try await SyncReadStore(connection: connection, organization: organization, logger: logger).status()
            }
            return try JSONResponse.make(status)
        }
        group.get("logs") { request, context in
            let parameters = try QueryParameters(request, allowed: ["limit", "cursor"])
            let limit = try parameters.integer("limit", in: 1...500, default: 50)
            let organization = try context.authorizedOrganization()
            let logger = context.logger
            let page = try await reader.read(organization, deadline: context.deadline, logger: logger) { connection in
                try await SyncReadStore(connection: connection, organization: organization, logger: logger)
                    .logs(limit: limit, cursor: parameters["cursor"])
            }
            var next: String?
            if let cursor = page.nextCursor {
                next = request.link(replacingQueryWith: [("limit", String(limit)), ("cursor", cursor)])
            }
            var headers = HTTPFields()
            if let next { headers[.link] = "<\(next)>; rel=\"next\"" }
            return try JSONResponse.make(
                PageEnvelope(rows: page.rows, totalCount: page.totalCount, nextCursor: page.nextCursor, next: next),
                headers: headers)
        }
    }
}
