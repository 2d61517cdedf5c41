import Foundation
import Pipeline

/// Fast, locale-free conversions of the APIs' time formats.
///
/// Cliniko sends ISO-8601 UTC (`2024-04-02T14:45:00Z`, no fractions; offsets and fractions are accepted anyway),
/// Chatwoot unix seconds, Clerk unix milliseconds.
enum Timestamp {
    /// The instants a record may carry (``Instant/plausibleSeconds``): anything else from an API is an invalid field
    /// (quarantined), never a date that traps or that PostgreSQL refuses later.
    static let plausibleSeconds = Instant.plausibleSeconds

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`; `nil` for anything else (including `""`).
    static func parseISO8601(_ text: String) -> Date? {
        var utf8 = Array(text.utf8)[...]
        func number(_ count: Int) -> Int? {
            guard utf8.count >= count else { return nil }
            var value = 0
            for _ in 0..<count {
                let byte = utf8.removeFirst()
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard let byte = utf8.first, characters.utf8.contains(byte) else { return false }
            utf8.removeFirst()
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            expect("Tt "), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
            let second = number(2)
        else { return nil }
        var fraction = 0.0
        if expect(".") {
            var scale = 0.1
            while let byte = utf8.first, byte >= 48 && byte <= 57 {
                fraction += Double(byte - 48) * scale
                scale /= 10
                utf8.removeFirst()
            }
        }
        var offset = 0
        if expect("Zz") {
            offset = 0
        } else if let sign = utf8.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            utf8.removeFirst()
            guard let hours = number(2) else { return nil }
            _ = expect(":")
            guard let minutes = number(2) else { return nil }
            offset = (hours * 3600 + minutes * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return nil
        }
        guard utf8.isEmpty, year >= 1, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
            second < 61,
            let date = makeDate(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        return date.addingTimeInterval(fraction - Double(offset))
    }

    /// Formats as `YYYY-MM-DDTHH:MM:SSZ` (whole seconds, rounded down), the form Cliniko filters expect.
    static func formatISO8601(_ date: Date) -> String {
        let total = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secondsOfDay = Int(total - days * 86_400)
        let (year, month, day) = civil(fromDays: days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText =
            String(year).count < 4 ? String(repeating: "0", count: 4 - String(year).count) + "\(year)" : "\(year)"
        return "\(yearText)-\(two(month))-\(two(day))T\(two(secondsOfDay / 3600)):\(two(secondsOfDay / 60 % 60)):"
            + "\(two(secondsOfDay % 60))Z"
    }

    /// The UTC instant of a civil date and time.
    static func makeDate(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date? {
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}
