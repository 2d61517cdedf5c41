package import Foundation
package import Load
package import Pipeline

/// Which organizations a pipeline's schedule makes due (`routiq run --due`, `routiq schedule`), and why.
///
/// The pipeline's `schedule:` is read in each organization's time zone (`timezone_from`). An organization is due when
/// the schedule's latest slot at or before now has no successful run of the pipeline as of that slot or later; after
/// downtime that is still one run, whatever the number of slots missed. With `full_schedule:`, an organization whose
/// latest full slot has no successful full run since is due for a full run.
package struct DueSchedule: Sendable {
    /// The decision for one organization.
    package struct Decision: Sendable, Hashable, Codable {
        /// The organization.
        package var organization: String
        /// Whether it runs now.
        package var isDue: Bool
        /// Whether that run is a full run.
        package var isFull: Bool
        /// The schedule's latest slot at or before now, in UTC.
        package var slot: Date?
        /// The full schedule's latest slot, when there is one.
        package var fullSlot: Date?
        /// Why, for `--dry-run` and the logs: the local slot, its zone, and the last success.
        package var reason: String
    }

    /// The `schedule:` expression.
    package let schedule: CronSchedule
    /// The `full_schedule:` expression.
    package let fullSchedule: CronSchedule?

    /// The schedule of `definition`; `nil` when it has no `schedule:`.
    package init?(definition: PipelineDefinition) {
        guard let expression = definition.schedule, let schedule = CronSchedule(expression) else { return nil }
        self.schedule = schedule
        fullSchedule = definition.fullSchedule.flatMap(CronSchedule.init)
    }

    /// Decides for one organization.
    ///
    /// - Parameters:
    ///   - now: The run's as-of.
    ///   - timeZone: The organization's time zone for this pipeline.
    ///   - mark: How far its successful runs reach.
    package func decide(organization: String, now: Date, timeZone: TimeZone, mark: ScheduleMarks.Mark) -> Decision {
        let slot = schedule.latest(atOrBefore: now, in: timeZone)
        let fullSlot = fullSchedule?.latest(atOrBefore: now, in: timeZone)
        let covered = Self.reaches(mark.lastSuccess, slot)
        let fullCovered = Self.reaches(mark.lastFullSuccess, fullSlot)
        let isDue = !covered || !fullCovered
        let last = mark.lastSuccess.map { "last success as of \(Self.format($0, in: timeZone))" } ?? "never succeeded"
        let reason: String
        switch (slot, isDue) {
        case (nil, _):
            reason = "'\(schedule)' has not fired in \(timeZone.identifier) in the last 400 days"
        case (let slot?, false):
            reason = "already ran for \(Self.format(slot, in: timeZone)) (\(last))"
        case (_?, true) where !fullCovered:
            let fullText = fullSlot.map { Self.format($0, in: timeZone) } ?? ""
            reason = "full run due for \(fullText) ('\(fullSchedule?.expression ?? "")'; \(last))"
        case (let slot?, true):
            reason = "due for \(Self.format(slot, in: timeZone)) ('\(schedule)'; \(last))"
        }
        return Decision(
            organization: organization, isDue: isDue, isFull: !fullCovered, slot: slot, fullSlot: fullSlot,
            reason: reason)
    }

    /// Whether `mark` (read again under the organization's lock) shows that a peer already ran what `decision` asked
    /// for.
    package static func isAlreadyCovered(_ decision: Decision, by mark: ScheduleMarks.Mark) -> Bool {
        reaches(mark.lastSuccess, decision.slot)
            && (!decision.isFull || reaches(mark.lastFullSuccess, decision.fullSlot))
    }

    /// Whether a run as of `success` covers `slot`: there is no slot, or the run saw the data as of it or later.
    private static func reaches(_ success: Date?, _ slot: Date?) -> Bool {
        guard let slot else { return true }
        return success.map { $0 >= slot } ?? false
    }

    /// `2026-12-07 02:00 Australia/Sydney (2026-12-06T15:00:00Z)`.
    static func format(_ instant: Date, in timeZone: TimeZone) -> String {
        let local = DateFormatter()
        local.locale = Locale(identifier: "en_US_POSIX")
        local.timeZone = timeZone
        local.dateFormat = "yyyy-MM-dd HH:mm"
        let utc = ISO8601DateFormatter()
        return "\(local.string(from: instant)) \(timeZone.identifier) (\(utc.string(from: instant)))"
    }
}
