import Foundation
import Testing

@testable import Extract

/// Holds a payload's fast path (``RecordPayload/scanned(_:in:)``) to its `init(from:)`: whenever the fast path
/// answers, it must give exactly the record `JSONDecoder` gives.
enum FastPathCheck<Payload: RecordPayload> where Payload.Record: Equatable {
    /// Applies each (label, text to replace, replacement) to `canonical` in turn (an empty text to replace keeps
    /// `canonical`), checks every answer against `JSONDecoder`'s, and returns the labels the fast path answered for.
    static func answeredVariants(
        of canonical: String, _ variants: [(String, String, String)], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [String] {
        var answered: [String] = []
        for (label, original, replacement) in variants {
            let json = original.isEmpty ? canonical : canonical.replacingOccurrences(of: original, with: replacement)
            #expect(
                original.isEmpty || json != canonical, "\(label): the variant did not apply",
                sourceLocation: sourceLocation)
            let bytes = Array(json.utf8)
            let scanner = JSONScanner(bytes: bytes)
            guard let fast = Payload.scanned(try scanner.rootValue(), in: scanner)?.record else { continue }
            answered.append(label)
            let slow = try? JSONDecoder().decode(Payload.self, from: Data(bytes)).record
            #expect(fast == slow, "\(label)", sourceLocation: sourceLocation)
        }
        return answered
    }

    /// Checks that the fast path answers for every element of the array `member` of the page `body`, each with
    /// `JSONDecoder`'s record, and returns how many elements there were.
    @discardableResult
    static func expectAnswersEveryElement(
        of member: String, in body: [UInt8], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Int {
        let scanner = JSONScanner(bytes: body)
        let list = try #require(try scanner.member(member, of: scanner.rootValue()), sourceLocation: sourceLocation)
        let elements = try #require(try scanner.elements(of: list), sourceLocation: sourceLocation)
        var answered = 0
        for element in elements {
            guard let fast = Payload.scanned(element, in: scanner) else { continue }
            answered += 1
            let slow = try JSONDecoder().decode(Payload.self, from: Data(body[element]))
            #expect(fast.record == slow.record, sourceLocation: sourceLocation)
        }
        #expect(
            answered == elements.count, "the fast path answered for \(answered) of \(elements.count)",
            sourceLocation: sourceLocation)
        return elements.count
    }
}
