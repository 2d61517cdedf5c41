import Foundation
import Pipeline
import Testing

@testable import Transform

/// Agreement with Google's libphonenumber on the committed corpus of realistic clinic phone fields.
///
/// `scripts/phone-corpus/generate.py` wrote the fixture with libphonenumber (plus RoutIQ's rules on top);
/// this test needs no Python.
@Suite("libphonenumber agreement corpus")
struct PhoneCorpusTests {
    struct Line {
        var region: String
        var input: String
        var expectedE164: String
        var expectedType: String
        var validReadings: Set<String>
    }

    static func loadCorpus() throws -> [Line] {
        let fixture = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .appendingPathComponent("Fixtures/phone-corpus.tsv")
        let text = try String(contentsOf: fixture, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: true).compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 5 else { return nil }
            return Line(
                region: fields[0],
                input: fields[1],
                expectedE164: fields[2],
                expectedType: fields[3],
                validReadings: Set(fields[4].split(separator: ",").map(String.init))
            )
        }
    }

    @Test("Agrees with libphonenumber on at least 99.5 % of the corpus and never outputs a number it rejects")
    func agreement() throws {
        let lines = try Self.loadCorpus()
        #expect(lines.count >= 30_000)
        var parsers: [String: PhoneNumberParser] = [:]
        var agreeing = 0
        var agreeingTypes = 0
        var withNumber = 0
        var invalidOutputs: [String] = []
        var disagreements: [String] = []
        for line in lines {
            let region = try #require(PhoneRegion(code: line.region))
            let parser = parsers[line.region] ?? PhoneNumberParser(configuration: .init(defaultRegion: region))
            parsers[line.region] = parser
            let result = parser.normalize(line.input)
            let output = result.e164 ?? ""
            if output == line.expectedE164 {
                agreeing += 1
                if !output.isEmpty {
                    withNumber += 1
                    if result.type.rawValue == line.expectedType { agreeingTypes += 1 }
                }
            } else if disagreements.count < 20 {
                disagreements.append(
                    "\(line.region) \(line.input.debugDescription): ours \(output), libphonenumber \(line.expectedE164)"
                )
            }
            if !output.isEmpty, output != line.expectedE164, !line.validReadings.contains(output) {
                invalidOutputs.append("\(line.region) \(line.input.debugDescription) → \(output)")
            }
        }
        let agreement = Double(agreeing) / Double(lines.count)
        #expect(agreement >= 0.995, "agreement \(agreement): \(disagreements)")
        #expect(invalidOutputs.isEmpty, "\(invalidOutputs.prefix(20))")
        #expect(Double(agreeingTypes) / Double(max(1, withNumber)) >= 0.995)
    }

    @Test("The corpus covers the six regions, foreign numbers and junk")
    func coverage() throws {
        let lines = try Self.loadCorpus()
        #expect(Set(lines.map(\.region)) == ["AU", "NZ", "GB", "IE", "US", "CA"])
        #expect(lines.filter { $0.expectedE164.isEmpty }.count > 1_000)
        #expect(lines.filter { $0.input.hasPrefix("+") }.count > 1_000)
        #expect(lines.filter { $0.input.first?.isNumber == true && $0.input.hasPrefix("6") }.count > 1_000)
    }
}
