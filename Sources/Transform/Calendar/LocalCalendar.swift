import Foundation

/// Calendar days in one time zone: which local date an instant falls on, and when a local date begins.
///
/// Day numbers count local calendar dates (days since 1970-01-01 in that zone), so the difference of two day
/// numbers is the number of midnights between them, whatever the length of the days in between (23 or 25
/// hours on DST change days).
struct LocalCalendar: Sendable {
    let timeZone: TimeZone
    private let calendar: Calendar

    init(timeZone: TimeZone) {
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// The local date of an instant, as a day number.
    func dayNumber(of date: Date) -> Int {
        let local = date.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: date))
        return Int((local / 86_400).rounded(.down))
    }

    /// The instant a local date begins (local midnight, or the first instant of the day when midnight is
    /// skipped by a DST change).
    func startOfDay(dayNumber: Int) -> Date {
        let noonUTC = Date(timeIntervalSince1970: Double(dayNumber) * 86_400 + 43_200)
        let localNoon = noonUTC.addingTimeInterval(-Double(timeZone.secondsFromGMT(for: noonUTC)))
        return calendar.startOfDay(for: localNoon)
    }
}
