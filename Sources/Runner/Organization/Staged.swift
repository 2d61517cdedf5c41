import Load

/// What the per-record transform decided.
enum Staged<Record: Sendable>: Sendable {
    /// Load the (possibly changed) record.
    case keep(Record)
    /// Quarantine it instead.
    case quarantine(QuarantineWriter.Entry)
    /// Not this organization's record (e.g. a Clerk user of another organization): leave it out.
    case skip
}
