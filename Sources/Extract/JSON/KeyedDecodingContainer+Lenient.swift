import Foundation

/// Decoding rules shared by the three APIs' records, following the fact sheet: ids may be strings or numbers and
/// are kept as text (never through `Double`), `""` means absent, Cliniko timestamps are ISO-8601, Chatwoot's are
/// unix seconds (0 meaning never), Clerk's are milliseconds, and related records are link objects.
extension KeyedDecodingContainer {
    /// A required id: a non-empty string, or an integer number kept as its exact digits.
    func decodeID(forKey key: Key) throws -> String {
        guard let id = try decodeIDIfPresent(forKey: key) else {
            throw FieldError(reason: "missing field `\(key.stringValue)`")
        }
        return id
    }

    /// An optional id: a string (`""` is absent) or an integer number.
    func decodeIDIfPresent(forKey key: Key) throws -> String? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let text = try? decode(String.self, forKey: key) { return text.isEmpty ? nil : text }
        if let number = try? decode(UInt64.self, forKey: key) { return String(number) }
        if let number = try? decode(Int64.self, forKey: key) { return String(number) }
        throw FieldError(reason: "wrong type in `\(key.stringValue)` (expected an id)")
    }

    /// Optional text; `""` (and whitespace only) is absent.
    func decodeText(forKey key: Key) throws -> String? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        guard let text = try? decode(String.self, forKey: key) else {
            throw FieldError(reason: "wrong type in `\(key.stringValue)` (expected text)")
        }
        return text.allSatisfy(\.isWhitespace) ? nil : text
    }

    /// Required non-empty text.
    func decodeRequiredText(forKey key: Key) throws -> String {
        guard let text = try decodeText(forKey: key) else {
            throw FieldError(reason: "missing field `\(key.stringValue)`")
        }
        return text
    }

    /// A Boolean that may be absent or null (then `false`); `"true"`/`"false"` strings are accepted.
    func decodeFlag(forKey key: Key) throws -> Bool {
        guard contains(key), try !decodeNil(forKey: key) else { return false }
        if let value = try? decode(Bool.self, forKey: key) { return value }
        if let text = try? decode(String.self, forKey: key), let value = Bool(text.lowercased()) { return value }
        throw FieldError(reason: "wrong type in `\(key.stringValue)` (expected a Boolean)")
    }

    /// An optional integer, also from a numeric string; `""` is absent.
    func decodeInteger(forKey key: Key) throws -> Int? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let value = try? decode(Int.self, forKey: key) { return value }
        if let text = try? decode(String.self, forKey: key) {
            if text.isEmpty { return nil }
            if let value = Int(text) { return value }
        }
        throw FieldError(reason: "wrong type in `\(key.stringValue)` (expected an integer)")
    }

    /// A required ISO-8601 timestamp.
    func decodeISO8601(forKey key: Key) throws -> Date {
        guard let date = try decodeISO8601IfPresent(forKey: key) else {
            throw FieldError(reason: "missing field `\(key.stringValue)`")
        }
        return date
    }

    /// An optional ISO-8601 timestamp; null and `""` are absent, anything else unparseable is an error.
    func decodeISO8601IfPresent(forKey key: Key) throws -> Date? {
        guard let text = try decodeText(forKey: key) else { return nil }
        guard let date = Timestamp.parseISO8601(text) else {
            throw FieldError(reason: "invalid timestamp in `\(key.stringValue)`")
        }
        return date
    }

    /// An optional `YYYY-MM-DD` date kept as text; `""` is absent.
    func decodeCivilDate(forKey key: Key) throws -> String? {
        guard let text = try decodeText(forKey: key) else { return nil }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && Int($0) != nil })
        else { throw FieldError(reason: "invalid date in `\(key.stringValue)`") }
        return text
    }

    /// A required unix-seconds timestamp (Chatwoot); ISO-8601 strings (webhook style) are accepted too.
    func decodeUnixSeconds(forKey key: Key) throws -> Date {
        guard let date = try decodeUnixSecondsIfPresent(forKey: key, zeroIsAbsent: false) else {
            throw FieldError(reason: "missing field `\(key.stringValue)`")
        }
        return date
    }

    /// An optional unix-seconds timestamp; null, `""` and (when `zeroIsAbsent`) `0` are absent. Seconds outside the
    /// years 1 to 9999 (``Timestamp/plausibleSeconds``) are invalid.
    func decodeUnixSecondsIfPresent(forKey key: Key, zeroIsAbsent: Bool = true) throws -> Date? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        var seconds: Double?
        if let integer = try? decode(Int64.self, forKey: key) {
            seconds = TimeInterval(integer)
        } else if let number = try? decode(Double.self, forKey: key) {
            seconds = number
        } else if let text = try? decode(String.self, forKey: key) {
            if text.isEmpty { return nil }
            if let integer = Int64(text) {
                guard Timestamp.plausibleSeconds.contains(TimeInterval(integer)) else { throw outOfRange(key) }
                return Date(timeIntervalSince1970: TimeInterval(integer))
            }
            if let date = Timestamp.parseISO8601(text) { return date }
        }
        guard let seconds else { throw FieldError(reason: "invalid timestamp in `\(key.stringValue)`") }
        if seconds == 0 && zeroIsAbsent { return nil }
        guard Timestamp.plausibleSeconds.contains(seconds) else { throw outOfRange(key) }
        return Date(timeIntervalSince1970: seconds)
    }

    private func outOfRange(_ key: Key) -> FieldError {
        FieldError(reason: "timestamp out of range in `\(key.stringValue)`")
    }

    /// A required unix-milliseconds timestamp (Clerk).
    func decodeMilliseconds(forKey key: Key) throws -> Date {
        guard let date = try decodeMillisecondsIfPresent(forKey: key) else {
            throw FieldError(reason: "missing field `\(key.stringValue)`")
        }
        return date
    }

    /// An optional unix-milliseconds timestamp; null is absent.
    func decodeMillisecondsIfPresent(forKey key: Key) throws -> Date? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        guard let milliseconds = try? decode(Int64.self, forKey: key) else {
            throw FieldError(reason: "invalid timestamp in `\(key.stringValue)`")
        }
        let seconds = TimeInterval(milliseconds) / 1000
        guard Timestamp.plausibleSeconds.contains(seconds) else { throw outOfRange(key) }
        return Date(timeIntervalSince1970: seconds)
    }

    /// The id a Cliniko link object points at: `{"links": {"self": ".../patients/123"}}` gives `123`.
    ///
    /// Links to collections (a URL with a query, such as `repeats`) and absent or null links give `nil`.
    func decodeLinkedID(forKey key: Key) throws -> String? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        guard let link = try? decode(LinkObject.self, forKey: key) else {
            throw FieldError(reason: "wrong type in `\(key.stringValue)` (expected a link object)")
        }
        return link.links?.selfURL.flatMap(LinkObject.trailingID(of:))
    }
}

/// A Cliniko link object: `{"links": {"self": "https://…"}}`.
struct LinkObject: Decodable {
    struct Links: Decodable {
        var selfURL: String?

        enum CodingKeys: String, CodingKey {
            case selfURL = "self"
        }
    }

    var links: Links?

    /// The last path segment of `url` when it is a plain record URL (no query) ending in digits.
    static func trailingID(of url: String) -> String? {
        // A byte scan: this runs for every link of every record (four per appointment), and Foundation's
        // `contains` plus `split` cost a quarter of a full extract's CPU.
        let bytes = url.utf8
        guard !bytes.contains(UInt8(ascii: "?")) else { return nil }
        let start = bytes.lastIndex(of: UInt8(ascii: "/")).map { bytes.index(after: $0) } ?? bytes.startIndex
        let segment = bytes[start...]
        guard !segment.isEmpty, segment.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        return String(url[start...])
    }
}
