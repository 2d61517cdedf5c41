import Foundation

/// Escaping and formatting for HTML output.
enum HTMLText {
    /// Escapes text for element content and quoted attribute values.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// Escapes text and isolates it in `<bdi>`: a right-to-left name keeps its own direction without reordering or
    /// realigning what surrounds it (the numbers after it, the table it is in).
    static func isolated(_ text: String) -> String {
        "<bdi>\(escape(text))</bdi>"
    }

    /// A coordinate with two decimals, the same on every machine.
    static func number(_ value: Double) -> String {
        let text = String(format: "%.2f", value)
        return text == "-0.00" ? "0.00" : text
    }

    /// A rate in 0…1 as a percentage with one decimal, or an en dash.
    static func percent(_ rate: Double?) -> String {
        guard let rate else { return "–" }
        return String(format: "%.1f %%", rate * 100)
    }

    /// An optional integer, or an en dash.
    static func count(_ value: Int?) -> String {
        value.map(String.init) ?? "–"
    }
}

/// Formats instants as local dates and times in one organization's zone, independently of the machine's locale.
struct LocalDateFormatter {
    let timeZone: TimeZone

    init(timeZoneIdentifier: String) {
        timeZone = TimeZone(identifier: timeZoneIdentifier) ?? TimeZone(identifier: "UTC")!
    }

    /// `2026-04-15 12:00`, or an en dash.
    func dateTime(_ date: Date?) -> String {
        guard let date else { return "–" }
        return format(date, dateTime: true)
    }

    /// `2026-04-15`, or an en dash.
    func day(_ date: Date?) -> String {
        guard let date else { return "–" }
        return format(date, dateTime: false)
    }

    /// `<time datetime="2026-04-15T02:00:00Z">2026-04-15 12:00</time>` (a `<time>` element never breaks across
    /// lines), or an en dash.
    ///
    /// - Parameters:
    ///   - date: The instant.
    ///   - withTime: Whether to show the local time as well as the date; `true` by default.
    func timeElement(_ date: Date?, withTime: Bool = true) -> String {
        guard let date else { return "–" }
        return "<time datetime=\"\(date.formatted(.iso8601))\">\(format(date, dateTime: withTime))</time>"
    }

    private func format(_ date: Date, dateTime: Bool) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let day = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        guard dateTime else { return day }
        return day + String(format: " %02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }
}
