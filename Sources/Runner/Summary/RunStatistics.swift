import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The `stats` document of one organization's run record (`sync_runs.stats`): figures per resource, time per stage,
/// the process's peak memory when the organization finished, and how long its final transaction was held.
struct RunStatistics: Codable, Sendable {
    /// How long one stage took.
    struct StageTiming: Codable, Sendable {
        var stage: String
        var seconds: Double
    }

    /// The windows the organization was scored with, which `routiq report` uses again.
    struct Scoring: Codable, Sendable {
        var attendanceWindowDays: Int
        var lateCancellationHours: Int
    }

    var resources: [ResourceFigures]
    var stages: [StageTiming]
    var peakResidentBytes: Int
    var scoring: Scoring?
    /// How long the organization's final transaction had been open when the run record was written (the merge, the
    /// transforms, the cursors): the only time the run held a transaction.
    var transactionSeconds: Double?

    /// The process's peak resident memory so far, in bytes.
    static var peakResidentBytes: Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1_024
    }
}
