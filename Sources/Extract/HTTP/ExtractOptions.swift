/// Rarely changed settings shared by the three sources.
public struct ExtractOptions: Sendable {
    /// A request budget shared with other sources using the same credential (e.g. one Clerk secret key for
    /// several organizations); `nil` (the default) gives the source its own budget from `requestsPerMinute`.
    public var budget: RequestBudget?
    /// The seed of the retry jitter; fixed seeds make tests reproducible. Defaults to a random seed.
    public var jitterSeed: UInt64
    /// How far before the stored cursor incremental Chatwoot and Clerk reads start; 5 minutes by default.
    /// (Cliniko uses its `overlap_minutes` setting.)
    public var overlap: Duration

    /// Creates options.
    ///
    /// - Parameters:
    ///   - budget: A shared request budget, or `nil` for the source's own.
    ///   - jitterSeed: The jitter seed. Defaults to a random value.
    ///   - overlap: The incremental overlap for Chatwoot and Clerk. Defaults to 5 minutes.
    public init(
        budget: RequestBudget? = nil, jitterSeed: UInt64 = .random(in: .min ... .max), overlap: Duration = .seconds(300)
    ) {
        self.budget = budget
        self.jitterSeed = jitterSeed
        self.overlap = overlap
    }
}
