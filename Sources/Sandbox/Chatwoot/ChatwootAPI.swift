import HTTPTypes
import Hummingbird

/// The Chatwoot Application API under `/chatwoot/api/v1/accounts/{account_id}/…` (fact sheet §B).
struct ChatwootAPI: Sendable {
    let gateway: APIGateway
    let profiles: [OrganizationProfile]
    /// Access token → organization index.
    let tokens: [String: Int]
    /// Ignore `api_access_token` as nginx with `underscores_in_headers off` does.
    let dropsUnderscoreHeaders: Bool

    static let contactsPerPage = 15
    static let conversationsPerPage = 25
    static let messagesPerPage = 20

    init(gateway: APIGateway, profiles: [OrganizationProfile], dropsUnderscoreHeaders: Bool) {
        self.gateway = gateway
        self.dropsUnderscoreHeaders = dropsUnderscoreHeaders
        self.profiles = profiles
        var tokens: [String: Int] = [:]
        for profile in profiles { tokens[profile.chatwootToken] = profile.index }
        self.tokens = tokens
    }

    func register(on router: Router<BasicRequestContext>) {
        let group = router.group("chatwoot/api/v1/accounts/:account_id")
        group.get("contacts") { request, context in
            await serve(request, context, route: "GET /chatwoot/api/v1/accounts/{account_id}/contacts") {
                clinic, query in
                contacts(clinic, query)
            }
        }
        group.get("contacts/:id") { request, context in
            await serve(request, context, route: "GET /chatwoot/api/v1/accounts/{account_id}/contacts/{id}") {
                clinic, _ in
                guard let id = context.parameters.get("id").flatMap(Int32.init),
                    let index = clinic.data.contacts.firstIndex(where: { $0.id == id })
                else { return Self.notFound }
                var w = JSONWriter()
                w.beginObject()
                w.key("payload")
                encoder(clinic, true).contact(index, &w)
                w.endObject()
                return .json(w.bytes)
            }
        }
        group.get("contacts/:id/conversations") { request, context in
            await serve(
                request, context, route: "GET /chatwoot/api/v1/accounts/{account_id}/contacts/{id}/conversations"
            ) {
                clinic, _ in
                guard let id = context.parameters.get("id").flatMap(Int32.init),
                    let contact = clinic.data.contacts.firstIndex(where: { $0.id == id })
                else { return Self.notFound }
                let encoder = encoder(clinic, false)
                var w = JSONWriter(capacity: 16_384)
                w.beginObject()
                w.key("payload")
                w.beginArray()
                for (index, conversation) in clinic.data.conversations.enumerated()
                where conversation.contact == Int32(contact) {
                    w.element()
                    encoder.conversation(index, &w)
                }
                w.endArray()
                w.endObject()
                return .json(w.bytes)
            }
        }
        group.get("conversations") { request, context in
            await serve(request, context, route: "GET /chatwoot/api/v1/accounts/{account_id}/conversations") {
                clinic, query in
                conversations(clinic, query)
            }
        }
        group.get("conversations/:id") { request, context in
            await serve(request, context, route: "GET /chatwoot/api/v1/accounts/{account_id}/conversations/{id}") {
                clinic, _ in
                guard let index = conversationIndex(clinic, context) else { return Self.notFound }
                var w = JSONWriter()
                encoder(clinic, false).conversation(index, &w)
                return .json(w.bytes)
            }
        }
        group.get("conversations/:id/messages") { request, context in
            await serve(
                request, context, route: "GET /chatwoot/api/v1/accounts/{account_id}/conversations/{id}/messages"
            ) {
                clinic, query in
                guard let index = conversationIndex(clinic, context) else { return Self.notFound }
                return messages(clinic, index, query)
            }
        }
    }

    static let notFound = APIResponse.json("{\"error\":\"Resource could not be found\"}", status: .notFound)

    private func encoder(_ clinic: Clinic, _ inboxes: Bool) -> ChatwootEncoder {
        ChatwootEncoder(data: clinic.data, accountID: clinic.profile.chatwootAccountID, includeContactInboxes: inboxes)
    }

    private func conversationIndex(_ clinic: Clinic, _ context: BasicRequestContext) -> Int? {
        guard let id = context.parameters.get("id").flatMap(Int32.init), id >= 1,
            Int(id) <= clinic.data.conversations.count
        else { return nil }
        return Int(id) - 1
    }

    private func serve(
        _ request: Request, _ context: BasicRequestContext, route: String,
        handler: @escaping (Clinic, QueryParameters) async -> APIResponse
    ) async -> Response {
        await gateway.serve(.chatwoot, route: route) {
            authenticate(request, accountID: context.parameters.get("account_id") ?? "")
        } handler: { caller, _ in
            let clinic = await gateway.state.clinic(caller.organization ?? 0)
            return await handler(clinic, QueryParameters(request.uri.query))
        }
    }

    /// `api_access_token` (or `Api-Access-Token`) must belong to a user of the account in the path.
    func authenticate(_ request: Request, accountID: String) -> Result<APIGateway.Caller, APIErrorResponse> {
        let token =
            (dropsUnderscoreHeaders ? nil : request.headers[HTTPField.Name("api_access_token")!])
            ?? request.headers[HTTPField.Name("Api-Access-Token")!]
        guard let token, let index = tokens[token] else {
            return .failure(
                APIErrorResponse(
                    response: .json(
                        "{\"errors\":[\"You need to sign in or sign up before continuing.\"]}", status: .unauthorized)
                )
            )
        }
        guard String(profiles[index].chatwootAccountID) == accountID else {
            return .failure(
                APIErrorResponse(
                    response: .json("{\"error\":\"You are not authorized to do this action\"}", status: .unauthorized)
                )
            )
        }
        return .success(
            .init(
                organization: index, label: "chatwoot:\(profiles[index].chatwootAccountID)",
                rateKey: "chatwoot:\(token)"))
    }

    // MARK: Handlers

    private func contacts(_ clinic: Clinic, _ query: QueryParameters) -> APIResponse {
        let data = clinic.data
        let sort = query["sort"] ?? "-last_activity_at"
        let order = clinic.order(for: "contacts|\(sort)") {
            // Only "resolved" contacts (with an email, phone number or identifier) are listed.
            var rows = (0..<Int32(data.contacts.count)).filter {
                let c = data.contacts[Int($0)]
                return c.email != nil || c.phoneNumber != nil || c.identifier != nil
            }
            let descending = sort.hasPrefix("-")
            let field = descending ? String(sort.dropFirst()) : sort
            func key(_ row: Int32) -> String {
                let c = data.contacts[Int(row)]
                switch field {
                case "name": return c.name
                case "email": return c.email ?? ""
                case "phone_number": return c.phoneNumber ?? ""
                default: return ""
                }
            }
            rows.sort { lhs, rhs in
                let a = data.contacts[Int(lhs)]
                let b = data.contacts[Int(rhs)]
                switch field {
                case "last_activity_at", "created_at":
                    let x = field == "created_at" ? a.createdAt : a.lastActivityAt
                    let y = field == "created_at" ? b.createdAt : b.lastActivityAt
                    if x != y { return descending ? x > y : x < y }
                case "name", "email", "phone_number":
                    let x = key(lhs), y = key(rhs)
                    if x != y { return descending ? x > y : x < y }
                default: break
                }
                return a.id < b.id
            }
            return rows
        }
        let page = max(Int(query["page"] ?? "1") ?? 1, 1)
        let start = (page - 1) * Self.contactsPerPage
        let encoder = encoder(clinic, query["include_contact_inboxes"] != "false")
        var w = JSONWriter(capacity: 8192)
        w.beginObject()
        w.key("meta")
        w.beginObject()
        w.field("count", int: order.count)
        w.key("current_page")
        if let raw = query["page"] { w.string(raw) } else { w.int(1) }
        w.endObject()
        w.key("payload")
        w.beginArray()
        if start < order.count {
            for row in order[start..<min(start + Self.contactsPerPage, order.count)] {
                w.element()
                encoder.contact(Int(row), &w)
            }
        }
        w.endArray()
        w.endObject()
        return .json(w.bytes)
    }

    private func conversations(_ clinic: Clinic, _ query: QueryParameters) -> APIResponse {
        let data = clinic.data
        let status = query["status"] ?? "open"
        let statusIndex = ChatwootConversation.statuses.firstIndex { "\($0)" == status }
        guard status == "all" || statusIndex != nil else {
            return .json("{\"error\":\"Invalid status\"}", status: .unprocessableContent)
        }
        let sortBy = query["sort_by"] ?? "last_activity_at_desc"
        let order = clinic.order(for: "conversations|\(status)|\(sortBy)") {
            var rows = (0..<Int32(data.conversations.count)).filter {
                statusIndex == nil || Int(data.conversations[Int($0)].status) == statusIndex
            }
            let byCreated = sortBy.hasPrefix("created_at")
            let ascending = sortBy.hasSuffix("_asc")
            rows.sort { lhs, rhs in
                let a = data.conversations[Int(lhs)]
                let b = data.conversations[Int(rhs)]
                let x = byCreated ? a.createdAt : a.lastActivityAt
                let y = byCreated ? b.createdAt : b.lastActivityAt
                if x != y { return ascending ? x < y : x > y }
                return ascending ? lhs < rhs : lhs > rhs
            }
            return rows
        }
        let page = max(Int(query["page"] ?? "1") ?? 1, 1)
        let start = (page - 1) * Self.conversationsPerPage
        let assigned = order.count { ChatwootEncoder.isAssigned(data.conversations[Int($0)]) }
        let mine = order.count {
            ChatwootEncoder.isAssigned(data.conversations[Int($0)])
                && data.conversations[Int($0)].displayID % Int32(Catalog.agents.count) == 0
        }
        let encoder = encoder(clinic, false)
        var w = JSONWriter(capacity: 32_768)
        w.beginObject()
        w.key("data")
        w.beginObject()
        w.key("meta")
        w.beginObject()
        w.field("mine_count", int: mine)
        w.field("assigned_count", int: assigned)
        w.field("unassigned_count", int: order.count - assigned)
        w.field("all_count", int: order.count)
        w.endObject()
        w.key("payload")
        w.beginArray()
        if start < order.count {
            for row in order[start..<min(start + Self.conversationsPerPage, order.count)] {
                w.element()
                encoder.conversation(Int(row), &w)
            }
        }
        w.endArray()
        w.endObject()
        w.endObject()
        return .json(w.bytes)
    }

    /// Latest 20; `before` gives 20 older; `after` up to 100 newer; both up to 1,000 between. Ascending.
    private func messages(_ clinic: Clinic, _ index: Int, _ query: QueryParameters) -> APIResponse {
        let conversation = clinic.data.conversations[index]
        let before = query["before"].flatMap(Int32.init)
        let after = query["after"].flatMap(Int32.init)
        var selected = conversation.messages.indices.filter { position in
            let id = conversation.messages[position].id
            return (before.map { id < $0 } ?? true) && (after.map { id > $0 } ?? true)
        }
        switch (before, after) {
        case (.some, .some): selected = Array(selected.prefix(1000))
        case (nil, .some): selected = Array(selected.prefix(100))
        default: selected = Array(selected.suffix(Self.messagesPerPage))
        }
        let encoder = encoder(clinic, false)
        let contact = Int(conversation.contact)
        var w = JSONWriter(capacity: 16_384)
        w.beginObject()
        w.key("meta")
        w.beginObject()
        w.field("additional_attributes", raw: "{}")
        w.field("agent_last_seen_at", int: Int64(conversation.lastActivityAt))
        w.key("assignee")
        if ChatwootEncoder.isAssigned(conversation) {
            encoder.agent(Int(conversation.displayID) % Catalog.agents.count, &w)
        } else {
            w.null()
        }
        w.field("assignee_last_seen_at", int: Int64(conversation.lastActivityAt))
        w.key("contact")
        w.beginObject()
        w.key("payload")
        w.beginArray()
        w.element()
        encoder.contact(contact, &w)
        w.endArray()
        w.endObject()
        w.key("labels")
        w.beginArray()
        for (bit, label) in ChatwootConversation.labelNames.enumerated() where conversation.labels & (1 << bit) != 0 {
            w.element()
            w.string(label)
        }
        w.endArray()
        w.endObject()
        w.key("payload")
        w.beginArray()
        for position in selected {
            w.element()
            encoder.message(conversation, position, &w)
        }
        w.endArray()
        w.endObject()
        return .json(w.bytes)
    }
}
