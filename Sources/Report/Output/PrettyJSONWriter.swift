import Foundation

/// Writes JSON byte for byte as ``ReportJSON`` does (`JSONEncoder` with sorted keys, pretty printing, unescaped
/// slashes and ISO 8601 instants to the second), without `Encodable`'s per-value boxing, for the one large document:
/// `patients.json`.
///
/// The caller writes members in sorted key order. What `JSONEncoder` does and this writer copies: two-space
/// indentation, `"key" : value`, an empty array as `[`, two line breaks and `]`; strings escaped with `\"`, `\\`,
/// `\b`, `\f`, `\n`, `\r`, `\t` and `\u00xx` for other control characters, everything else (slashes, non-ASCII)
/// as is; a `Double` as its `description` without a trailing `.0`; an instant as `Date.formatted(.iso8601)` gives
/// it (seconds rounded down, UTC). A test compares its output with `JSONEncoder`'s.
struct PrettyJSONWriter {
    /// The document so far.
    private(set) var bytes: [UInt8] = []
    private var depth = 0
    private var isFirstInContainer = true

    /// Creates a writer, reserving room for `capacity` bytes.
    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Opens an object as the current value.
    mutating func openObject() { open(UInt8(ascii: "{")) }

    /// Closes the innermost object.
    mutating func closeObject() { close(UInt8(ascii: "}")) }

    /// Opens an array as the current value.
    mutating func openArray() { open(UInt8(ascii: "[")) }

    /// Closes the innermost array.
    mutating func closeArray() { close(UInt8(ascii: "]")) }

    /// Starts a member of the innermost object; its value comes next. `name` must need no escaping.
    mutating func member(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: " "))
        bytes.append(UInt8(ascii: ":"))
        bytes.append(UInt8(ascii: " "))
    }

    /// Starts an element of the innermost array; its value comes next.
    mutating func element() {
        separate()
    }

    /// A string value.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            guard utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 { escape(byte) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// An integer value.
    mutating func int(_ value: Int) {
        guard value >= 0 else {
            bytes.append(contentsOf: String(value).utf8)
            return
        }
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// A floating-point value, written as `JSONEncoder` writes it: its `description` without a trailing `.0`.
    mutating func double(_ value: Double) {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// An instant as an ISO 8601 string in UTC to the second, as `Date.formatted(.iso8601)` writes it.
    mutating func date(_ date: Date) {
        // Whole seconds since 1970, rounded down, without adding in floating point.
        let referenceSeconds = date.timeIntervalSinceReferenceDate.rounded(.down)
        guard referenceSeconds.isFinite, referenceSeconds >= -978_307_200, referenceSeconds < 252_423_993_600 else {
            string(date.formatted(.iso8601))  // outside 1970…9999: not worth a fast path
            return
        }
        let seconds = Int(referenceSeconds) + 978_307_200
        let (year, month, day) = Self.civilDate(daysSince1970: seconds / 86_400)
        let timeOfDay = seconds % 86_400
        bytes.append(UInt8(ascii: "\""))
        append(year, digits: 4)
        bytes.append(UInt8(ascii: "-"))
        append(month, digits: 2)
        bytes.append(UInt8(ascii: "-"))
        append(day, digits: 2)
        bytes.append(UInt8(ascii: "T"))
        append(timeOfDay / 3600, digits: 2)
        bytes.append(UInt8(ascii: ":"))
        append(timeOfDay / 60 % 60, digits: 2)
        bytes.append(UInt8(ascii: ":"))
        append(timeOfDay % 60, digits: 2)
        bytes.append(UInt8(ascii: "Z"))
        bytes.append(UInt8(ascii: "\""))
    }

    /// Forgets the bytes written so far, keeping the buffer, so a long document can be written out in pieces. What
    /// follows continues at the same depth.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
    }

    /// Ends the document with a line break, as ``ReportJSON/encode(_:)`` does.
    mutating func finish() {
        bytes.append(UInt8(ascii: "\n"))
    }

    private mutating func escape(_ byte: UInt8) {
        let escaped: UInt8
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): escaped = byte
        case 0x08: escaped = UInt8(ascii: "b")
        case 0x09: escaped = UInt8(ascii: "t")
        case 0x0A: escaped = UInt8(ascii: "n")
        case 0x0C: escaped = UInt8(ascii: "f")
        case 0x0D: escaped = UInt8(ascii: "r")
        case 0..<0x20:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: "\\u00".utf8)
            bytes.append(hex[Int(byte >> 4)])
            bytes.append(hex[Int(byte & 0x0F)])
            return
        default:
            bytes.append(byte)
            return
        }
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(escaped)
    }

    private mutating func open(_ bracket: UInt8) {
        bytes.append(bracket)
        bytes.append(UInt8(ascii: "\n"))
        depth += 1
        isFirstInContainer = true
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(UInt8(ascii: "\n"))
        depth -= 1
        indent()
        bytes.append(bracket)
        isFirstInContainer = false
    }

    private mutating func separate() {
        if !isFirstInContainer {
            bytes.append(UInt8(ascii: ","))
            bytes.append(UInt8(ascii: "\n"))
        }
        isFirstInContainer = false
        indent()
    }

    private mutating func indent() {
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
    }

    private mutating func append(_ value: Int, digits: Int) {
        var divisor = 1
        for _ in 1..<digits { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    /// The proleptic Gregorian date of a day number (days since 1970-01-01, not negative), after Howard Hinnant's
    /// `civil_from_days`.
    private static func civilDate(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
