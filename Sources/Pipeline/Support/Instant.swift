public import Foundation

/// ISO-8601 instants as RoutIQ reads them from pipeline files and flags, and the UTC day boundary the sandbox pins to.
package enum Instant {
    /// The unix seconds an instant from outside may have: 0001-01-01T00:00:00Z up to (not including)
    /// 10000-01-01T00:00:00Z. PostgreSQL has no year 0, and nothing later is real data; an instant outside this range
    /// is refused wherever it arrives (the decoders, the COPY encoder), never converted to an integer that could trap.
    package static let plausibleSeconds: Range<Double> = -62_135_596_800..<253_402_300_800

    /// Parses `2026-03-01T00:00:00Z`, with or without fractional seconds.
    package static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// Midnight UTC at the start of the day containing `date`.
    package static func startOfUTCDay(containing date: Date) -> Date {
        let seconds = date.timeIntervalSince1970
        return Date(timeIntervalSince1970: seconds - seconds.truncatingRemainder(dividingBy: 86_400))
    }
}
