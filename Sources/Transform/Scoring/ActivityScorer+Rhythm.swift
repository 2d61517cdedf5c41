import Foundation
import Pipeline

extension ActivityScorer {
    /// A patient's attended visits as local calendar days, the raw material of the re-engagement figures.
    struct Rhythm {
        /// The distinct local day numbers of attended visits, ascending.
        var days: [Int]
        /// The local day number of the as-of date.
        var today: Int

        /// The BG/NBD pattern; `nil` when the patient never attended.
        var pattern: VisitPattern? {
            guard let first = days.first, let last = days.last else { return nil }
            return VisitPattern(
                frequency: days.count - 1, recency: Double(last - first), age: Double(max(today - first, last - first)))
        }

        /// Days from the last attended visit to today.
        var daysSinceLastVisit: Int? { days.last.map { today - $0 } }

        /// The median gap between consecutive visit days; `nil` with fewer than two visit days.
        var typicalInterval: Double? {
            guard days.count >= 2 else { return nil }
            let gaps = zip(days.dropFirst(), days).map { $0 - $1 }.sorted()
            let middle = gaps.count / 2
            return gaps.count.isMultiple(of: 2)
                ? Double(gaps[middle - 1] + gaps[middle]) / 2 : Double(gaps[middle])
        }

        /// Days since the last visit ÷ the typical interval.
        var overdueRatio: Double? {
            guard let interval = typicalInterval, interval > 0, let since = daysSinceLastVisit else { return nil }
            return Double(since) / interval
        }
    }

    /// The attended visit days of one patient (archived, cancelled, missed and upcoming visits do not count).
    func rhythm(_ appointments: [Appointment]) -> Rhythm {
        var days: [Int] = []
        for index in appointments.indices where classifier.outcome(of: appointments[index], asOf: asOf) == .attended {
            days.append(calendar.dayNumber(of: appointments[index].startsAt))
        }
        days.sort()
        var distinct: [Int] = []
        distinct.reserveCapacity(days.count)
        for day in days where distinct.last != day { distinct.append(day) }
        return Rhythm(days: distinct, today: today)
    }
}
