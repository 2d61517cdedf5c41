import Foundation

/// A Cliniko API key and the shard it belongs to (fact sheet §A.1–A.2).
///
/// The shard is the text after the **last** `-` when it looks like a shard (`\w{2}\d{1,2}`, e.g. `au2`); a key
/// without a dash is an older key on `au1`; anything else is not a valid key.
struct ClinikoAPIKey: Sendable, Hashable {
    /// The key as configured, suffix included.
    let key: String
    /// The shard, lower-cased, e.g. `au2`.
    let shard: String

    /// Parses `key`, or returns `nil` when it is malformed.
    init?(_ key: String) {
        let trimmed = key.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        self.key = trimmed
        guard let dash = trimmed.lastIndex(of: "-") else {
            shard = "au1"
            return
        }
        let suffix = trimmed[trimmed.index(after: dash)...]
        guard Self.isShard(suffix), dash > trimmed.startIndex else { return nil }
        shard = suffix.lowercased()
    }

    /// Whether `text` matches `^\w{2}\d{1,2}$` (letters, then one or two digits).
    static func isShard(_ text: Substring) -> Bool {
        let characters = Array(text)
        guard (3...4).contains(characters.count) else { return false }
        return characters[0].isASCII && characters[0].isLetter && characters[1].isASCII && characters[1].isLetter
            && characters[2...].allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// `https://api.{shard}.cliniko.com/v1`.
    var defaultBaseURL: String {
        "https://api.\(shard).cliniko.com/v1"
    }

    /// `Basic base64(key + ":")`: the key is the user name and the password is empty.
    var authorization: String {
        "Basic " + Data((key + ":").utf8).base64EncodedString()
    }
}
