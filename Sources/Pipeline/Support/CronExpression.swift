/// Checks five-field cron expressions (`minute hour day-of-month month day-of-week`).
package enum CronExpression {
    private static let fields: [(name: String, range: ClosedRange<Int>)] = [
        ("minute", 0...59), ("hour", 0...23), ("day of month", 1...31), ("month", 1...12), ("day of week", 0...7),
    ]

    /// The first problem with `expression`, or `nil` when it is valid.
    ///
    /// Each field accepts `*`, `N`, `N-M`, either followed by `/STEP`, and comma-separated lists of those.
    package static func problem(in expression: String) -> String? {
        let parts = expression.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 5 else {
            return
                "must be a cron expression with 5 fields (minute hour day-of-month month day-of-week), got '\(expression)'"
        }
        for (part, field) in zip(parts, fields) {
            for item in part.split(separator: ",", omittingEmptySubsequences: false) {
                if let problem = problem(inItem: item, field: field) { return problem }
            }
        }
        return nil
    }

    private static func problem(inItem item: Substring, field: (name: String, range: ClosedRange<Int>)) -> String? {
        let pieces = item.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        if pieces.count == 2 {
            guard let step = Int(pieces[1]), step > 0 else {
                return "has an invalid step '\(pieces[1])' in the \(field.name) field"
            }
        }
        let base = pieces[0]
        if base == "*" { return nil }
        let bounds = base.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        for bound in bounds {
            guard let value = Int(bound) else {
                return "has an invalid value '\(item)' in the \(field.name) field"
            }
            guard field.range.contains(value) else {
                return
                    "has \(value) in the \(field.name) field, outside \(field.range.lowerBound)–\(field.range.upperBound)"
            }
        }
        if bounds.count == 2, let low = Int(bounds[0]), let high = Int(bounds[1]), low > high {
            return "has a backwards range '\(base)' in the \(field.name) field"
        }
        return nil
    }
}
