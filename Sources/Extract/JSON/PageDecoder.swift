import Foundation
import Pipeline

/// A source record's API shape that knows the domain record it becomes and its incremental cursor value.
protocol RecordPayload: Decodable, SendableMetatype {
    associatedtype Record: Sendable
    /// The domain record.
    var record: Record { get }
    /// The `updated_at`-like value used for incremental cursors.
    var cursor: Date? { get }
    /// A fast path for the most numerous payloads: the payload read straight from `scanner`'s bytes at `range`,
    /// or `nil` to have `JSONDecoder` decode it. It must return exactly what `init(from:)` gives, or `nil` for
    /// anything unusual (escapes, unexpected types, missing or invalid fields), so that errors and their reasons
    /// always come from `init(from:)`.
    static func scanned(_ range: Range<Int>, in scanner: JSONScanner) -> Self?
}

extension RecordPayload {
    static func scanned(_ range: Range<Int>, in scanner: JSONScanner) -> Self? { nil }
}

/// Decodes the records of one API page one by one, so a bad record becomes a ``RecordRejection`` and the rest of
/// the page still decodes.
struct PageDecoder: Sendable {
    let source: SourceKind
    let resource: String

    /// Decodes every element of `elements` (ranges into `scanner`'s bytes) as `Payload`.
    func decode<Payload: RecordPayload>(
        _ payload: Payload.Type,
        elements: [Range<Int>],
        in scanner: JSONScanner,
        pageNumber: Int
    ) -> SourcePage<Payload.Record> {
        decode(payload, elements: elements, in: scanner, pageNumber: pageNumber, notBefore: nil).page
    }

    /// Decodes like ``decode(_:elements:in:pageNumber:)`` but leaves out records whose cursor is before
    /// `threshold`, reporting whether there was one (a list sorted newest first can stop there).
    func decode<Payload: RecordPayload>(
        _ payload: Payload.Type,
        elements: [Range<Int>],
        in scanner: JSONScanner,
        pageNumber: Int,
        notBefore threshold: Date?
    ) -> (page: SourcePage<Payload.Record>, reachedOlder: Bool) {
        var reachedOlder = false
        let decoder = JSONDecoder()
        var records: [Payload.Record] = []
        records.reserveCapacity(elements.count)
        var rejections: [RecordRejection] = []
        var highWaterMark: Date?
        var cursorValues: [Date] = []
        for range in elements {
            do {
                let decoded =
                    try Payload.scanned(range, in: scanner)
                    ?? decoder.decode(Payload.self, from: Data(scanner.bytes[range]))
                if let threshold, let cursor = decoded.cursor, cursor < threshold {
                    reachedOlder = true
                    continue
                }
                records.append(decoded.record)
                if let cursor = decoded.cursor {
                    cursorValues.append(cursor)
                    if cursor > highWaterMark ?? .distantPast { highWaterMark = cursor }
                }
            } catch {
                rejections.append(rejection(for: range, in: scanner, reason: FieldError.reason(for: error)))
            }
        }
        var page = SourcePage(
            records: records, rejections: rejections, highWaterMark: highWaterMark, pageNumber: pageNumber)
        page.cursorValues = cursorValues
        return (page, reachedOlder)
    }

    /// A rejection for the element at `range`, with its id when one can be read.
    func rejection(for range: Range<Int>, in scanner: JSONScanner, reason: String) -> RecordRejection {
        let id = (try? scanner.member("id", of: range)).flatMap { $0 }.flatMap(scanner.scalarText)
        return RecordRejection(
            source: source, resource: resource, sourceID: id?.isEmpty == true ? nil : id, reason: reason,
            raw: scanner.text(range))
    }
}
