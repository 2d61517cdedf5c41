/// A filterable / sortable field value of a Cliniko row.
enum FieldValue {
    /// Unix seconds, 0 meaning null.
    case time(UInt32)
    /// Days since 1970, `Int32.min` meaning null.
    case date(Int32)
    case number(Int64?)
    case string(String?)
    case bool(Bool)

    var isNull: Bool {
        switch self {
        case .time(let value): value == 0
        case .date(let value): value == Int32.min
        case .number(let value): value == nil
        case .string(let value): value == nil
        case .bool: false
        }
    }

    /// Orders values of the same kind, nulls first.
    static func compare(_ lhs: FieldValue, _ rhs: FieldValue) -> Int {
        func cmp<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a == b ? 0 : 1) }
        switch (lhs, rhs) {
        case (.time(let a), .time(let b)): return cmp(a, b)
        case (.date(let a), .date(let b)): return cmp(a, b)
        case (.number(let a), .number(let b)): return cmp(a ?? Int64.min, b ?? Int64.min)
        case (.string(let a), .string(let b)): return cmp(a ?? "", b ?? "")
        case (.bool(let a), .bool(let b)): return cmp(a ? 1 : 0, b ? 1 : 0)
        default: return 0
        }
    }
}
