package import Pipeline

/// The pipeline's `max_rejects` (or `--max-rejects`): more quarantined records than this fail the organization.
///
/// A flood of rejects usually means the source changed shape or the credentials point at the wrong account; loading
/// the remainder as if nothing happened would hide that.
package struct RejectLimit: Sendable, Hashable {
    let limit: LoadSettings.RejectLimit

    /// Why the organization fails, or `nil` when the rejects are within the limit.
    ///
    /// - Parameters:
    ///   - rejected: Records quarantined in this run.
    ///   - read: Records read in this run (rejected ones included).
    func violation(rejected: Int, read: Int) -> String? {
        switch limit {
        case .count(let maximum):
            guard rejected > maximum else { return nil }
            return "\(rejected) records were rejected, more than max_rejects (\(maximum))"
        case .percent(let maximum):
            guard read > 0, Double(rejected) * 100 / Double(read) > maximum else { return nil }
            let share = Double(rejected) * 100 / Double(read)
            return "\(rejected) of \(read) records (\(Self.format(share)) %) were rejected, more than max_rejects "
                + "(\(Self.format(maximum)) %)"
        }
    }

    /// Parses `--max-rejects`: a count such as `100` or a percentage such as `5%`.
    ///
    /// - Parameter text: The option's value.
    /// - Returns: The limit, or `nil` when `text` is neither a non-negative count nor a percentage from 0 to 100.
    package static func parse(_ text: String) -> LoadSettings.RejectLimit? {
        if text.hasSuffix("%"), let percent = Double(text.dropLast()), (0...100).contains(percent) {
            return .percent(percent)
        }
        if let count = Int(text), count >= 0 { return .count(count) }
        return nil
    }

    private static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
