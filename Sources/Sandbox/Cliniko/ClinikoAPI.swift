import Foundation
import Hummingbird

/// The Cliniko API under `/cliniko/{shard}/v1/…` (fact sheet §A).
struct ClinikoAPI: Sendable {
    let gateway: APIGateway
    /// Key body → organization index.
    let keys: [String: Int]
    let profiles: [OrganizationProfile]
    let requiresUserAgentEmail: Bool

    init(gateway: APIGateway, profiles: [OrganizationProfile], requiresUserAgentEmail: Bool) {
        self.gateway = gateway
        self.profiles = profiles
        self.requiresUserAgentEmail = requiresUserAgentEmail
        var keys: [String: Int] = [:]
        for profile in profiles { keys[profile.clinikoKeyBody] = profile.index }
        self.keys = keys
    }

    func register(on router: Router<BasicRequestContext>) {
        let group = router.group("cliniko/:shard/v1")
        for resource in ClinikoResource.allCases {
            group.get(RouterPath(resource.rawValue)) { request, context in
                await list(resource, request: request, context: context)
            }
        }
        for resource in [
            ClinikoResource.patients, .individualAppointments, .appointmentTypes, .practitioners, .businesses,
        ] {
            group.get(RouterPath("\(resource.rawValue)/:id")) { request, context in
                await show(resource, request: request, context: context)
            }
        }
        group.get("user") { request, context in
            await serve(request, context, route: "GET /cliniko/{shard}/v1/user") { caller, _, base in
                let clinic = await gateway.state.clinic(caller.organization ?? 0)
                var writer = JSONWriter(capacity: 512)
                ClinikoEncoder(base: base, data: clinic.data, profile: clinic.profile).user(&writer)
                return .json(writer.bytes)
            }
        }
    }

    // MARK: Pipeline

    private func serve(
        _ request: Request, _ context: BasicRequestContext, route: String,
        handler: (APIGateway.Caller, FaultRule?, String) async -> APIResponse
    ) async -> Response {
        let shard = context.parameters.get("shard") ?? ""
        let base = "http://\(request.head.authority ?? "127.0.0.1")/cliniko/\(shard)/v1"
        return await gateway.serve(.cliniko, route: route) {
            authenticate(request, shard: shard)
        } handler: { caller, fault in
            await handler(caller, fault, base)
        }
    }

    /// Basic auth with the key as user name (with or without its `-shard` suffix), on the key's own shard only,
    /// then a `User-Agent` with a contact e-mail.
    func authenticate(_ request: Request, shard: String) -> Result<APIGateway.Caller, APIErrorResponse> {
        let denied = APIErrorResponse(
            response: .text(
                "HTTP Basic: Access denied.\n", status: .unauthorized,
                headers: [.wwwAuthenticate: "Basic realm=\"Application\""])
        )
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let credentials = String(data: decoded, encoding: .utf8)
        else { return .failure(denied) }
        let user =
            credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
            ?? ""
        var body = user
        if let dash = user.lastIndex(of: "-") {
            let suffix = user[user.index(after: dash)...]
            guard suffix == shard else { return .failure(denied) }
            body = String(user[..<dash])
        }
        guard let index = keys[body], profiles[index].shard == shard else { return .failure(denied) }
        let agent = request.headers[.userAgent] ?? ""
        guard !requiresUserAgentEmail || Self.hasContactEmail(agent) else {
            return .failure(
                APIErrorResponse(
                    response: .json(
                        "{\"message\":\"Requests must send a User-Agent header with an application name and a contact email address, e.g. 'Really helpful app (devs@helpfulapp.com)'.\"}",
                        status: .forbidden
                    )
                )
            )
        }
        return .success(
            .init(organization: index, label: "cliniko:\(profiles[index].clerkID)", rateKey: "cliniko:\(body)"))
    }

    /// One record's JSON with its `created_at` replaced by text that is no timestamp (the `corrupt` fault).
    static func corrupted(_ encoder: ClinikoEncoder, _ resource: ClinikoResource, row: Int) -> [UInt8] {
        var single = JSONWriter(capacity: 2048)
        encoder.encode(resource, row: row, into: &single)
        let json = String(decoding: single.bytes, as: UTF8.self)
        guard let range = json.range(of: #""created_at":"[^"]*""#, options: .regularExpression) else {
            return single.bytes
        }
        return Array(json.replacingCharacters(in: range, with: #""created_at":"not a timestamp""#).utf8)
    }

    /// One record's JSON.
    static func json(_ encoder: ClinikoEncoder, _ resource: ClinikoResource, row: Int) -> [UInt8] {
        var single = JSONWriter(capacity: 2048)
        encoder.encode(resource, row: row, into: &single)
        return single.bytes
    }

    /// `json` (one record) with `field`'s value replaced by `value` (JSON text), or added when it has none.
    static func replacing(_ field: String, with value: String, in json: [UInt8]) -> [UInt8] {
        let text = String(decoding: json, as: UTF8.self)
        let pattern = #""\#(field)":("(?:[^"\\]|\\.)*"|null|true|false|-?[0-9][0-9.eE+-]*)"#
        if let range = text.range(of: pattern, options: .regularExpression) {
            return Array(text.replacingCharacters(in: range, with: #""\#(field)":\#(value)"#).utf8)
        }
        return Array(("{\"\(field)\":\(value)," + text.dropFirst()).utf8)
    }

    /// One record's JSON with a value PostgreSQL cannot store (the `hostile` fault); which one depends on the row.
    static func hostile(_ encoder: ClinikoEncoder, _ resource: ClinikoResource, row: Int) -> [UInt8] {
        let choices: [(field: String, value: String)] =
            switch resource {
            case .patients:
                [
                    ("date_of_birth", #""1990-02-30""#), ("first_name", #""Ann\u0000e""#),
                    ("updated_at", #""0000-06-01T00:00:00Z""#),
                    ("email", "\"" + String(repeating: "x", count: 2_000) + "@example.com\""),
                ]
            case .individualAppointments:
                [("cancellation_reason", "4294967296"), ("cancellation_note", #""called\u0000back""#)]
            case .appointmentTypes: [("duration_in_minutes", "4294967296"), ("name", #""Initial\u0000""#)]
            case .practitioners, .inactivePractitioners: [("first_name", #""Sam\u0000""#)]
            case .businesses: [("business_name", #""Main\u0000Street""#)]
            }
        let choice = choices[row % choices.count]
        return replacing(choice.field, with: choice.value, in: json(encoder, resource, row: row))
    }

    static func hasContactEmail(_ agent: String) -> Bool {
        guard let at = agent.firstIndex(of: "@") else { return false }
        let local = agent[..<at].split(whereSeparator: { " (<".contains($0) }).last ?? ""
        let domain = agent[agent.index(after: at)...].prefix { !" )>".contains($0) }
        return !local.isEmpty && domain.contains(".") && !domain.hasSuffix(".")
    }

    // MARK: Handlers

    private func list(_ resource: ClinikoResource, request: Request, context: BasicRequestContext) async -> Response {
        await serve(request, context, route: "GET /cliniko/{shard}/v1/\(resource.rawValue)") { caller, fault, base in
            let organization = caller.organization ?? 0
            let clinic = await gateway.state.clinic(organization)
            let query = QueryParameters(request.uri.query)
            let page: ClinikoPage
            do throws(ClinikoFilter.Invalid) {
                page = try ClinikoPage(resource: resource, query: query, clinic: clinic)
            } catch {
                var writer = JSONWriter(capacity: 128)
                writer.beginObject()
                writer.key("message")
                writer.string(error.message)
                writer.endObject()
                return .json(writer.bytes, status: .badRequest)
            }
            var rows = page.rows
            if fault?.kind == .duplicate, page.start > 0, page.start <= page.order.count {
                rows.insert(Int(page.order[page.start - 1]), at: 0)
            }
            let encoder = ClinikoEncoder(base: base, data: clinic.data, profile: clinic.profile)
            var writer = JSONWriter(capacity: 1800 * max(rows.count, 1) + 1024)
            writer.beginObject()
            writer.key(resource.listKey)
            writer.beginArray()
            for (index, row) in rows.enumerated() {
                writer.element()
                if index == 0, fault?.kind == .corrupt {
                    writer.rawBytes(Self.corrupted(encoder, resource, row: row))
                } else if index == 0, fault?.kind == .future {
                    writer.rawBytes(
                        Self.replacing(
                            "updated_at", with: #""2099-01-01T00:00:00Z""#, in: Self.json(encoder, resource, row: row)))
                } else if index == 0, fault?.kind == .hostile {
                    writer.rawBytes(Self.hostile(encoder, resource, row: row))
                } else {
                    encoder.encode(resource, row: row, into: &writer)
                }
            }
            writer.endArray()
            writer.key("total_entries")
            writer.int(page.total)
            writer.key("links")
            writer.beginObject()
            let path = "\(base)/\(resource.rawValue)"
            writer.key("self")
            writer.string(page.link(path, query: query, page: page.number))
            if page.hasNext {
                writer.key("next")
                writer.string(page.link(path, query: query, page: page.number + 1))
            }
            if page.number > 1 {
                writer.key("previous")
                writer.string(page.link(path, query: query, page: page.number - 1))
            }
            writer.endObject()
            writer.endObject()
            if fault?.kind == .delete, resource == .patients, let first = page.rows.first {
                await gateway.state.delete(organization: organization, patient: Int(first))
            }
            if fault?.kind == .change, page.start + page.perPage < page.order.count {
                await gateway.state.touch(
                    organization: organization, resource: resource,
                    row: Int(page.order[page.start + page.perPage]))
            }
            return .json(writer.bytes)
        }
    }

    private func show(_ resource: ClinikoResource, request: Request, context: BasicRequestContext) async -> Response {
        await serve(request, context, route: "GET /cliniko/{shard}/v1/\(resource.rawValue)/{id}") { caller, _, base in
            let clinic = await gateway.state.clinic(caller.organization ?? 0)
            let id = context.parameters.get("id").flatMap { Int64($0) }
            let all =
                resource == .practitioners
                ? Array(0..<Int32(clinic.data.practitioners.count)) : resource.rows(in: clinic.data)
            guard let id,
                let row = all.first(where: { resource.value("id", row: Int($0), in: clinic.data).matchesID(id) })
            else {
                return .json("{\"message\":\"Not found\"}", status: .notFound)
            }
            var writer = JSONWriter(capacity: 2048)
            ClinikoEncoder(base: base, data: clinic.data, profile: clinic.profile)
                .encode(resource, row: Int(row), into: &writer)
            return .json(writer.bytes)
        }
    }
}

extension FieldValue {
    fileprivate func matchesID(_ id: Int64) -> Bool {
        if case .number(let value) = self { return value == id }
        return false
    }
}
