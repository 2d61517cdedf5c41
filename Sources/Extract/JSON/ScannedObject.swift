import Foundation

/// One JSON object read straight from a ``JSONScanner``'s bytes, for the fast decoding paths
/// (``RecordPayload/scanned(_:in:)``).
///
/// Every accessor mirrors a rule of `KeyedDecodingContainer+Lenient.swift` for the plain cases and answers `nil`
/// ("let `JSONDecoder` decide") for everything else: escaped strings, unexpected types, values the rule would
/// reject. The object is only made when the whole element is strict JSON (``isStrictJSON(_:)``), as `JSONDecoder`
/// would require, and has no repeated key.
struct ScannedObject {
    /// A member's value as a lenient rule needs it.
    private enum Value {
        /// Absent or `null`.
        case none
        case string(String)
        /// A JSON number's text.
        case number(String)
        case bool(Bool)
        case object(Range<Int>)
        case other
    }

    private let scanner: JSONScanner
    /// Keys as raw byte ranges, quotes included: with no escape in the element, bytes compare as keys do.
    private let members: [(key: Range<Int>, value: Range<Int>)]

    /// The object at `range`, or `nil` when it is not an object or not strict JSON.
    init?(_ range: Range<Int>, in scanner: JSONScanner, validated: Bool = false) {
        // An escape anywhere (even in a key) leaves the record to JSONDecoder: they are rare in these payloads.
        guard validated || (Self.isStrictJSON(scanner.bytes[range]) && !scanner.bytes[range].contains(0x5C)),
            let members = try? scanner.rawMembers(of: range)
        else { return nil }
        self.scanner = scanner
        self.members = members
    }

    /// Like `decodeIDIfPresent`: a non-empty string, or an integer's exact digits; `.some(nil)` when absent.
    func id(_ key: StaticString) -> String?? {
        switch value(key) {
        case .none?: .some(nil)
        case .string(let text)?: .some(text.isEmpty ? nil : text)
        case .number(let text)?: Self.isInteger(text) && !text.hasPrefix("-0") ? .some(text) : nil
        default: nil
        }
    }

    /// Like `decodeText`: text, with `""` and whitespace only as absent.
    func text(_ key: StaticString) -> String?? {
        switch value(key) {
        case .none?: .some(nil)
        case .string(let text)?: .some(text.allSatisfy(\.isWhitespace) ? nil : text)
        default: nil
        }
    }

    /// Like `decodeISO8601IfPresent`; an unparseable timestamp is left to `JSONDecoder`'s path to report.
    func timestamp(_ key: StaticString) -> Date?? {
        guard let text = text(key) else { return nil }
        guard let text else { return .some(nil) }
        return Timestamp.parseISO8601(text).map { .some($0) }
    }

    /// Like `decode(Int.self, forKey:)` for integer numbers only (a numeric string is left to `JSONDecoder`);
    /// `.some(nil)` when absent.
    func integerNumber(_ key: StaticString) -> Int?? {
        switch value(key) {
        case .none?: .some(nil)
        case .number(let text)?: Self.isInteger(text) ? Int(text).map { .some($0) } : nil
        default: nil
        }
    }

    /// Like `decodeUnixSeconds(forKey:)` for integer numbers (zero included); `.some(nil)` when absent, `nil` (leave
    /// it to `init(from:)`) for anything else, including seconds outside ``Timestamp/plausibleSeconds``.
    func unixSeconds(_ key: StaticString) -> Date?? {
        switch value(key) {
        case .none?:
            return .some(nil)
        case .number(let text)?:
            guard Self.isInteger(text), let integer = Int64(text),
                Timestamp.plausibleSeconds.contains(TimeInterval(integer))
            else { return nil }
            return .some(Date(timeIntervalSince1970: TimeInterval(integer)))
        default:
            return nil
        }
    }

    /// Like `decodeFlag` for JSON Booleans, absent and `null`.
    func flag(_ key: StaticString) -> Bool? {
        switch value(key) {
        case .none?: false
        case .bool(let value)?: value
        default: nil
        }
    }

    /// Like `decodeInteger` for integer numbers, numeric strings, `""`, absent and `null`.
    func integer(_ key: StaticString) -> Int?? {
        switch value(key) {
        case .none?: .some(nil)
        case .number(let text)?: Self.isInteger(text) ? Int(text).map { .some($0) } : nil
        case .string(let text)?: text.isEmpty ? .some(nil) : Int(text).map { .some($0) }
        default: nil
        }
    }

    /// Like `decodeLinkedID`: the id a Cliniko link object `{"links": {"self": "…/123"}}` points at.
    func linkedID(_ key: StaticString) -> String?? {
        switch value(key) {
        case .none?: return .some(nil)
        case .object(let range)?:
            guard let link = ScannedObject(range, in: scanner, validated: true) else { return nil }
            switch link.value("links") {
            case .none?: return .some(nil)
            case .object(let linksRange)?:
                guard let links = ScannedObject(linksRange, in: scanner, validated: true) else { return nil }
                switch links.value("self") {
                case .none?: return .some(nil)
                case .string(let url)?: return .some(LinkObject.trailingID(of: url))
                default: return nil
                }
            default: return nil
            }
        default: return nil
        }
    }

    /// The member's value; `nil` for a string with escapes or a repeated key (left to `JSONDecoder`).
    private func value(_ key: StaticString) -> Value? {
        let bytes = scanner.bytes
        var found: Range<Int>?
        for member in members where member.key.count == key.utf8CodeUnitCount + 2 {
            let matches = key.withUTF8Buffer {
                bytes[(member.key.lowerBound + 1)..<(member.key.upperBound - 1)].elementsEqual($0)
            }
            guard matches else { continue }
            guard found == nil else { return nil }
            found = member.value
        }
        guard let range = found else { return Value.none }
        switch bytes[range.lowerBound] {
        case UInt8(ascii: "\""):
            let inner = bytes[(range.lowerBound + 1)..<(range.upperBound - 1)]
            guard !inner.contains(UInt8(ascii: "\\")) else { return nil }
            return String(validating: inner, as: UTF8.self).map { Value.string($0) }
        case UInt8(ascii: "n"): return Value.none
        case UInt8(ascii: "t"): return .bool(true)
        case UInt8(ascii: "f"): return .bool(false)
        case UInt8(ascii: "{"): return .object(range)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(String(decoding: bytes[range], as: UTF8.self))
        default: return .other
        }
    }

    /// An integer without fraction or exponent that fits 64 bits.
    private static func isInteger(_ text: String) -> Bool {
        let digits = text.utf8.drop { $0 == UInt8(ascii: "-") }
        return !digits.isEmpty && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            && (Int64(text) != nil || UInt64(text) != nil)
    }

    /// Whether `bytes` (already balanced by ``JSONScanner``) is strict JSON as `JSONDecoder` reads it: literals spelt
    /// exactly, numbers in JSON's grammar, strings without raw control characters, with valid escapes and UTF-8.
    static func isStrictJSON(_ bytes: ArraySlice<UInt8>) -> Bool {
        var index = bytes.startIndex
        let end = bytes.endIndex
        while index < end {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let start = index + 1
                var cursor = start
                var hasEscape = false
                while cursor < end, bytes[cursor] != UInt8(ascii: "\"") {
                    let current = bytes[cursor]
                    if current < 0x20 { return false }
                    if current == UInt8(ascii: "\\") {
                        hasEscape = true
                        guard cursor + 1 < end else { return false }
                        switch bytes[cursor + 1] {
                        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                            UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                            cursor += 2
                        case UInt8(ascii: "u"):
                            // Escaped strings are left to JSONDecoder anyway; only check the shape here.
                            guard cursor + 5 < end,
                                bytes[(cursor + 2)...(cursor + 5)].allSatisfy({ $0.isHexDigit })
                            else { return false }
                            cursor += 6
                        default: return false
                        }
                        continue
                    }
                    cursor += 1
                }
                guard cursor < end else { return false }
                if !hasEscape, String(validating: bytes[start..<cursor], as: UTF8.self) == nil { return false }
                index = cursor + 1
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                let word: [UInt8] =
                    byte == UInt8(ascii: "t")
                    ? Array("true".utf8) : byte == UInt8(ascii: "f") ? Array("false".utf8) : Array("null".utf8)
                guard index + word.count <= end, bytes[index..<(index + word.count)].elementsEqual(word) else {
                    return false
                }
                index += word.count
                if index < end, bytes[index].isLetterOrDigit { return false }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard let after = numberEnd(bytes, from: index) else { return false }
                index = after
            case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ","),
                UInt8(ascii: ":"), 0x20, 0x09, 0x0A, 0x0D:
                index += 1
            default:
                return false
            }
        }
        return true
    }

    /// Where the JSON number starting at `start` ends, or `nil` if it does not follow JSON's grammar.
    private static func numberEnd(_ bytes: ArraySlice<UInt8>, from start: Int) -> Int? {
        var index = start
        let end = bytes.endIndex
        func digits() -> Int {
            let first = index
            while index < end, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - first
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < end else { return nil }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            return nil
        }
        if index < end, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return nil }
        }
        if index < end, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < end, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return nil }
        }
        if index < end, bytes[index].isLetterOrDigit || bytes[index] == UInt8(ascii: ".") { return nil }
        return index
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }

    fileprivate var isLetterOrDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
    }
}
