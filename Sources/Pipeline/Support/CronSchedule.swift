package import Foundation

/// A five-field cron schedule (`minute hour day-of-month month day-of-week`) evaluated in a time zone: when it last
/// fired at or before an instant, and when it fires next.
///
/// The fields mean what they mean to cron (Vixie cron, as systemd's and Kubernetes' schedulers read them): `*`, `N`,
/// `N-M`, either followed by `/STEP` (`N/STEP` runs from `N` to the field's end), comma-separated lists; day of week
/// 0 or 7 is Sunday; when both day of month and day of week are restricted, a day matches if either does.
///
/// Times are local wall-clock times in the time zone. Across a daylight-saving change each local time fires once: a
/// time the clocks skip (02:30 when they jump from 02:00 to 03:00) fires at the instant the clocks reach it, shifted
/// forward by the gap; a time that happens twice (01:30 when they fall back) fires at its first occurrence only.
package struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    /// The expression as written.
    package let expression: String
    private let minutes: [Int]
    private let hours: [Int]
    private let daysOfMonth: Set<Int>
    private let months: Set<Int>
    private let daysOfWeek: Set<Int>
    private let restrictsDayOfMonth: Bool
    private let restrictsDayOfWeek: Bool

    package var description: String { expression }

    /// Parses `expression`; `nil` when ``CronExpression/problem(in:)`` finds a problem with it.
    package init?(_ expression: String) {
        guard CronExpression.problem(in: expression) == nil else { return nil }
        let parts = expression.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard parts.count == 5,
            let minutes = Self.values(parts[0], range: 0...59),
            let hours = Self.values(parts[1], range: 0...23),
            let daysOfMonth = Self.values(parts[2], range: 1...31),
            let months = Self.values(parts[3], range: 1...12),
            let daysOfWeek = Self.values(parts[4], range: 0...7)
        else { return nil }
        self.expression = expression
        self.minutes = minutes.sorted()
        self.hours = hours.sorted()
        self.daysOfMonth = Set(daysOfMonth)
        self.months = Set(months)
        // Sunday is 0 or 7.
        self.daysOfWeek = Set(daysOfWeek.map { $0 % 7 })
        restrictsDayOfMonth = parts[2] != "*" && !parts[2].hasPrefix("*/")
        restrictsDayOfWeek = parts[4] != "*" && !parts[4].hasPrefix("*/")
    }

    /// The last instant the schedule fired at or before `instant`, in `timeZone`; `nil` when it did not fire in the
    /// 400 days before (a schedule for 29 February looks back that far at most).
    package func latest(atOrBefore instant: Date, in timeZone: TimeZone) -> Date? {
        let calendar = Self.calendar(timeZone)
        let today = calendar.startOfDay(for: instant)
        for offset in 0...400 {
            guard let day = calendar.date(byAdding: .day, value: -offset, to: today) else { return nil }
            for time in firings(on: day, calendar: calendar).reversed() where time <= instant {
                return time
            }
        }
        return nil
    }

    /// The first instant the schedule fires after `instant`, in `timeZone`; `nil` when not within 400 days.
    package func next(after instant: Date, in timeZone: TimeZone) -> Date? {
        let calendar = Self.calendar(timeZone)
        let today = calendar.startOfDay(for: instant)
        for offset in 0...400 {
            guard let day = calendar.date(byAdding: .day, value: offset, to: today) else { return nil }
            if let time = firings(on: day, calendar: calendar).first(where: { $0 > instant }) { return time }
        }
        return nil
    }

    /// The instants the schedule fires on the local day that starts at `day`, in order, each local time once.
    private func firings(on day: Date, calendar: Calendar) -> [Date] {
        let date = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
        guard let year = date.year, let month = date.month, let dayOfMonth = date.day, let weekday = date.weekday,
            months.contains(month)
        else { return [] }
        let matchesMonthDay = daysOfMonth.contains(dayOfMonth)
        let matchesWeekday = daysOfWeek.contains(weekday - 1)
        let matches: Bool
        switch (restrictsDayOfMonth, restrictsDayOfWeek) {
        case (true, true): matches = matchesMonthDay || matchesWeekday
        case (true, false): matches = matchesMonthDay
        case (false, true): matches = matchesWeekday
        case (false, false): matches = matchesMonthDay && matchesWeekday
        }
        guard matches else { return [] }
        var times: [Date] = []
        for hour in hours {
            for minute in minutes {
                let local = DateComponents(year: year, month: month, day: dayOfMonth, hour: hour, minute: minute)
                // A skipped local time resolves past the gap; a repeated one to its first occurrence.
                guard let time = calendar.date(from: local), calendar.isDate(time, inSameDayAs: day) else {
                    continue
                }
                if let last = times.last, time <= last { continue }
                times.append(time)
            }
        }
        return times
    }

    private static func calendar(_ timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// The values one field allows.
    private static func values(_ field: String, range: ClosedRange<Int>) -> [Int]? {
        var values = Set<Int>()
        for item in field.split(separator: ",") {
            let pieces = item.split(separator: "/", maxSplits: 1)
            let step = pieces.count == 2 ? Int(pieces[1]) : 1
            guard let step, step > 0 else { return nil }
            let bounds: ClosedRange<Int>
            if pieces[0] == "*" {
                bounds = range
            } else {
                let ends = pieces[0].split(separator: "-", maxSplits: 1).compactMap { Int($0) }
                guard let low = ends.first else { return nil }
                // `N/STEP` runs to the field's end.
                let high = ends.count == 2 ? ends[1] : (pieces.count == 2 ? range.upperBound : low)
                guard low <= high, range.contains(low), range.contains(high) else { return nil }
                bounds = low...high
            }
            values.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
        }
        return values.sorted()
    }
}
