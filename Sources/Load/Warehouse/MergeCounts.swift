/// What merging one staged resource into its table did.
public struct MergeCounts: Sendable, Hashable, Codable {
    /// Distinct records staged (a record repeated across pages counts once).
    public var staged: Int
    /// Rows that did not exist.
    public var inserted: Int
    /// Rows whose content changed (or that had been marked removed and came back).
    public var updated: Int
    /// Rows that were already identical and were left untouched.
    public var unchanged: Int
    /// Rows marked removed by a complete full fetch.
    public var removed: Int

    /// Creates counts.
    public init(staged: Int = 0, inserted: Int = 0, updated: Int = 0, unchanged: Int = 0, removed: Int = 0) {
        self.staged = staged
        self.inserted = inserted
        self.updated = updated
        self.unchanged = unchanged
        self.removed = removed
    }
}
