/// One fault rule: a kind and when it fires.
public struct FaultRule: Codable, Sendable, Equatable {
    /// What happens.
    public var kind: FaultKind
    /// Chance per faultable request, if set.
    public var probability: Double?
    /// Request ordinals (1-based, counted since the spec was set) at which it fires, if set.
    public var at: [Int]?
    /// Fires on every n-th request, if set.
    public var every: Int?
    /// Delay for `slow` (default 2,000 ms), or between two body bytes for `trickle` (default 1,000 ms).
    public var delayMilliseconds: Int?
    /// Number of consecutive 429s for a `429` storm (default 5, counting the first).
    public var length: Int?

    /// Creates a rule.
    public init(
        kind: FaultKind, probability: Double? = nil, at: [Int]? = nil, every: Int? = nil,
        delayMilliseconds: Int? = nil, length: Int? = nil
    ) {
        self.kind = kind
        self.probability = probability
        self.at = at
        self.every = every
        self.delayMilliseconds = delayMilliseconds
        self.length = length
    }

    enum CodingKeys: String, CodingKey {
        case kind, probability, at, every
        case delayMilliseconds = "delay_ms"
        case length
    }
}
