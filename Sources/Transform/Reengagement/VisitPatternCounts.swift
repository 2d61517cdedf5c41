/// How many patients share each distinct ``VisitPattern``: the sufficient statistics of a BG/NBD fit.
///
/// Memory is O(distinct patterns), not O(patients): patterns are whole days, so most one-visit patients of a clinic
/// share a few hundred patterns, whatever the number of patients.
public struct VisitPatternCounts: Sendable, Hashable {
    /// The count of patients per distinct pattern.
    public private(set) var counts: [VisitPattern: Int] = [:]
    /// Every pattern added, distinct or not.
    public private(set) var patientCount = 0
    /// Patterns rejected by ``add(_:count:)`` because they were not ``VisitPattern/isValid``.
    public private(set) var rejectedCount = 0

    /// Creates an empty set of counts.
    public init() {}

    /// Counts `count` patients with `pattern`; an invalid pattern is counted in ``rejectedCount`` only.
    public mutating func add(_ pattern: VisitPattern, count: Int = 1) {
        guard count > 0 else { return }
        guard pattern.isValid else {
            rejectedCount += count
            return
        }
        counts[pattern, default: 0] += count
        patientCount += count
    }

    /// Patients with at least one repeat visit.
    public var repeatVisitorCount: Int {
        counts.reduce(0) { $0 + ($1.key.frequency > 0 ? $1.value : 0) }
    }

    /// The largest age of any pattern, in days; 0 when empty.
    public var maximumAge: Double {
        counts.keys.reduce(0) { max($0, $1.age) }
    }
}
