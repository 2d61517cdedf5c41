import Logging
import Pipeline

/// Re-reads records one at a time by id, for records quarantined by an earlier run: each is requested with the API's
/// show endpoint and decoded (or rejected again) exactly as on a list page, and an id the API answers 404 for is
/// reported in ``SourcePage/goneIDs``.
///
/// Only ids made of the characters the API's ids use are requested (a quarantined id is data from outside and is
/// never spliced into a URL otherwise); others are left alone.
struct RecordRefetcher: Sendable {
    /// How many ids one page of the sequence re-reads.
    static let idsPerPage = 20

    let source: SourceKind
    let resource: String
    let client: RESTClient
    let logger: Logger
    /// The show URL of one id.
    let url: @Sendable (String) -> String
    /// The path from the response's root to the record (`["payload"]` for a Chatwoot contact), `[]` for the root.
    let recordPath: [String]
    /// Whether `id` may be requested.
    let isValidID: @Sendable (String) -> Bool

    /// The pages of `ids`, ``idsPerPage`` at a time.
    func pages<Payload: RecordPayload>(_ payload: Payload.Type, ids: [String]) -> SourcePages<Payload.Record> {
        let wanted = ids.filter(isValidID)
        return SourcePages(initial: 0) { start, pageNumber in
            guard start < wanted.count else { return (nil, nil) }
            let end = min(start + Self.idsPerPage, wanted.count)
            var page = SourcePage<Payload.Record>(records: [], pageNumber: pageNumber)
            for id in wanted[start..<end] {
                do {
                    page.absorb(try await fetch(payload, id: id, pageNumber: pageNumber))
                } catch let error as ExtractError where error.code == .notFound {
                    page.goneIDs.append(id)
                }
            }
            client.metrics.count(page)
            return (page, end < wanted.count ? end : nil)
        }
    }

    private func fetch<Payload: RecordPayload>(_ payload: Payload.Type, id: String, pageNumber: Int) async throws
        -> SourcePage<Payload.Record>
    {
        let decoder = PageDecoder(source: source, resource: resource)
        return try await client.get(url(id), resource: resource, logger: logger) { body in
            let scanner = JSONScanner(bytes: body)
            var range = try scanner.rootValue()
            for key in recordPath {
                guard let member = try scanner.member(key, of: range) else {
                    throw FieldError(reason: "response has no `\(recordPath.joined(separator: "."))`")
                }
                range = member
            }
            return decoder.decode(Payload.self, elements: [range], in: scanner, pageNumber: pageNumber)
        }
    }

    /// Whether `id` is a decimal number (Cliniko and Chatwoot ids).
    static func isNumericID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 20
            && id.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}
