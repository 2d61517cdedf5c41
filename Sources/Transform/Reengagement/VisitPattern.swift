/// What the BG/NBD model knows about one patient: how many repeat visits, when the last one was, and how long the
/// patient has been coming (the "frequency, recency, T" of Fader, Hardie & Lee 2005).
///
/// Time is in days. A patient's first attended visit starts the clock: ``frequency`` is the number of attended visit
/// days after the first, ``recency`` the days from the first to the last attended visit, and ``age`` the days from
/// the first attended visit to the as-of date.
public struct VisitPattern: Sendable, Hashable {
    /// Repeat visits: attended visit days after the first (x).
    public var frequency: Int
    /// Days from the first to the last attended visit (tₓ); 0 when there is no repeat visit.
    public var recency: Double
    /// Days from the first attended visit to the as-of date (T).
    public var age: Double

    /// Creates a pattern.
    ///
    /// - Parameters:
    ///   - frequency: Repeat visits, at least 0.
    ///   - recency: Days from the first to the last visit, between 0 and `age`.
    ///   - age: Days from the first visit to the as-of date.
    public init(frequency: Int, recency: Double, age: Double) {
        self.frequency = frequency
        self.recency = recency
        self.age = age
    }

    /// Whether the pattern can be fed to the model: finite, non-negative, recency within age, and no repeat visit
    /// without a positive recency.
    public var isValid: Bool {
        frequency >= 0 && recency.isFinite && age.isFinite && recency >= 0 && age >= recency
            && (frequency == 0 ? recency == 0 : recency > 0)
    }
}
