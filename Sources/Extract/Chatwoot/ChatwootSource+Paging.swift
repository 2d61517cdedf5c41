import Foundation
import Pipeline

extension ChatwootSource {
    /// One decoded list page.
    struct ListResult<Record: Sendable>: Sendable {
        var page: SourcePage<Record>
        /// The records on the page before de-duplication and filtering.
        var elementCount: Int
        /// The total the envelope reports, if any.
        var total: Int?
        var ids: Set<String>
        var reachedOlder: Bool
        /// The smallest numeric id on the page, for `before=` paging.
        var smallestID: Int64?
        /// The largest numeric id on the page, for `after=` paging.
        var largestID: Int64?
    }

    /// Where a message walk of one conversation is.
    ///
    /// A full walk goes forwards from the oldest message with `after=<largest id seen>`, up to 100 messages a
    /// request, and ends at a page shorter than that which reached the conversation's newest message as the list
    /// showed it (or at an empty page). An incremental walk goes backwards from the newest with
    /// `before=<smallest id seen>`, 20 a request, and ends at the first message older than the threshold (or an
    /// empty page).
    struct MessageState: Sendable {
        var conversationID: String
        /// The newest message's id from the conversation list, when known.
        var lastKnownID: Int64?
        var before: Int64?
        var after: Int64?

        /// The first request of a full walk.
        static func forwards(_ conversation: Conversation) -> MessageState {
            MessageState(
                conversationID: conversation.id, lastKnownID: conversation.lastMessageID.flatMap { Int64($0) },
                after: 0)
        }

        /// The first request of an incremental walk.
        static func backwards(_ conversationID: String) -> MessageState {
            MessageState(conversationID: conversationID)
        }
    }

    /// Chatwoot's page size for `after=`: "up to 100 newer" (fact sheet §B.3).
    static let messagesAfterPageSize = 100

    /// Fetches one list page whose array and total sit at `arrayPath` and `countPath` in the envelope.
    func fetchList<Payload: RecordPayload>(
        _ payload: Payload.Type, resource: String, url: String, arrayPath: [String], countPath: [String]?,
        previousIDs: Set<String>, pageNumber: Int, threshold: Date?
    ) async throws -> ListResult<Payload.Record> {
        let decoder = PageDecoder(source: .chatwoot, resource: resource)
        return try await client.get(url, resource: resource, logger: logger) { body in
            let scanner = JSONScanner(bytes: body)
            let root = try scanner.rootValue()
            func value(at path: [String]) throws -> Range<Int>? {
                var range = root
                for key in path {
                    guard let member = try scanner.member(key, of: range) else { return nil }
                    range = member
                }
                return range
            }
            guard let array = try value(at: arrayPath), let elements = try scanner.elements(of: array) else {
                throw FieldError(reason: "response has no `\(arrayPath.joined(separator: "."))` array")
            }
            let total = try countPath.flatMap { try value(at: $0) }.flatMap(scanner.scalarText).flatMap { Int($0) }
            var ids = Set<String>()
            var kept: [Range<Int>] = []
            var smallest: Int64?
            var largest: Int64?
            for element in elements {
                if let id = try scanner.member("id", of: element).flatMap(scanner.scalarText) {
                    if let number = Int64(id) {
                        smallest = min(smallest ?? number, number)
                        largest = max(largest ?? number, number)
                    }
                    if previousIDs.contains(id) { continue }
                    ids.insert(id)
                }
                kept.append(element)
            }
            let (page, reachedOlder) = decoder.decode(
                Payload.self, elements: kept, in: scanner, pageNumber: pageNumber, notBefore: threshold)
            return ListResult(
                page: page, elementCount: elements.count, total: total, ids: ids, reachedOlder: reachedOlder,
                smallestID: smallest, largestID: largest)
        }
    }

    /// One page of `GET /conversations?status=all`.
    func conversationPage(
        _ state: PageState, threshold: Date?, pageNumber: Int
    ) async throws -> (page: SourcePage<Conversation>, next: PageState?) {
        let url = URLQuery.url(
            accountURL, "/conversations",
            [
                ("status", "all"), ("assignee_type", "all"),
                ("sort_by", threshold == nil ? "created_at_asc" : "last_activity_at_desc"),
                ("page", String(state.page)),
            ])
        let result = try await fetchList(
            ChatwootConversationPayload.self, resource: "conversations", url: url, arrayPath: ["data", "payload"],
            countPath: ["data", "meta", "all_count"], previousIDs: state.previousIDs, pageNumber: pageNumber,
            threshold: threshold)
        let received = state.received + result.elementCount
        let isLast = result.elementCount == 0 || result.reachedOlder || received >= (result.total ?? .max)
        return (
            result.page, isLast ? nil : PageState(page: state.page + 1, received: received, previousIDs: result.ids)
        )
    }

    /// One page of a conversation's messages: forwards with `after=` or backwards with `before=`, as `state` says.
    func messagePage(
        _ state: MessageState, threshold: Date?, pageNumber: Int
    ) async throws -> (page: SourcePage<Message>?, next: MessageState?) {
        let parameters =
            if let after = state.after { [("after", String(after))] } else {
                state.before.map { [("before", String($0))] } ?? []
            }
        let url = URLQuery.url(
            accountURL, "/conversations/\(URLQuery.encode(state.conversationID))/messages", parameters)
        var result = try await fetchList(
            ChatwootMessagePayload.self, resource: "messages", url: url, arrayPath: ["payload"], countPath: nil,
            previousIDs: [], pageNumber: pageNumber, threshold: threshold)
        guard result.elementCount > 0 else { return (nil, nil) }
        if !configuration.settings.keepMessageContent {
            for index in result.page.records.indices { result.page.records[index].content = nil }
        }
        if let after = state.after {
            guard let largest = result.largestID, largest > after else { return (result.page, nil) }
            // A short page is the last one only if it also reached the newest message the list showed: should
            // Chatwoot ever send fewer than 100 at a time, the walk goes on to an empty page instead.
            let reachedNewest = state.lastKnownID.map { largest >= $0 } ?? true
            if result.elementCount < Self.messagesAfterPageSize, reachedNewest { return (result.page, nil) }
            var next = state
            next.after = largest
            return (result.page, next)
        }
        guard !result.reachedOlder, let smallest = result.smallestID, smallest < (state.before ?? .max) else {
            return (result.page, nil)
        }
        var next = state
        next.before = smallest
        return (result.page, next)
    }

    /// Every message of `conversations`, read with at most `max_concurrent_requests` conversations in flight,
    /// as one page in the order of `conversations`: all of them forwards when `threshold` is `nil` (a full run),
    /// else backwards down to `threshold`.
    func messagesOf(
        _ conversations: [Conversation], threshold: Date?, pageNumber: Int
    ) async throws -> SourcePage<Message> {
        let limit = max(1, configuration.http.maxConcurrentRequests)
        var collected: [(index: Int, page: SourcePage<Message>)] = []
        try await withThrowingTaskGroup(of: (Int, SourcePage<Message>).self) { group in
            var pending = conversations.enumerated().makeIterator()
            func addNext() {
                guard let (index, conversation) = pending.next() else { return }
                group.addTask {
                    var merged = SourcePage<Message>(records: [], pageNumber: pageNumber)
                    var state: MessageState? =
                        threshold == nil ? .forwards(conversation) : .backwards(conversation.id)
                    while let current = state {
                        let (page, next) = try await messagePage(current, threshold: threshold, pageNumber: pageNumber)
                        if let page { merged.absorb(page) }
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
        var page = SourcePage<Message>(records: [], pageNumber: pageNumber)
        for (_, part) in collected.sorted(by: { $0.index < $1.index }) {
            // A backwards walk's pages arrive newest first; put each conversation's messages in ascending order.
            page.records.append(
                contentsOf: part.records.sorted {
                    ($0.createdAt, $0.id.count, $0.id) < ($1.createdAt, $1.id.count, $1.id)
                })
            page.rejections.append(contentsOf: part.rejections)
            page.cursorValues.append(contentsOf: part.cursorValues)
            page.highWaterMark = [page.highWaterMark, part.highWaterMark].compactMap { $0 }.max()
        }
        return page
    }
}
