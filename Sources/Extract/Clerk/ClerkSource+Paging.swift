import Foundation
import Pipeline

extension ClerkSource {
    /// One `limit`/`offset` page of `path`, in either envelope shape.
    func offsetPage<Payload: RecordPayload>(
        _ payload: Payload.Type, resource: String, path: String, query: [(String, String)], state: OffsetState,
        threshold: Date?, pageNumber: Int
    ) async throws -> (page: SourcePage<Payload.Record>, next: OffsetState?) {
        let limit = min(max(configuration.pageSize, 1), 500)
        let url = URLQuery.url(
            baseURL, path, [("limit", String(limit)), ("offset", String(state.offset))] + query)
        let decoder = PageDecoder(source: .clerk, resource: resource)
        let (page, count, total, reachedOlder) = try await client.get(url, resource: resource, logger: logger) { body in
            let (scanner, elements, total) = try ClerkListEnvelope.parse(body)
            let (page, reachedOlder) = decoder.decode(
                Payload.self, elements: elements, in: scanner, pageNumber: pageNumber, notBefore: threshold)
            return (page, elements.count, total, reachedOlder)
        }
        let offset = state.offset + count
        let isLast = count < limit || reachedOlder || offset >= (total ?? .max)
        return (page, isLast ? nil : OffsetState(offset: offset))
    }

    /// One page of `GET /organizations/{id}/memberships`.
    func membershipPage(
        _ organizationID: String, state: OffsetState, pageNumber: Int
    ) async throws -> (page: SourcePage<ClerkMembership>, next: OffsetState?) {
        try await offsetPage(
            ClerkMembershipPayload.self, resource: "memberships",
            path: "/organizations/\(URLQuery.encode(organizationID))/memberships",
            query: [("order_by", "+created_at")], state: state, threshold: nil, pageNumber: pageNumber)
    }

    /// Every membership of `organizationIDs`, with at most `max_concurrent_requests` organizations in flight, as
    /// one page in the order of `organizationIDs`.
    func membershipsOf(_ organizationIDs: [String], pageNumber: Int) async throws -> SourcePage<ClerkMembership> {
        let limit = max(1, configuration.http.maxConcurrentRequests)
        var collected: [(index: Int, page: SourcePage<ClerkMembership>)] = []
        try await withThrowingTaskGroup(of: (Int, SourcePage<ClerkMembership>).self) { group in
            var pending = organizationIDs.enumerated().makeIterator()
            func addNext() {
                guard let (index, id) = pending.next() else { return }
                group.addTask {
                    var merged = SourcePage<ClerkMembership>(records: [], pageNumber: pageNumber)
                    var state: OffsetState? = OffsetState()
                    while let current = state {
                        let (page, next) = try await membershipPage(id, state: current, pageNumber: pageNumber)
                        merged.absorb(page)
                        state = next
                    }
                    return (index, merged)
                }
            }
            for _ in 0..<limit { addNext() }
            while let result = try await group.next() {
                collected.append(result)
                addNext()
            }
        }
        var page = SourcePage<ClerkMembership>(records: [], pageNumber: pageNumber)
        for (_, part) in collected.sorted(by: { $0.index < $1.index }) {
            page.absorb(part)
        }
        return page
    }
}
