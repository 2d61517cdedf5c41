#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One column of a warehouse table: its name and the type and range every value must have before it is sent.
///
/// This is the one place that knows what PostgreSQL accepts for each column of the source tables (DESIGN §4, STYLE
/// rule 40): ``CopyRowEncoder`` checks every field against its column while it encodes, so a value PostgreSQL would
/// reject (a NUL character, `1990-02-30`, an integer above 2³¹, a year outside 1–9999, text too long for a B-tree
/// entry) never reaches `COPY`: the record is quarantined with a ``ColumnViolation`` naming the column instead.
public struct WarehouseColumn: Sendable, Hashable {
    /// What a column holds.
    public enum Kind: Sendable, Hashable {
        /// A source id or other key (indexed): text of at most ``WarehouseColumn/identifierBytes`` bytes.
        case identifier
        /// Short text such as a name, title or e-mail address (some indexed): at most
        /// ``WarehouseColumn/shortTextBytes`` bytes.
        case shortText
        /// Free text such as a note or a message: at most ``WarehouseColumn/longTextBytes`` bytes.
        case longText
        /// One of a fixed set of values (a `CHECK` constraint).
        case oneOf([String])
        /// A PostgreSQL `integer`: −2³¹ … 2³¹ − 1.
        case integer
        /// A `boolean`.
        case boolean
        /// A `timestamptz` between 0001-01-01 and 9999-12-31 UTC.
        case timestamp
        /// A `date` written `YYYY-MM-DD`: a real calendar date in years 0001–9999.
        case date
        /// A `text[]` whose elements are short text.
        case textArray
    }

    /// The longest id: Cliniko's are 19 digits, Clerk's about 32 characters.
    public static let identifierBytes = 255
    /// The longest short text; well under PostgreSQL's B-tree entry limit (about 2,700 bytes) for indexed columns.
    public static let shortTextBytes = 1_024
    /// The longest free text: 1 MiB.
    public static let longTextBytes = 1 << 20

    /// The column's name.
    public let name: String
    /// What it holds.
    public let kind: Kind
    /// Whether it may be `NULL`.
    public let isNullable: Bool

    /// Creates a column.
    public init(_ name: String, _ kind: Kind, nullable: Bool = true) {
        self.name = name
        self.kind = kind
        isNullable = nullable
    }

    /// Why `value` cannot go into this column, or `nil` when it can. Problems name the rule, never the value.
    public func problem(with value: String) -> String? {
        switch kind {
        case .identifier: return Self.textProblem(value, limit: Self.identifierBytes)
        case .shortText: return Self.textProblem(value, limit: Self.shortTextBytes)
        case .longText: return Self.textProblem(value, limit: Self.longTextBytes)
        case .oneOf(let allowed):
            return allowed.contains(value) ? nil : "is not one of \(allowed.joined(separator: ", "))"
        case .date: return Self.dateProblem(value)
        case .textArray: return Self.textProblem(value, limit: Self.longTextBytes)
        case .integer, .boolean, .timestamp: return "holds text where \(kind.description) is expected"
        }
    }

    /// Why `value` cannot go into this column, or `nil` when it can.
    public func problem(with value: Int) -> String? {
        switch kind {
        case .integer: Int(Int32.min)...Int(Int32.max) ~= value ? nil : "is outside the 32-bit integer range"
        default: "holds an integer where \(kind.description) is expected"
        }
    }

    /// The problem of a `NULL`, when the column does not allow one.
    var nullProblem: String? {
        isNullable ? nil : "is missing (the column requires a value)"
    }

    /// Why `value` is no text PostgreSQL stores: a NUL character, or more than `limit` bytes of UTF-8.
    static func textProblem(_ value: String, limit: Int) -> String? {
        let utf8 = value.utf8
        if utf8.count > limit { return "is longer than \(limit) bytes (\(utf8.count))" }
        let hasNUL =
            utf8.withContiguousStorageIfAvailable { bytes in
                bytes.baseAddress.map { memchr($0, 0, bytes.count) != nil } ?? false
            } ?? utf8.contains(0)
        if hasNUL { return "contains a NUL character" }
        return nil
    }

    /// Why `text` is no `YYYY-MM-DD` calendar date in years 0001–9999.
    static func dateProblem(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else {
            return "is not a date written YYYY-MM-DD"
        }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else {
            return "is not a date written YYYY-MM-DD"
        }
        guard year >= 1 else { return "has year 0000, which does not exist" }
        guard (1...12).contains(month) else { return "has no month \(month)" }
        guard (1...daysIn(month: month, year: year)).contains(day) else {
            return "is not a calendar date (month \(month) has no day \(day))"
        }
        return nil
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension WarehouseColumn.Kind: CustomStringConvertible {
    public var description: String {
        switch self {
        case .identifier: "an id"
        case .shortText, .longText: "text"
        case .oneOf: "a fixed value"
        case .integer: "an integer"
        case .boolean: "a Boolean"
        case .timestamp: "a timestamp"
        case .date: "a date"
        case .textArray: "a list of text"
        }
    }
}
