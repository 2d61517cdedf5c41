import Pipeline
import Testing

@Suite("Environment interpolation")
struct EnvironmentInterpolatorTests {
    let interpolator = EnvironmentInterpolator(environment: ["HOST": "db", "EMPTY": ""])

    @Test(
        "expands variables, defaults and $$",
        arguments: [
            ("plain", "plain"),
            ("${HOST}", "db"),
            ("x-${HOST}-y", "x-db-y"),
            ("${MISSING:-fallback}", "fallback"),
            ("${EMPTY:-fallback}", "fallback"),
            ("${EMPTY}", ""),
            ("${MISSING:-}", ""),
            ("cost $$5", "cost $5"),
            ("$HOST", "$HOST"),
        ])
    func expands(_ input: String, _ expected: String) {
        let (value, problems) = interpolator.expand(input)
        #expect(problems.isEmpty)
        #expect(value == expected)
    }

    @Test("reports undefined, unterminated and malformed references with their offsets")
    func problems() {
        #expect(interpolator.expand("a ${NOPE}").problems.map(\.offset) == [2])
        #expect(interpolator.expand("a ${NOPE}").problems.first?.message.contains("'NOPE' is not set") == true)
        #expect(interpolator.expand("${HOST").problems.first?.message.contains("unterminated") == true)
        #expect(interpolator.expand("${1BAD}").problems.first?.message.contains("not a valid variable") == true)
    }
}

@Suite("Suggestions")
struct SuggestionTests {
    @Test("close typos get a suggestion, unrelated words do not")
    func suggestions() {
        #expect(
            Suggestion.closest(to: "normalise_phones", in: ["normalize_phones", "match_contacts"]) == "normalize_phones"
        )
        #expect(Suggestion.closest(to: "patient", in: ["patients", "businesses"]) == "patients")
        #expect(Suggestion.closest(to: "invoices", in: ["patients", "businesses"]) == nil)
        #expect(Suggestion.hint(for: "modes", in: ["mode"]) == "; did you mean 'mode'?")
        #expect(Suggestion.editDistance("kitten", "sitting") == 3)
    }
}

@Suite("Cron expressions")
struct CronExpressionTests {
    @Test("valid expressions", arguments: ["0 2 * * *", "*/15 * * * 1-5", "0 0,12 1 1-12/2 0", "59 23 31 12 7"])
    func valid(_ expression: String) {
        #expect(CronExpression.problem(in: expression) == nil)
    }

    @Test(
        "invalid expressions",
        arguments: ["0 2 * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "5-1 * * * *", "*/0 * * * *", "a * * * *"])
    func invalid(_ expression: String) {
        #expect(CronExpression.problem(in: expression) != nil)
    }
}

@Suite("Organization ids")
struct OrganizationIDTests {
    @Test("well-formed ids", arguments: ["org_1", "org_2abcDEF0123456789", "org_" + String(repeating: "a", count: 64)])
    func wellFormed(_ text: String) {
        #expect(OrganizationID(text)?.rawValue == text)
    }

    @Test(
        "malformed ids",
        arguments: [
            "org_", "org-1", "ORG_1", "org_a b", "org_a/../b", "org_é", "org_" + String(repeating: "a", count: 65), "",
        ])
    func malformed(_ text: String) {
        #expect(OrganizationID(text) == nil)
    }
}
