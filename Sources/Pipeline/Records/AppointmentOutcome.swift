/// What became of an appointment, derived from Cliniko's fields (Cliniko has no status field).
public enum AppointmentOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// Archived or deleted: counts for nothing.
    case archived
    /// Cancelled at least the late-cancellation window (24 h by default) before it started.
    case cancelled
    /// Cancelled less than the late-cancellation window before it started, or after it started.
    case lateCancelled = "late_cancelled"
    /// The patient did not arrive.
    case didNotArrive = "did_not_arrive"
    /// Starts after the as-of instant.
    case upcoming
    /// Started at or before the as-of instant and was neither cancelled nor missed.
    case attended
}
