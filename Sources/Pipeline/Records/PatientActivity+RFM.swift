extension PatientActivity {
    /// Recency, frequency and monetary quintiles (1 = lowest fifth of the organization, 5 = highest) and the segment
    /// they put the patient in.
    public struct RFM: Sendable, Hashable, Codable {
        /// 5 for the most recently seen fifth of patients, 1 for the longest unseen.
        public var recency: Int
        /// 5 for the fifth with the most attended visits, 1 for the fewest.
        public var frequency: Int
        /// 5 for the fifth with the highest lifetime value; `nil` when no average fee is configured.
        public var monetary: Int?
        /// The segment of ``recency`` and ``frequency``.
        public var segment: RFMSegment

        /// Creates a score; `segment` follows from the quintiles.
        public init(recency: Int, frequency: Int, monetary: Int?) {
            self.recency = recency
            self.frequency = frequency
            self.monetary = monetary
            self.segment = RFMSegment(recency: recency, frequency: frequency)
        }
    }

    /// The usual recency × frequency segments (`docs/scoring.md`, "RFM").
    public enum RFMSegment: String, Sendable, Hashable, Codable, CaseIterable {
        /// Recent and frequent (R 4–5, F 4–5).
        case champions
        /// Frequent, seen a while ago (R 3, F 4–5).
        case loyal
        /// Recent, some visits (R 4–5, F 2–3).
        case potentialLoyalists = "potential_loyalists"
        /// Recent, one of the fewest-visits fifth (R 4–5, F 1).
        case newPatients = "new_patients"
        /// Middling recency, few to some visits (R 3, F 1–3).
        case needsAttention = "needs_attention"
        /// Frequent, not seen for long (R 1–2, F 4–5).
        case atRisk = "at_risk"
        /// Some visits, not seen for long (R 1–2, F 2–3).
        case hibernating
        /// Few visits, not seen for long (R 1–2, F 1).
        case lost

        /// The segment of a recency and a frequency quintile (each 1–5).
        public init(recency: Int, frequency: Int) {
            switch (recency, frequency) {
            case (4..., 4...): self = .champions
            case (3, 4...): self = .loyal
            case (4..., 2...3): self = .potentialLoyalists
            case (4..., _): self = .newPatients
            case (3, _): self = .needsAttention
            case (_, 4...): self = .atRisk
            case (_, 2...3): self = .hibernating
            default: self = .lost
            }
        }
    }
}
