/// A minimal structural JSON scanner: it validates a document and finds the byte ranges of object members and
/// array elements without building values, so each record can be decoded (or quarantined) from its exact raw text.
///
/// It checks structure (balanced brackets, terminated strings and escapes, a single top-level value); it does not
/// check number syntax or UTF-8, which ``JSONDecoder`` does when a record is decoded.
struct JSONScanner {
    /// Why a document is not valid JSON; truncated bodies end up here.
    struct MalformedJSON: Error, Hashable {
        /// The byte offset where scanning failed.
        var offset: Int
    }

    let bytes: [UInt8]

    /// The range of the single top-level value.
    func rootValue() throws(MalformedJSON) -> Range<Int> {
        let start = skipWhitespace(0)
        let end = try skipValue(start)
        guard skipWhitespace(end) == bytes.count else { throw MalformedJSON(offset: end) }
        return start..<end
    }

    /// The members of the object at `range`, with their keys decoded, or `nil` if the value is not an object.
    func members(of range: Range<Int>) throws(MalformedJSON) -> [(key: String, value: Range<Int>)]? {
        var members: [(key: String, value: Range<Int>)] = []
        let isObject = try walkMembers(of: range) { key, value in
            members.append((decodeKey(key), value))
            return false
        }
        return isObject ? members : nil
    }

    /// The members of the object at `range` as byte ranges of their keys (quotes included, escapes as written) and
    /// values, or `nil` if the value is not an object: ``members(of:)`` without decoding any key.
    func rawMembers(of range: Range<Int>) throws(MalformedJSON) -> [(key: Range<Int>, value: Range<Int>)]? {
        var members: [(key: Range<Int>, value: Range<Int>)] = []
        let isObject = try walkMembers(of: range) { key, value in
            members.append((key, value))
            return false
        }
        return isObject ? members : nil
    }

    /// The elements of the array at `range`, or `nil` if the value is not an array.
    func elements(of range: Range<Int>) throws(MalformedJSON) -> [Range<Int>]? {
        guard range.lowerBound < range.upperBound, bytes[range.lowerBound] == UInt8(ascii: "[") else { return nil }
        var elements: [Range<Int>] = []
        var index = skipWhitespace(range.lowerBound + 1)
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { return elements }
        while true {
            let end = try skipValue(index)
            elements.append(index..<end)
            index = skipWhitespace(end)
            guard index < bytes.count else { throw MalformedJSON(offset: index) }
            if bytes[index] == UInt8(ascii: "]") { return elements }
            guard bytes[index] == UInt8(ascii: ",") else { throw MalformedJSON(offset: index) }
            index = skipWhitespace(index + 1)
        }
    }

    /// The first member `key` of the object at `range`, or `nil` when it has none or is not an object.
    ///
    /// Compares raw key bytes and stops at the match: this runs for every record of every page (its id), where
    /// building ``members(of:)`` with decoded keys cost more than the rest of the scan. A key written with escapes
    /// is compared as written.
    func member(_ key: String, of range: Range<Int>) throws(MalformedJSON) -> Range<Int>? {
        let wanted = Array(key.utf8)
        var found: Range<Int>?
        _ = try walkMembers(of: range) { key, value in
            guard key.count - 2 == wanted.count,
                bytes[(key.lowerBound + 1)..<(key.upperBound - 1)].elementsEqual(wanted)
            else { return false }
            found = value
            return true
        }
        return found
    }

    /// Walks the members of the object at `range` in order, handing `visit` each key's byte range (quotes included)
    /// and value's range, until `visit` returns `true`; returns `false` if the value is not an object.
    private func walkMembers(of range: Range<Int>, _ visit: (Range<Int>, Range<Int>) -> Bool) throws(MalformedJSON)
        -> Bool
    {
        guard range.lowerBound < range.upperBound, bytes[range.lowerBound] == UInt8(ascii: "{") else { return false }
        var index = skipWhitespace(range.lowerBound + 1)
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { return true }
        while true {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw MalformedJSON(offset: index) }
            let keyEnd = try skipString(index)
            let key = index..<keyEnd
            index = skipWhitespace(keyEnd)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw MalformedJSON(offset: index) }
            let valueStart = skipWhitespace(index + 1)
            let valueEnd = try skipValue(valueStart)
            if visit(key, valueStart..<valueEnd) { return true }
            index = skipWhitespace(valueEnd)
            guard index < bytes.count else { throw MalformedJSON(offset: index) }
            if bytes[index] == UInt8(ascii: "}") { return true }
            guard bytes[index] == UInt8(ascii: ",") else { throw MalformedJSON(offset: index) }
            index = skipWhitespace(index + 1)
        }
    }

    /// The raw text of `range`.
    func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// A scalar at `range` as text: a string's contents (simple escapes only) or a number's digits; `nil` for
    /// null, objects and arrays.
    func scalarText(_ range: Range<Int>) -> String? {
        guard let first = range.first.map({ bytes[$0] }) else { return nil }
        if first == UInt8(ascii: "\"") { return decodeKey(range) }
        if first == UInt8(ascii: "-") || (first >= 48 && first <= 57) { return text(range) }
        return nil
    }

    private func decodeKey(_ range: Range<Int>) -> String {
        let inner = bytes[(range.lowerBound + 1)..<(range.upperBound - 1)]
        guard inner.contains(UInt8(ascii: "\\")) else { return String(decoding: inner, as: UTF8.self) }
        var out: [UInt8] = []
        var escaped = false
        for byte in inner {
            if escaped {
                out.append(byte)
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func skipWhitespace(_ start: Int) -> Int {
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return index
            }
        }
        return index
    }

    private func skipValue(_ start: Int) throws(MalformedJSON) -> Int {
        guard start < bytes.count else { throw MalformedJSON(offset: start) }
        switch bytes[start] {
        case UInt8(ascii: "\""): return try skipString(start)
        case UInt8(ascii: "{"), UInt8(ascii: "["): return try skipContainer(start)
        default:
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                    UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "E"):
                    index += 1
                default:
                    guard index > start else { throw MalformedJSON(offset: index) }
                    return index
                }
            }
            guard index > start else { throw MalformedJSON(offset: index) }
            return index
        }
    }

    private func skipString(_ start: Int) throws(MalformedJSON) -> Int {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            default: index += 1
            }
        }
        throw MalformedJSON(offset: bytes.count)
    }

    private func skipContainer(_ start: Int) throws(MalformedJSON) -> Int {
        var depth = 0
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index = try skipString(index)
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return index + 1 }
            default: break
            }
            index += 1
        }
        throw MalformedJSON(offset: bytes.count)
    }
}
