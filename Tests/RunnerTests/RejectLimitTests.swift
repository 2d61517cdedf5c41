import Testing

@testable import Runner

@Suite("Reject limits")
struct RejectLimitTests {
    @Test("counts and shares, at and over the limit")
    func limits() {
        #expect(RejectLimit(limit: .count(3)).violation(rejected: 3, read: 10) == nil)
        #expect(
            RejectLimit(limit: .count(3)).violation(rejected: 4, read: 10)
                == "4 records were rejected, more than max_rejects (3)")
        #expect(RejectLimit(limit: .percent(10)).violation(rejected: 10, read: 100) == nil)
        #expect(
            RejectLimit(limit: .percent(10)).violation(rejected: 11, read: 100)
                == "11 of 100 records (11 %) were rejected, more than max_rejects (10 %)")
        #expect(RejectLimit(limit: .percent(0)).violation(rejected: 0, read: 0) == nil)
        #expect(RejectLimit(limit: .percent(2.5)).violation(rejected: 1, read: 30)?.contains("(3.3 %)") == true)
    }

    @Test("--max-rejects parses counts and percentages and rejects anything else")
    func parsing() {
        #expect(RejectLimit.parse("100") == .count(100))
        #expect(RejectLimit.parse("5%") == .percent(5))
        #expect(RejectLimit.parse("lots") == nil)
        #expect(RejectLimit.parse("150%") == nil)
        #expect(RejectLimit.parse("-1") == nil)
    }
}
