import Foundation

/// One `q[]=FIELD:OPERATOR VALUE` filter (fact sheet §A.5).
struct ClinikoFilter: Sendable {
    enum Operator: String, Sendable, CaseIterable {
        case greaterOrEqual = ">="
        case lessOrEqual = "<="
        case notEqual = "!="
        case isNull = "!?"
        case like = "~~"
        case greater = ">"
        case less = "<"
        case equal = "="
        case contains = "~"
        case isNotNull = "?"
        case any = "*"
    }

    /// Why a filter was rejected (rendered into the 400 body).
    struct Invalid: Error {
        var message: String
    }

    let field: String
    let op: Operator
    let operand: String
    private let kind: ClinikoResource.Kind
    private let time: Int64?
    private let numbers: [Int64]

    init(_ text: String, resource: ClinikoResource) throws(Invalid) {
        guard let colon = text.firstIndex(of: ":") else {
            throw Invalid(message: "Invalid filter '\(text)': expected FIELD:OPERATOR VALUE")
        }
        field = String(text[..<colon])
        guard let kind = resource.fields[field] else {
            throw Invalid(message: "Invalid filter: '\(field)' is not a filterable field")
        }
        self.kind = kind
        let rest = text[text.index(after: colon)...]
        guard let op = Operator.allCases.first(where: { rest.hasPrefix($0.rawValue) }) else {
            throw Invalid(message: "Invalid filter '\(text)': unknown operator")
        }
        self.op = op
        operand = String(rest.dropFirst(op.rawValue.count))
        let allowed: Set<Operator> =
            switch kind {
            case .dateTime: [.greater, .greaterOrEqual, .less, .lessOrEqual, .isNotNull, .isNull, .any]
            case .date: [.equal, .greater, .greaterOrEqual, .less, .lessOrEqual, .isNotNull, .isNull]
            case .number: [.equal, .notEqual, .greater, .greaterOrEqual, .less, .lessOrEqual, .isNotNull, .isNull]
            case .string: [.equal, .notEqual, .contains, .like, .isNotNull, .isNull]
            case .bool: [.equal, .notEqual]
            }
        guard allowed.contains(op) else {
            throw Invalid(message: "Invalid filter '\(text)': operator \(op.rawValue) is not valid for \(field)")
        }
        let needsOperand = ![.isNull, .isNotNull, .any].contains(op)
        if needsOperand, operand.isEmpty { throw Invalid(message: "Invalid filter '\(text)': missing value") }
        if !needsOperand, !operand.isEmpty { throw Invalid(message: "Invalid filter '\(text)': unexpected value") }
        switch kind {
        case .dateTime where needsOperand:
            guard let parsed = CivilTime.parseISO8601(operand) else {
                throw Invalid(message: "Invalid filter '\(text)': '\(operand)' is not a valid date time")
            }
            time = parsed
            numbers = []
        case .date where needsOperand && !operand.contains("*"):
            guard operand.count == 10, let parsed = CivilTime.parseISO8601(operand) else {
                throw Invalid(message: "Invalid filter '\(text)': '\(operand)' is not a valid date")
            }
            time = parsed / 86_400
            numbers = []
        case .number where needsOperand:
            let parts = operand.split(separator: ",").map { Int64($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }), op == .equal || parts.count == 1 else {
                throw Invalid(message: "Invalid filter '\(text)': '\(operand)' is not a valid number")
            }
            time = nil
            numbers = parts.compactMap { $0 }
        default:
            time = nil
            numbers = []
        }
    }

    /// Whether `value` passes this filter.
    func matches(_ value: FieldValue) -> Bool {
        switch op {
        case .any: return true
        case .isNull: return value.isNull
        case .isNotNull: return !value.isNull
        default: break
        }
        if value.isNull { return op == .notEqual }
        switch value {
        case .time(let seconds):
            return compare(Int64(seconds), time ?? 0)
        case .date(let days):
            if let time { return compare(Int64(days), time) }
            var bytes: [UInt8] = []
            CivilTime.appendDate(Int64(days), to: &bytes)
            let text = Array(operand.utf8)
            let matched =
                bytes.count == text.count
                && zip(bytes, text).allSatisfy { $1 == UInt8(ascii: "*") || $0 == $1 }
            return op == .equal ? matched : false
        case .number(let number):
            guard let number else { return false }
            if op == .equal { return numbers.contains(number) }
            return compare(number, numbers.first ?? 0)
        case .string(let string):
            let string = string ?? ""
            switch op {
            case .equal: return string == operand
            case .notEqual: return string != operand
            case .contains: return string.lowercased().contains(operand.lowercased())
            case .like: return Self.like(string.lowercased(), operand.lowercased())
            default: return false
            }
        case .bool(let flag):
            let wanted = operand == "true"
            return op == .equal ? flag == wanted : flag != wanted
        }
    }

    private func compare(_ lhs: Int64, _ rhs: Int64) -> Bool {
        switch op {
        case .greater: lhs > rhs
        case .greaterOrEqual: lhs >= rhs
        case .less: lhs < rhs
        case .lessOrEqual: lhs <= rhs
        case .equal: lhs == rhs
        case .notEqual: lhs != rhs
        default: false
        }
    }

    /// SQL `LIKE` with `%` wildcards.
    static func like(_ text: String, _ pattern: String) -> Bool {
        let parts = pattern.split(separator: "%", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return text == pattern }
        var rest = Substring(text)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return parts.last.map { $0.isEmpty || rest.hasSuffix($0) } ?? true
    }
}
