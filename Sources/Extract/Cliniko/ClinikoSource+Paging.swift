import Foundation
import Pipeline

extension ClinikoSource {
    /// One list endpoint to walk.
    struct ListPlan: Sendable {
        var resource: String
        var startURL: String
        /// For practitioners: the activity the endpoint implies.
        var isActive: Bool?
    }

    /// Where a walk over one or more list endpoints is.
    struct ListState: Sendable {
        var plan: Int
        var url: String
        /// Ids of the previous page, to drop records a shifted page repeats.
        var previousIDs: Set<String>
    }

    /// The first page's URL of `path`: `per_page`, `q[]=FIELD:*` for each hidden field and, when incremental,
    /// `q[]=updated_at:>=CURSOR−overlap` with `sort=updated_at`.
    func plan(
        _ resource: String, path: String, since cursor: Date?, including hidden: [String], isActive: Bool? = nil
    ) -> ListPlan {
        var items = [("per_page", String(min(max(configuration.settings.perPage, 1), 100)))]
        if let cursor {
            let from = cursor.addingTimeInterval(-Double(max(configuration.settings.overlapMinutes, 0)) * 60)
            items.append(("q[]", "updated_at:>=" + Timestamp.formatISO8601(from)))
            items.append(("sort", "updated_at"))
        }
        for field in hidden { items.append(("q[]", "\(field):*")) }
        return ListPlan(resource: resource, startURL: URLQuery.url(baseURL, path, items), isActive: isActive)
    }

    /// Walks `plans` one after the other, each to its last page.
    func pages<Payload: RecordPayload>(_ payload: Payload.Type, plans: [ListPlan]) -> SourcePages<Payload.Record> {
        guard let first = plans.first else { return SourcePages(initial: 0) { _, _ in (nil, nil) } }
        return SourcePages(initial: ListState(plan: 0, url: first.startURL, previousIDs: [])) { state, pageNumber in
            let plan = plans[state.plan]
            var (page, nextURL, ids) = try await fetchPage(
                Payload.self, resource: plan.resource, url: state.url, previousIDs: state.previousIDs,
                pageNumber: pageNumber)
            if let isActive = plan.isActive, var records = page.records as? [Practitioner] {
                for index in records.indices { records[index].isActive = isActive }
                page.records = records as! [Payload.Record]
            }
            // One endpoint's total is not the resource's when the resource walks several (practitioners).
            if plans.count > 1 { page.expectedTotal = nil }
            client.metrics.count(page)
            if let nextURL {
                return (page, ListState(plan: state.plan, url: nextURL, previousIDs: ids))
            }
            let following = state.plan + 1
            guard following < plans.count else { return (page, nil) }
            return (page, ListState(plan: following, url: plans[following].startURL, previousIDs: []))
        }
    }

    /// Fetches and decodes one list page.
    ///
    /// - Returns: The page (without records repeated from the previous page), the checked `links.next` URL, and
    ///   the ids on this page.
    func fetchPage<Payload: RecordPayload>(
        _ payload: Payload.Type, resource: String, url: String, previousIDs: Set<String>, pageNumber: Int
    ) async throws -> (page: SourcePage<Payload.Record>, next: String?, ids: Set<String>) {
        let decoder = PageDecoder(source: .cliniko, resource: resource)
        let (page, next, ids) = try await client.get(url, resource: resource, logger: logger) { body in
            let scanner = JSONScanner(bytes: body)
            let root = try scanner.rootValue()
            guard let members = try scanner.members(of: root),
                let array = members.first(where: { $0.key == resource })?.value,
                let elements = try scanner.elements(of: array)
            else { throw FieldError(reason: "response has no `\(resource)` array") }
            var next: String?
            if let links = members.first(where: { $0.key == "links" })?.value,
                let nextRange = try scanner.member("next", of: links)
            {
                next = scanner.scalarText(nextRange).flatMap { $0.isEmpty ? nil : $0 }
            }
            var ids = Set<String>()
            var kept: [Range<Int>] = []
            kept.reserveCapacity(elements.count)
            for element in elements {
                if let id = try scanner.member("id", of: element).flatMap(scanner.scalarText) {
                    if previousIDs.contains(id) { continue }
                    ids.insert(id)
                }
                kept.append(element)
            }
            var page = decoder.decode(Payload.self, elements: kept, in: scanner, pageNumber: pageNumber)
            page.expectedTotal = members.first { $0.key == "total_entries" }.flatMap { scanner.scalarText($0.value) }
                .flatMap { Int($0) }
            return (page, next, ids)
        }
        return (page, try next.map { try checkedNextURL($0, resource: resource) }, ids)
    }

    /// `links.next`, refused when it points at another origin than the base URL (the key must not leave the
    /// account's API), with `per_page` added back if the link lost it (an old Cliniko bug, fact sheet §A.3).
    func checkedNextURL(_ next: String, resource: String) throws(ExtractError) -> String {
        guard let origin = URLQuery.origin(of: next), origin == URLQuery.origin(of: baseURL) else {
            throw ExtractError(
                code: .invalidResponse, source: .cliniko, resource: resource,
                organizationID: configuration.organizationID,
                message: "links.next points at another host than the configured base URL; not followed")
        }
        guard !URLQuery.hasParameter("per_page", in: next) else { return next }
        let perPage = min(max(configuration.settings.perPage, 1), 100)
        return next + (next.contains("?") ? "&" : "?") + "per_page=\(perPage)"
    }
}
