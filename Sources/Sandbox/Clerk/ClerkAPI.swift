import Hummingbird

/// The Clerk Backend API under `/clerk/v1/…` and the frontend JWKS (fact sheet §C).
struct ClerkAPI: Sendable {
    let gateway: APIGateway
    let directory: ClerkDirectory
    let profiles: [OrganizationProfile]
    let minter: SessionTokenMinter

    func register(on router: Router<BasicRequestContext>) {
        let group = router.group("clerk/v1")
        group.get("users") { request, context in
            await serve(request, route: "GET /clerk/v1/users") { query in users(query) }
        }
        group.get("users/count") { request, context in
            await serve(request, route: "GET /clerk/v1/users/count") { _ in
                .json("{\"object\":\"total_count\",\"total_count\":\(directory.users.count)}", status: .ok)
            }
        }
        group.get("users/:id") { request, context in
            await serve(request, route: "GET /clerk/v1/users/{id}") { _ in
                guard let index = directory.users.firstIndex(where: { $0.id == context.parameters.get("id") }) else {
                    return Self.notFound
                }
                var w = JSONWriter()
                encoder.user(index, &w)
                return .json(w.bytes)
            }
        }
        group.get("organizations") { request, context in
            await serve(request, route: "GET /clerk/v1/organizations") { query in organizations(query) }
        }
        group.get("organizations/:id") { request, context in
            await serve(request, route: "GET /clerk/v1/organizations/{id}") { _ in
                let id = context.parameters.get("id")
                guard let index = profiles.firstIndex(where: { $0.clerkID == id || $0.slug == id }) else {
                    return Self.notFound
                }
                var w = JSONWriter()
                encoder.organization(index, includeMembersCount: true, &w)
                return .json(w.bytes)
            }
        }
        group.get("organizations/:id/memberships") { request, context in
            await serve(request, route: "GET /clerk/v1/organizations/{id}/memberships") { query in
                let id = context.parameters.get("id")
                guard let index = profiles.firstIndex(where: { $0.clerkID == id || $0.slug == id }) else {
                    return Self.notFound
                }
                return memberships(organization: index, query)
            }
        }
        group.get("jwks") { request, context in
            await serve(request, route: "GET /clerk/v1/jwks") { _ in .json(minter.jwks) }
        }
        router.get("clerk/.well-known/jwks.json") { _, _ in
            await gateway.stats.record(
                api: "clerk", route: "GET /clerk/.well-known/jwks.json", status: 200,
                credential: "clerk:public", fault: nil)
            return APIResponse.json(minter.jwks).response
        }
    }

    static let notFound = APIResponse.json(
        ClerkErrorBody.make(code: "resource_not_found", message: "not found", longMessage: "Resource not found"),
        status: .notFound
    )

    private var encoder: ClerkEncoder { ClerkEncoder(directory: directory, profiles: profiles) }

    private func serve(
        _ request: Request, route: String, handler: (QueryParameters) async -> APIResponse
    ) async -> Response {
        await gateway.serve(.clerk, route: route) {
            authenticate(request)
        } handler: { _, _ in
            await handler(QueryParameters(request.uri.query))
        }
    }

    /// `Authorization: Bearer sk_test_…` with the instance's secret key.
    func authenticate(_ request: Request) -> Result<APIGateway.Caller, APIErrorResponse> {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            header.dropFirst(7) == directory.secretKey
        else {
            return .failure(
                APIErrorResponse(
                    response: .json(
                        ClerkErrorBody.make(
                            code: "authentication_invalid", message: "Invalid authentication",
                            longMessage: "Unable to authenticate the request, you need to supply an active API key"
                        ),
                        status: .unauthorized
                    )
                )
            )
        }
        return .success(.init(organization: nil, label: "clerk:\(directory.instanceID)", rateKey: "clerk:instance"))
    }

    /// Validates `limit` (1…500, default 10) and `offset` (≥ 0).
    private func window(_ query: QueryParameters) -> Result<(limit: Int, offset: Int), APIErrorResponse> {
        let limit = Int(query["limit"] ?? "10") ?? -1
        let offset = Int(query["offset"] ?? "0") ?? -1
        guard (1...500).contains(limit), offset >= 0 else {
            let name = (1...500).contains(limit) ? "offset" : "limit"
            return .failure(
                APIErrorResponse(
                    response: .json(
                        ClerkErrorBody.make(
                            code: "form_param_value_invalid", message: "is invalid",
                            longMessage: "\(name) must be \(name == "limit" ? "between 1 and 500" : "0 or greater")"),
                        status: .unprocessableContent
                    )
                )
            )
        }
        return .success((limit, offset))
    }

    private func users(_ query: QueryParameters) -> APIResponse {
        let window: (limit: Int, offset: Int)
        switch self.window(query) {
        case .success(let value): window = value
        case .failure(let failure): return failure.response
        }
        let orderBy = query["order_by"] ?? "-created_at"
        let descending = !orderBy.hasPrefix("+") && orderBy.hasPrefix("-")
        let field = orderBy.trimmingPrefix(while: { $0 == "+" || $0 == "-" })
        var rows = Array(directory.users.indices)
        let wanted = Set(query.all("user_id[]") + query.all("user_id"))
        if !wanted.isEmpty { rows.removeAll { !wanted.contains(directory.users[$0].id) } }
        let organizations = Set(query.all("organization_id[]") + query.all("organization_id"))
        if !organizations.isEmpty {
            rows.removeAll { user in
                !directory.memberships.contains {
                    $0.user == user && organizations.contains(profiles[$0.organization].clerkID)
                }
            }
        }
        rows.sort { lhs, rhs in
            let a = directory.users[lhs], b = directory.users[rhs]
            let ordered: Bool?
            switch field {
            case "updated_at": ordered = a.updatedAt == b.updatedAt ? nil : a.updatedAt < b.updatedAt
            case "last_sign_in_at", "last_active_at":
                ordered = a.lastSignInAt == b.lastSignInAt ? nil : (a.lastSignInAt ?? 0) < (b.lastSignInAt ?? 0)
            case "first_name": ordered = a.firstName == b.firstName ? nil : a.firstName < b.firstName
            case "last_name": ordered = a.lastName == b.lastName ? nil : a.lastName < b.lastName
            case "email_address": ordered = a.email == b.email ? nil : a.email < b.email
            default: ordered = a.createdAt == b.createdAt ? nil : a.createdAt < b.createdAt
            }
            guard let ordered else { return lhs < rhs }
            return descending ? !ordered : ordered
        }
        var start = window.offset
        if let cursor = query["starting_after"] {
            // Cursor paging needs created_at ordering and no offset.
            guard window.offset == 0, field == "created_at",
                let position = rows.firstIndex(where: { directory.users[$0].id == cursor })
            else {
                return .json(
                    ClerkErrorBody.make(
                        code: "form_param_value_invalid", message: "is invalid",
                        longMessage: "starting_after needs created_at ordering, no offset and a known user id"),
                    status: .unprocessableContent
                )
            }
            start = position + 1
        }
        var w = JSONWriter(capacity: 2048 * window.limit)
        w.beginArray()
        for index in rows.dropFirst(start).prefix(window.limit) {
            w.element()
            encoder.user(index, &w)
        }
        w.endArray()
        return .json(w.bytes)
    }

    private func organizations(_ query: QueryParameters) -> APIResponse {
        let window: (limit: Int, offset: Int)
        switch self.window(query) {
        case .success(let value): window = value
        case .failure(let failure): return failure.response
        }
        let orderBy = query["order_by"] ?? "-created_at"
        var rows = Array(profiles.indices)
        rows.sort { lhs, rhs in
            let a = profiles[lhs], b = profiles[rhs]
            let ascending: Bool
            switch orderBy.trimmingPrefix(while: { $0 == "+" || $0 == "-" }) {
            case "name": ascending = a.name == b.name ? lhs < rhs : a.name < b.name
            default: ascending = a.createdAt == b.createdAt ? lhs < rhs : a.createdAt < b.createdAt
            }
            return orderBy.hasPrefix("-") ? !ascending : ascending
        }
        let includeCount = query["include_members_count"] == "true"
        var w = JSONWriter(capacity: 1024 * max(rows.count, 1))
        w.beginObject()
        w.key("data")
        w.beginArray()
        for index in rows.dropFirst(window.offset).prefix(window.limit) {
            w.element()
            encoder.organization(index, includeMembersCount: includeCount, &w)
        }
        w.endArray()
        w.field("total_count", int: rows.count)
        w.endObject()
        return .json(w.bytes)
    }

    private func memberships(organization: Int, _ query: QueryParameters) -> APIResponse {
        let window: (limit: Int, offset: Int)
        switch self.window(query) {
        case .success(let value): window = value
        case .failure(let failure): return failure.response
        }
        var rows = directory.memberships.indices.filter { directory.memberships[$0].organization == organization }
        let roles = Set(query.all("role[]") + query.all("role"))
        if !roles.isEmpty {
            rows.removeAll { !roles.contains(directory.memberships[$0].isAdmin ? "org:admin" : "org:member") }
        }
        let ascending = (query["order_by"] ?? "-created_at") == "+created_at" || query["order_by"] == "created_at"
        rows.sort { lhs, rhs in
            let a = directory.memberships[lhs].createdAt, b = directory.memberships[rhs].createdAt
            if a != b { return ascending ? a < b : a > b }
            return lhs < rhs
        }
        var w = JSONWriter(capacity: 2048 * max(rows.count, 1))
        w.beginObject()
        w.key("data")
        w.beginArray()
        for index in rows.dropFirst(window.offset).prefix(window.limit) {
            w.element()
            encoder.membership(index, &w)
        }
        w.endArray()
        w.field("total_count", int: rows.count)
        w.endObject()
        return .json(w.bytes)
    }
}
