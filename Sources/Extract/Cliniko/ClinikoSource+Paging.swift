import Foundation
import Pipeline

extension ClinikoSource {
    /// One list endpoint to walk.
    struct ListPlan: Sendable {
        var resource: String
        var path: String
        /// The query every page repeats: `per_page`, the filters and `sort=id`.
        var items: [(String, String)]
        /// For practitioners: the activity the endpoint implies.
        var isActive: Bool?

        /// The URL of the page after the record with id `after` (the first page when `nil`).
        func url(base: String, after: Int64?) -> String {
            URLQuery.url(base, path, after.map { items + [("q[]", "id:>\($0)")] } ?? items)
        }
    }

    /// Where a walk over one or more list endpoints is.
    struct ListState: Sendable {
        var plan: Int
        /// The largest id read so far on this plan; the next page starts after it.
        var after: Int64?
        /// Records read so far on this plan (the announced total counts only those after `after`).
        var read = 0
    }

    /// The query of `path`: `per_page`, `q[]=FIELD:*` for each hidden field and, when incremental,
    /// `q[]=updated_at:>=CURSOR−overlap`; always sorted by id.
    ///
    /// Pages are walked by id (keyset paging: each page asks for `q[]=id:>LAST`), not by page number: a record
    /// created, deleted or edited while the walk is under way cannot shift the records behind it onto a page already
    /// read, so none is skipped — which matters most in full runs, where a skipped record would be marked removed.
    func plan(
        _ resource: String, path: String, since cursor: Date?, including hidden: [String], isActive: Bool? = nil
    ) -> ListPlan {
        var items = [("per_page", String(min(max(configuration.settings.perPage, 1), 100)))]
        if let cursor {
            let from = cursor.addingTimeInterval(-Double(max(configuration.settings.overlapMinutes, 0)) * 60)
            items.append(("q[]", "updated_at:>=" + Timestamp.formatISO8601(from)))
        }
        for field in hidden { items.append(("q[]", "\(field):*")) }
        items.append(("sort", "id"))
        return ListPlan(resource: resource, path: path, items: items, isActive: isActive)
    }

    /// Walks `plans` one after the other, each to its last page.
    func pages<Payload: RecordPayload>(_ payload: Payload.Type, plans: [ListPlan]) -> SourcePages<Payload.Record> {
        guard !plans.isEmpty else { return SourcePages(initial: 0) { _, _ in (nil, nil) } }
        return SourcePages(initial: ListState(plan: 0, after: nil)) { state, pageNumber in
            let plan = plans[state.plan]
            var (page, hasNext, lastID, remaining) = try await fetchPage(
                Payload.self, resource: plan.resource, url: plan.url(base: baseURL, after: state.after),
                after: state.after, pageNumber: pageNumber)
            let read = state.read + page.records.count + page.rejections.count
            // For progress only: what this list holds in all. Two lists (practitioners) have no single total.
            page.expectedTotal = plans.count == 1 ? remaining.map { state.read + $0 } : nil
            if let isActive = plan.isActive, var records = page.records as? [Practitioner] {
                for index in records.indices { records[index].isActive = isActive }
                page.records = records as! [Payload.Record]
            }
            // One endpoint's total is not the resource's when the resource walks several (practitioners).
            if plans.count > 1 { page.expectedTotal = nil }
            client.metrics.count(page)
            if hasNext {
                guard let lastID, lastID > state.after ?? .min else {
                    throw ExtractError(
                        code: .invalidResponse, source: .cliniko, resource: plan.resource,
                        organizationID: configuration.organizationID,
                        message: "a page promised more records but gave no id to continue after")
                }
                return (page, ListState(plan: state.plan, after: lastID, read: read))
            }
            let following = state.plan + 1
            guard following < plans.count else { return (page, nil) }
            return (page, ListState(plan: following, after: nil))
        }
    }

    /// Fetches and decodes one list page.
    ///
    /// - Returns: The page (without records at or before `after`, should the server repeat one), whether
    ///   `links.next` says more records follow, the largest id on the page, and `total_entries` (the records from
    ///   this page on).
    func fetchPage<Payload: RecordPayload>(
        _ payload: Payload.Type, resource: String, url: String, after: Int64?, pageNumber: Int
    ) async throws -> (page: SourcePage<Payload.Record>, hasNext: Bool, lastID: Int64?, remaining: Int?) {
        let decoder = PageDecoder(source: .cliniko, resource: resource)
        return try await client.get(url, resource: resource, logger: logger) { body in
            let scanner = JSONScanner(bytes: body)
            let root = try scanner.rootValue()
            guard let members = try scanner.members(of: root),
                let array = members.first(where: { $0.key == resource })?.value,
                let elements = try scanner.elements(of: array)
            else { throw FieldError(reason: "response has no `\(resource)` array") }
            var hasNext = false
            if let links = members.first(where: { $0.key == "links" })?.value,
                let nextRange = try scanner.member("next", of: links)
            {
                hasNext = scanner.scalarText(nextRange).map { !$0.isEmpty } ?? false
            }
            var lastID: Int64?
            var kept: [Range<Int>] = []
            kept.reserveCapacity(elements.count)
            for element in elements {
                if let id = try scanner.member("id", of: element).flatMap(scanner.scalarText).flatMap({ Int64($0) }) {
                    if let after, id <= after { continue }
                    lastID = max(lastID ?? id, id)
                }
                kept.append(element)
            }
            let remaining = members.first { $0.key == "total_entries" }.flatMap { scanner.scalarText($0.value) }
                .flatMap { Int($0) }
            return (
                decoder.decode(Payload.self, elements: kept, in: scanner, pageNumber: pageNumber), hasNext, lastID,
                remaining
            )
        }
    }
}
