/// A proleptic Gregorian calendar date, convertible to and from a day number (days since 1970-01-01).
///
/// Howard Hinnant's `days_from_civil` / `civil_from_days` algorithms: exact, branch-light and free of
/// Foundation, so that day arithmetic on the scoring hot path costs a few integer operations.
struct CivilDate: Hashable, Sendable, CustomStringConvertible {
    var year: Int
    var month: Int
    var day: Int

    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date of a day number.
    init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days since 1970-01-01.
    var dayNumber: Int {
        let adjustedYear = month <= 2 ? year - 1 : year
        let era = (adjustedYear >= 0 ? adjustedYear : adjustedYear - 399) / 400
        let yearOfEra = adjustedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The ISO weekday of a day number: 1 Monday … 7 Sunday.
    static func isoWeekday(ofDayNumber dayNumber: Int) -> Int {
        // 1970-01-01 was a Thursday (ISO weekday 4).
        let offset = (dayNumber + 3) % 7
        return (offset < 0 ? offset + 7 : offset) + 1
    }

    /// The ISO week-numbering year and week of a day number.
    static func isoWeek(ofDayNumber dayNumber: Int) -> (year: Int, week: Int) {
        let thursday = dayNumber - isoWeekday(ofDayNumber: dayNumber) + 4
        let year = CivilDate(dayNumber: thursday).year
        let firstOfYear = CivilDate(year: year, month: 1, day: 1).dayNumber
        return (year, (thursday - firstOfYear) / 7 + 1)
    }

    /// `YYYY-MM-DD`.
    var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}
