/// A hand-written, allocation-light JSON writer appending UTF-8 into a byte array.
///
/// Pages are encoded on demand from compact structs; this writer is what makes several thousand
/// 100-record pages per second possible. Callers are responsible for commas: use ``key(_:)`` which
/// inserts them automatically inside objects, and ``element()`` inside arrays.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Nesting depth and, per level (up to 63), whether the next member needs a leading comma.
    private var depth = 0
    private var hasMembers: UInt64 = 0

    init(capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        open()
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        depth -= 1
    }

    mutating func beginArray() {
        bytes.append(UInt8(ascii: "["))
        open()
    }

    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        depth -= 1
    }

    private mutating func open() {
        depth += 1
        hasMembers &= ~(1 << UInt64(depth))
    }

    /// Prepares for the next array element (writes a comma when needed).
    mutating func element() {
        let bit: UInt64 = 1 << UInt64(depth)
        if hasMembers & bit != 0 {
            bytes.append(UInt8(ascii: ","))
        } else {
            hasMembers |= bit
        }
    }

    /// Writes an object key (with a leading comma when needed) and the colon.
    mutating func key(_ name: StaticString) {
        element()
        bytes.append(UInt8(ascii: "\""))
        if name.hasPointerRepresentation {
            bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        } else {
            name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// Writes a dynamic object key.
    mutating func key(string name: String) {
        element()
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func rawBytes(_ other: [UInt8]) {
        bytes.append(contentsOf: other)
    }

    mutating func null() { raw("null") }

    mutating func bool(_ value: Bool) { value ? raw("true") : raw("false") }

    mutating func int(_ value: Int64) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            digits(value.magnitude)
        } else {
            digits(UInt64(value))
        }
    }

    mutating func int(_ value: Int) { int(Int64(value)) }

    /// Writes an integer as a JSON string, as Cliniko does with its int64 ids.
    mutating func idString(_ value: Int64) {
        bytes.append(UInt8(ascii: "\""))
        int(value)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func double(_ value: Double) {
        string(value.description, quoted: false)
    }

    private mutating func digits(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &buffer) { raw in
            var index = raw.count
            var rest = value
            while rest > 0 {
                index -= 1
                raw[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            bytes.append(contentsOf: raw[index...])
        }
    }

    mutating func string(_ value: String?) {
        guard let value else { return null() }
        string(value, quoted: true)
    }

    mutating func string(_ value: Substring) {
        string(String(value), quoted: true)
    }

    private mutating func string(_ value: String, quoted: Bool) {
        if quoted { bytes.append(UInt8(ascii: "\"")) }
        var value = value
        value.withUTF8 { utf8 in
            // Fast path: nothing to escape, one bulk copy.
            if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""):
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(byte)
                case UInt8(ascii: "\\"):
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(byte)
                case UInt8(ascii: "\n"):
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(UInt8(ascii: "n"))
                case 0..<0x20:
                    raw("\\u00")
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(hex[Int(byte >> 4)])
                    bytes.append(hex[Int(byte & 0xF)])
                default: bytes.append(byte)
                }
            }
        }
        if quoted { bytes.append(UInt8(ascii: "\"")) }
    }

    /// Writes an ISO-8601 UTC timestamp (`2024-04-02T14:45:00Z`, no fractions) or `null` when `seconds` is 0.
    mutating func timestamp(_ seconds: UInt32) {
        guard seconds != 0 else { return null() }
        bytes.append(UInt8(ascii: "\""))
        CivilTime.appendISO8601(Int64(seconds), to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes a `YYYY-MM-DD` date from days since 1970, or `null` for `Int32.min`.
    mutating func date(days: Int32) {
        guard days != Int32.min else { return null() }
        bytes.append(UInt8(ascii: "\""))
        CivilTime.appendDate(Int64(days), to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes a link object: `{"links":{"self":"<prefix><suffix>"}}`.
    mutating func link(_ prefix: String, _ suffix: String) {
        raw("{\"links\":{\"self\":\"")
        string(prefix, quoted: false)
        string(suffix, quoted: false)
        raw("\"}}")
    }

    /// Writes a link object pointing at `prefix/<id>`.
    mutating func link(_ prefix: String, id: Int64) {
        raw("{\"links\":{\"self\":\"")
        string(prefix, quoted: false)
        bytes.append(UInt8(ascii: "/"))
        int(id)
        raw("\"}}")
    }

    /// Writes a quoted URL `<base><path><id><suffix>` without building an intermediate string.
    mutating func url(_ base: String, _ path: StaticString, id: Int64, _ suffix: StaticString = "") {
        bytes.append(UInt8(ascii: "\""))
        string(base, quoted: false)
        raw(path)
        int(id)
        raw(suffix)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes a link object `{"links":{"self":"<base><path><id><suffix>"}}`.
    mutating func link(_ base: String, _ path: StaticString, id: Int64, _ suffix: StaticString = "") {
        raw("{\"links\":{\"self\":")
        url(base, path, id: id, suffix)
        raw("}}")
    }

    /// Writes `"<first> <second>"`.
    mutating func joined(_ first: String, _ second: String) {
        bytes.append(UInt8(ascii: "\""))
        string(first, quoted: false)
        bytes.append(UInt8(ascii: " "))
        string(second, quoted: false)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes `"name": "value"` (or `null`).
    mutating func field(_ name: StaticString, _ value: String?) {
        key(name)
        string(value)
    }

    /// Writes `"name": true|false`.
    mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        bool(value)
    }

    /// Writes `"name": <integer>`.
    mutating func field(_ name: StaticString, int value: some BinaryInteger) {
        key(name)
        int(Int64(value))
    }

    /// Writes `"name": "<ISO-8601>"` or `null` for 0.
    mutating func field(_ name: StaticString, timestamp seconds: UInt32) {
        key(name)
        timestamp(seconds)
    }

    /// Writes `"name": "YYYY-MM-DD"` or `null`.
    mutating func field(_ name: StaticString, date days: Int32) {
        key(name)
        date(days: days)
    }

    /// Writes `"name": "<id>"`, an integer id as a string.
    mutating func field(_ name: StaticString, id: Int64) {
        key(name)
        idString(id)
    }

    /// Writes `"name": <raw JSON>`.
    mutating func field(_ name: StaticString, raw json: StaticString) {
        key(name)
        raw(json)
    }

    /// Writes `"name": null`.
    mutating func nullField(_ name: StaticString) {
        key(name)
        null()
    }

    /// Appends a newline (JSON Lines).
    mutating func newline() {
        bytes.append(UInt8(ascii: "\n"))
    }
}
